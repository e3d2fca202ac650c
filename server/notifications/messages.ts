/**
 * The mails of issue 16 item 3, as data in, text out (pure): what each notice says, the daily digest
 * that gathers several, the footer with the unsubscribe link, and the rules of timing (retry back-off,
 * the digest's day). Links are absolute, from PUBLIC_URL. Each mail is in its recipient's language.
 */
import { t } from '../i18n/index.ts';
import { formatDate, formatDateTime } from '../i18n/format.ts';
import { localise } from '../i18n/messages.ts';

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

const DISPOSITIONS = { accepted: true, partially_accepted: true, rejected: true, noted: true } as const;

/**
 * "1 December 2026, 12:00 UTC": mails are read far from the server, so the zone is always said. In the
 * recipient's language (issue 19): mails go out in the language of their account, English when none.
 */
// Made once: toLocaleDateString with options builds a formatter on every call (tens of µs each).
const EN_GB_DAY = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

export function when(iso: string, lng = 'en'): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  if (lng !== 'en') return iso.length <= 10 ? formatDate(lng, iso) : formatDateTime(lng, iso);
  const day = EN_GB_DAY.format(d);
  return iso.length <= 10 ? day : `${day}, ${d.toISOString().slice(11, 16)} UTC`;
}

const absolute = (publicUrl: string, path: string) => `${publicUrl.replace(/\/+$/, '')}${path}`;

/** The subject, body and link of one notice, in `lng` (locales/<lng>/notifications.json, `mail.*`). */
export function render(n: Notice, publicUrl: string, lng = 'en'): Message {
  const at = (path: string) => absolute(publicUrl, path);
  const tr = (key: string, values: Record<string, unknown>) => t(lng, `notifications:mail.${key}`, values);
  // A version's label ("Draft Edition 3 for consultation", "Edition 3") in the recipient's language where it has a known form.
  const label = (l: string) => localise(lng, l);
  const w = (iso: string) => when(iso, lng);
  switch (n.kind) {
    case 'consultation-opened': {
      const v = { designation: n.designation, title: n.title, label: label(n.label), opens: w(n.opens_at), closes: w(n.closes_at) };
      return { subject: tr('consultationOpened.subject', v), text: tr('consultationOpened.text', v), link: at(`/consultations/${n.consultation_id}`) };
    }
    case 'comment-disposed': {
      const disposition = Object.hasOwn(DISPOSITIONS, n.disposition) ? t(lng, `notifications:mail.dispositions.${n.disposition}`) : n.disposition;
      const v = { reference: n.reference, designation: n.designation, disposition };
      return {
        subject: tr('commentDisposed.subject', v),
        text: `${tr('commentDisposed.text', v)}${n.response ? `\n${tr('commentDisposed.response', { response: n.response })}` : ''}`,
        link: at(`/comments/${n.comment_id}`),
      };
    }
    case 'ballot-opened': {
      const v = { designation: n.designation, title: n.title, label: label(n.label), closes: w(n.closes_at) };
      return { subject: tr('ballotOpened.subject', v), text: tr('ballotOpened.text', v), link: at(`/ballots/${n.ballot_id}`) };
    }
    case 'ballot-moved': {
      const v = { designation: n.designation, title: n.title, label: label(n.label), from: n.from_n, to: n.to_n, closes: w(n.closes_at) };
      return { subject: tr('ballotMoved.subject', v), text: tr('ballotMoved.text', v), link: at(`/ballots/${n.ballot_id}`) };
    }
    case 'ballot-closing': {
      const v = { designation: n.designation, title: n.title, label: label(n.label), closes: w(n.closes_at), organisation: n.organisation };
      return { subject: tr('ballotClosing.subject', v), text: tr('ballotClosing.text', v), link: at(`/ballots/${n.ballot_id}`) };
    }
    case 'proposal-circulated': {
      const v = { title: n.title, due: w(n.response_due_at) };
      return { subject: tr('proposalCirculated.subject', v), text: tr('proposalCirculated.text', v), link: at(`/proposals/${n.proposal_id}`) };
    }
    case 'published': {
      const v = { designation: n.designation, title: n.title, edition: label(n.edition_label), from: w(n.in_force_from) };
      return { subject: tr('published.subject', v), text: tr('published.text', v), link: at(`/standards/${encodeURIComponent(n.ref)}/versions/${n.n}`) };
    }
  }
}

/** The foot of every mail: why it came, how to choose, and the one-click way out. */
export function footer(publicUrl: string, unsubscribeUrl: string, lng = 'en'): string {
  return [
    '--',
    t(lng, 'notifications:mail.footer.why'),
    t(lng, 'notifications:mail.footer.choose', { link: absolute(publicUrl, '/account/notifications') }),
    t(lng, 'notifications:mail.footer.unsubscribe', { link: unsubscribeUrl }),
  ].join('\n');
}

/** One mail for one notice, in the recipient's language. */
export function single(n: Notice, publicUrl: string, unsubscribeUrl: string, lng = 'en'): { subject: string; text: string } {
  const m = render(n, publicUrl, lng);
  return { subject: m.subject, text: `${m.text}\n\n${m.link}\n\n${footer(publicUrl, unsubscribeUrl, lng)}\n` };
}

/** One mail for the day's notices of a user, oldest first, in the recipient's language. */
export function digest(notices: Notice[], publicUrl: string, unsubscribeUrl: string, lng = 'en'): { subject: string; text: string } {
  const parts = notices.map((n) => render(n, publicUrl, lng)).map((m, i) => `${i + 1}. ${m.subject}\n${m.text}\n${m.link}`);
  return {
    subject: t(lng, 'notifications:mail.digestSubject', { count: notices.length }),
    text: `${parts.join('\n\n')}\n\n${footer(publicUrl, unsubscribeUrl, lng)}\n`,
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
