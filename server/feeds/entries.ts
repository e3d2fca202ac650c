/**
 * The entries of the Atom feeds, as plain data: pure, data in and data out, so the unit tests ask the
 * same questions as the routes. Each entry is an event — a publication, a consultation opened or
 * closing, a ballot's result, a proposal circulated or decided — with an id made of the thing's address
 * and the event's kind, which never changes with time, and an `updated` instant taken from the event's
 * own dates (never from "now"), so that reading a feed twice gives the same bytes.
 */
import { consultationState, releasesDraft } from '../consultations/state.ts';
import { longDate, longDateTime } from '../time.ts';

export type EntryKind = 'publication' | 'consultation-opened' | 'consultation-closing' | 'ballot-result' | 'proposal-circulated' | 'proposal-decided';

export interface FeedEntry {
  id: string;
  kind: EntryKind;
  /** the standard it concerns (its ref), for the standard's own feed; null when none */
  ref: string | null;
  /** plain text (escaped when written) */
  title: string;
  link: string;
  /** ISO 8601 UTC */
  updated: string;
  /** plain text */
  summary: string;
}

export interface FeedModel {
  /** the feed's own address: its Atom id and rel="self" */
  self: string;
  title: string;
  subtitle: string;
  /** the page it belongs to (rel="alternate") */
  alternate: string;
  /** the latest entry's instant, or the epoch for an empty feed: never the clock */
  updated: string;
  entries: FeedEntry[];
}

/** A consultation gets a "closing" entry once its close is this near (issue 16 item 4, as "My work"). */
export const CLOSING_NOTICE_MS = 7 * 24 * 60 * 60 * 1000;

/** How many entries a feed carries, newest first. */
export const FEED_SIZE = 100;

export const trimBase = (publicUrl: string): string => publicUrl.replace(/\/+$/, '');

const path = (s: string) => encodeURIComponent(s);

// ---- publications ----

export interface PublicationFacts {
  ref: string;
  designation: string;
  title: string;
  n: number;
  edition_label: string;
  published_at: string;
  /** the text of the entry (server/feeds/service.ts entrySummary) */
  summary: string;
}

/** A published version. Its id is the version's address, as the publications feed has always had it. */
export function publicationEntry(base: string, p: PublicationFacts): FeedEntry {
  const url = `${base}/standards/${path(p.ref)}/versions/${p.n}`;
  return { id: url, kind: 'publication', ref: p.ref, title: `${p.designation} ${p.title} — ${p.edition_label}`, link: url, updated: iso(p.published_at), summary: p.summary };
}

// ---- consultations ----

export interface ConsultationFacts {
  id: number;
  ref: string;
  designation: string;
  title: string;
  label: string;
  opens_at: string;
  closes_at: string;
  cancelled_at: string | null;
}

/** The instant a consultation starts "closing": seven days before its close, or its opening if later. */
export function closingFrom(c: Pick<ConsultationFacts, 'opens_at' | 'closes_at'>): string {
  const from = Date.parse(c.closes_at) - CLOSING_NOTICE_MS;
  return new Date(Math.max(from, Date.parse(c.opens_at))).toISOString();
}

/**
 * "Opened" once the draft is public (a consultation cancelled before it opened never was); "closing"
 * while it is open and closes within seven days. The closing entry is dated from the instant it began
 * to be closing, so it is the same whenever it is read; it goes once the consultation has closed.
 */
export function consultationEntries(base: string, c: ConsultationFacts, now: Date): FeedEntry[] {
  const url = `${base}/consultations/${c.id}`;
  const what = `${c.designation} ${c.title} — ${c.label}`;
  const out: FeedEntry[] = [];
  if (!releasesDraft(c, now)) return out;
  const cancelled = c.cancelled_at ? ` It was cancelled on ${longDateTime(c.cancelled_at)}.` : '';
  out.push({
    id: `${url}#opened`,
    kind: 'consultation-opened',
    ref: c.ref,
    title: `Consultation opened: ${what}`,
    link: url,
    updated: iso(c.opens_at),
    summary: `The draft ${c.label} of ${c.designation} is open for comment from ${longDateTime(c.opens_at)} until ${longDateTime(c.closes_at)}.${cancelled}`,
  });
  if (consultationState(c, now) === 'open' && Date.parse(c.closes_at) - now.getTime() <= CLOSING_NOTICE_MS) {
    out.push({
      id: `${url}#closing`,
      kind: 'consultation-closing',
      ref: c.ref,
      title: `Consultation closing on ${longDate(c.closes_at)}: ${what}`,
      link: url,
      updated: closingFrom(c),
      summary: `The consultation on ${c.designation} ${c.label} closes on ${longDateTime(c.closes_at)}: comments can be made until then.`,
    });
  }
  return out;
}

