/**
 * The mails of issue 16 item 3, as data in, text out (pure): what each notice says, the daily digest
 * that gathers several, the footer with the unsubscribe link, and the rules of timing (retry back-off,
 * the digest's day). Links are absolute, from PUBLIC_URL.
 */

export type Mode = 'immediate' | 'digest' | 'none';
export const MODES: readonly Mode[] = ['immediate', 'digest', 'none'];

/** What each kind of notice carries (stored as JSON in the outbox row, rendered when sent). */
export type Notice =
  | { kind: 'consultation-opened'; consultation_id: number; designation: string; title: string; label: string; opens_at: string; closes_at: string }
  | { kind: 'comment-disposed'; comment_id: number; reference: string; designation: string; disposition: string; response: string | null }
  | { kind: 'ballot-opened'; ballot_id: number; designation: string; title: string; label: string; closes_at: string }
  | { kind: 'ballot-moved'; ballot_id: number; designation: string; title: string; label: string; from_n: number; to_n: number; closes_at: string }
  | { kind: 'ballot-closing'; ballot_id: number; designation: string; title: string; label: string; closes_at: string; organisation: string }
  | { kind: 'proposal-circulated'; proposal_id: number; title: string; response_due_at: string }
  | { kind: 'published'; ref: string; n: number; designation: string; title: string; edition_label: string; in_force_from: string };

export type Kind = Notice['kind'];

export interface Message {
  subject: string;
  text: string;
  /** the page the notice is about, absolute */
  link: string;
}

const DISPOSITIONS: Record<string, string> = { accepted: 'accepted', partially_accepted: 'partially accepted', rejected: 'rejected', noted: 'noted' };

/** "1 December 2026, 12:00 UTC": mails are read far from the server, so the zone is always said. */
export function when(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const day = d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  return iso.length <= 10 ? day : `${day}, ${d.toISOString().slice(11, 16)} UTC`;
}

const absolute = (publicUrl: string, path: string) => `${publicUrl.replace(/\/+$/, '')}${path}`;

/** The subject, body and link of one notice. */
export function render(n: Notice, publicUrl: string): Message {
  const at = (path: string) => absolute(publicUrl, path);
  switch (n.kind) {
    case 'consultation-opened': {
      return {
        subject: `Consultation on ${n.designation}: ${n.label}`,
        text: `A consultation on ${n.designation} ${n.title} (${n.label}) takes comments from ${when(n.opens_at)} until ${when(n.closes_at)}.`,
        link: at(`/consultations/${n.consultation_id}`),
      };
    }
    case 'comment-disposed':
      return {
        subject: `Your comment ${n.reference} on ${n.designation}: ${DISPOSITIONS[n.disposition] ?? n.disposition}`,
        text: `The secretariat recorded a disposition of your comment ${n.reference}: ${DISPOSITIONS[n.disposition] ?? n.disposition}.${n.response ? `\nResponse: ${n.response}` : ''}`,
        link: at(`/comments/${n.comment_id}`),
      };
    case 'ballot-opened':
      return {
        subject: `Ballot open on ${n.designation}: ${n.label}`,
        text: `The Review Board votes on ${n.designation} ${n.title} (${n.label}) until ${when(n.closes_at)}.`,
        link: at(`/ballots/${n.ballot_id}`),
      };
    case 'ballot-moved':
      return {
        subject: `Ballot on ${n.designation} moved to a newer draft: vote again`,
        text: `The ballot on ${n.designation} ${n.title} now asks about version ${n.to_n} (${n.label}) instead of version ${n.from_n}. Votes cast on the older draft are outdated and no longer counted: read what changed and vote again before ${when(n.closes_at)}.`,
        link: at(`/ballots/${n.ballot_id}`),
      };
    case 'ballot-closing':
      return {
        subject: `Ballot on ${n.designation} closes ${when(n.closes_at)}: ${n.organisation} has not voted`,
        text: `The ballot on ${n.designation} ${n.title} (${n.label}) closes ${when(n.closes_at)}, and ${n.organisation} has no vote on the current draft yet.`,
        link: at(`/ballots/${n.ballot_id}`),
      };
    case 'proposal-circulated':
      return {
        subject: `Proposal circulated to the Review Board: ${n.title}`,
        text: `The proposal "${n.title}" has been circulated to the Board's member organisations. Responses are due by ${when(n.response_due_at)}.`,
        link: at(`/proposals/${n.proposal_id}`),
      };
    case 'published':
      return {
        subject: `Published: ${n.designation} ${n.edition_label}`,
        text: `${n.designation} ${n.title} ${n.edition_label} is published, in force from ${when(n.in_force_from)}.`,
        link: at(`/standards/${encodeURIComponent(n.ref)}/versions/${n.n}`),
      };
  }
}

/** The foot of every mail: why it came, how to choose, and the one-click way out. */
export function footer(publicUrl: string, unsubscribeUrl: string): string {
  return [
    '--',
    'You receive this because of your account on imas-review.',
    `Choose immediate mails, a daily digest or none: ${absolute(publicUrl, '/account/notifications')}`,
    `Unsubscribe from all these mails: ${unsubscribeUrl}`,
  ].join('\n');
}

/** One mail for one notice. */
export function single(n: Notice, publicUrl: string, unsubscribeUrl: string): { subject: string; text: string } {
  const m = render(n, publicUrl);
  return { subject: m.subject, text: `${m.text}\n\n${m.link}\n\n${footer(publicUrl, unsubscribeUrl)}\n` };
}

/** One mail for the day's notices of a user, oldest first. */
export function digest(notices: Notice[], publicUrl: string, unsubscribeUrl: string): { subject: string; text: string } {
  const parts = notices.map((n) => render(n, publicUrl)).map((m, i) => `${i + 1}. ${m.subject}\n${m.text}\n${m.link}`);
  const count = notices.length;
  return {
    subject: `imas-review: ${count} notice${count === 1 ? '' : 's'} of the day`,
    text: `${parts.join('\n\n')}\n\n${footer(publicUrl, unsubscribeUrl)}\n`,
  };
}

/** The hour (UTC) of the daily digest: each morning it gathers what came since the previous one. */
export const DIGEST_HOUR_UTC = 6;

/** The latest digest time at or before `now`: a digest user's notices written before it are due. */
export function digestCutoff(now: Date): Date {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), DIGEST_HOUR_UTC));
  if (d.getTime() > now.getTime()) d.setUTCDate(d.getUTCDate() - 1);
  return d;
}

/** Exponential back-off after the n-th failed attempt (n ≥ 1): 1 min, 2, 4 … capped at 6 hours. */
export function retryDelayMs(attempts: number): number {
  const base = 60_000;
  const cap = 6 * 3_600_000;
  return Math.min(cap, base * 2 ** Math.max(0, Math.min(attempts - 1, 20)));
}

/** How long before a ballot's close its Board voters are reminded (issue 16: 48 hours). */
export const REMINDER_BEFORE_MS = 48 * 3_600_000;