// ---- ballots ----

export interface BallotFacts {
  id: number;
  ref: string;
  designation: string;
  title: string;
  label: string;
  rule: string;
  closes_at: string;
  result: 'approved' | 'rejected' | 'no_quorum';
  /** the count frozen at the close */
  tally: Partial<Record<'approve' | 'disapprove' | 'abstain' | 'recuse' | 'not_voted' | 'outdated', number>> | null;
}

const RESULT_WORDS: Record<BallotFacts['result'], string> = { approved: 'approved', rejected: 'rejected', no_quorum: 'no quorum' };
const RULE_WORDS: Record<string, string> = { iso: 'ISO rule', majority: 'majority rule', consensus: 'consensus rule' };

/** A closed ballot, with the result and the count frozen at its close (public once closed, as on its page). */
export function ballotEntry(base: string, b: BallotFacts): FeedEntry {
  const url = `${base}/ballots/${b.id}`;
  const t = b.tally;
  const count = t
    ? ` Approve ${t.approve ?? 0}, disapprove ${t.disapprove ?? 0}, abstain ${t.abstain ?? 0}, recuse ${t.recuse ?? 0}, not voted ${t.not_voted ?? 0}${t.outdated ? `, outdated ${t.outdated}` : ''}.`
    : '';
  return {
    id: `${url}#result`,
    kind: 'ballot-result',
    ref: b.ref,
    title: `Ballot result: ${b.designation} ${b.title} — ${b.label}: ${RESULT_WORDS[b.result]}`,
    link: url,
    updated: iso(b.closes_at),
    summary: `The Review Board's ballot on ${b.designation} ${b.label} closed on ${longDateTime(b.closes_at)} (${RULE_WORDS[b.rule] ?? b.rule}): ${RESULT_WORDS[b.result]}.${count}`,
  };
}

// ---- proposals ----

export interface ProposalFacts {
  id: number;
  title: string;
  kind_label: string;
  /** the standard it concerns, when it names one */
  standard: { ref: string; designation: string } | null;
  circulated_at: string | null;
  response_due_at: string | null;
  decision: 'supported' | 'not_supported' | null;
  decided_at: string | null;
  /** the count frozen with the decision */
  tally: { electorate: number; supports: number; needed: number } | null;
}

/** "Circulated" to the Board, and "decided" once the decision is recorded (its count is public from then on). */
export function proposalEntries(base: string, p: ProposalFacts): FeedEntry[] {
  const url = `${base}/proposals/${p.id}`;
  const about = p.standard ? ` (${p.kind_label}: ${p.standard.designation})` : ` (${p.kind_label})`;
  const out: FeedEntry[] = [];
  if (p.circulated_at) {
    out.push({
      id: `${url}#circulated`,
      kind: 'proposal-circulated',
      ref: p.standard?.ref ?? null,
      title: `Proposal circulated: ${p.title}`,
      link: url,
      updated: iso(p.circulated_at),
      summary: `The proposal "${p.title}"${about} was circulated to the Review Board on ${longDateTime(p.circulated_at)}${p.response_due_at ? `; member organisations respond by ${longDateTime(p.response_due_at)}` : ''}.`,
    });
  }
  if (p.decision && p.decided_at) {
    const word = p.decision === 'supported' ? 'supported' : 'not supported';
    const t = p.tally;
    out.push({
      id: `${url}#decided`,
      kind: 'proposal-decided',
      ref: p.standard?.ref ?? null,
      title: `Proposal ${word}: ${p.title}`,
      link: url,
      updated: iso(p.decided_at),
      summary: `The Review Board's decision on the proposal "${p.title}"${about}, recorded on ${longDateTime(p.decided_at)}: ${word}.${t ? ` ${t.supports} of ${t.electorate} member organisations support it; ${t.needed} needed.` : ''}`,
    });
  }
  return out;
}

// ---- the feed ----

/** Newest first (ties by id, so the order never depends on the database's), at most FEED_SIZE. */
export function newestFirst(entries: FeedEntry[]): FeedEntry[] {
  return [...entries].sort((a, b) => (a.updated === b.updated ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.updated < b.updated ? 1 : -1)).slice(0, FEED_SIZE);
}

export function feedModel(m: Omit<FeedModel, 'updated' | 'entries'>, entries: FeedEntry[]): FeedModel {
  const sorted = newestFirst(entries);
  return { ...m, updated: sorted[0]?.updated ?? new Date(0).toISOString(), entries: sorted };
}

/** Dates from either database (a Date from PostgreSQL, a string from SQLite) as ISO 8601 UTC. */
function iso(v: string | Date): string {
  return (v instanceof Date ? v : new Date(v)).toISOString();
}
