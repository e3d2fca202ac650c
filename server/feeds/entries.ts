/**
 * The entries of the Atom feeds, as plain data: pure, data in and data out, so the unit tests ask the
 * same questions as the routes. Each entry is an event — a publication, a consultation opened or
 * closing, a ballot's result, a proposal circulated or decided — with an id made of the thing's address
 * and the event's kind, which never changes with time, and an `updated` instant taken from the event's
 * own dates (never from "now"), so that reading a feed twice gives the same bytes.
 */
import { consultationState, releasesDraft } from '../consultations/state.ts';
import { longDate, longDateTime } from '../time.ts';

/**
 * The feeds' words (issue 19): English here, the table's keys in locales/<lng>/feeds.json for the other
 * languages (service.ts feedWords). English is the table itself, so an English feed keeps its bytes.
 */
export const FEED_WORDS = {
  publicationTitle: '{{designation}} {{title}} — {{edition}}',
  what: '{{designation}} {{title}} — {{label}}',
  openedTitle: 'Consultation opened: {{what}}',
  openedSummary: 'The draft {{label}} of {{designation}} is open for comment from {{opens}} until {{closes}}.',
  cancelled: 'It was cancelled on {{date}}.',
  closingTitle: 'Consultation closing on {{date}}: {{what}}',
  closingSummary: 'The consultation on {{designation}} {{label}} closes on {{closes}}: comments can be made until then.',
  ballotTitle: 'Ballot result: {{designation}} {{title}} — {{label}}: {{result}}',
  ballotSummary: "The Review Board's ballot on {{designation}} {{label}} closed on {{closes}} ({{rule}}): {{result}}.",
  ballotCount: 'Approve {{approve}}, disapprove {{disapprove}}, abstain {{abstain}}, recuse {{recuse}}, not voted {{notVoted}}.',
  ballotCountOutdated: 'Approve {{approve}}, disapprove {{disapprove}}, abstain {{abstain}}, recuse {{recuse}}, not voted {{notVoted}}, outdated {{outdated}}.',
  result_approved: 'approved',
  result_rejected: 'rejected',
  result_no_quorum: 'no quorum',
  rule_iso: 'ISO rule',
  rule_majority: 'majority rule',
  rule_consensus: 'consensus rule',
  about: '{{kind}}: {{designation}}',
  circulatedTitle: 'Proposal circulated: {{title}}',
  circulatedSummary: 'The proposal "{{title}}" ({{about}}) was circulated to the Review Board on {{date}}.',
  circulatedSummaryDue: 'The proposal "{{title}}" ({{about}}) was circulated to the Review Board on {{date}}; member organisations respond by {{due}}.',
  decidedTitle_supported: 'Proposal supported: {{title}}',
  decidedTitle_not_supported: 'Proposal not supported: {{title}}',
  decidedSummary: "The Review Board's decision on the proposal \"{{title}}\" ({{about}}), recorded on {{date}}: {{decision}}.",
  decision_supported: 'supported',
  decision_not_supported: 'not supported',
  decidedCount: '{{supports}} of {{electorate}} member organisations support it; {{needed}} needed.',
  inForce: 'In force from {{date}}.',
  awaitingEndorsement: 'Published with immediate effect, awaiting endorsement by the UN (IACG-MA).',
  auditHead: 'Audit chain head at publication: {{count}}:{{hash}}',
  noAuditHead: 'Published before imas-review kept an audit chain head.',
  publicationsTitle: 'IMAS publications',
  publicationsSubtitle: 'Editions and amendments of the International Mine Action Standards as they are published, with the audit chain head at each publication.',
  consultationsTitle: 'IMAS consultations',
  consultationsSubtitle: 'Drafts of the International Mine Action Standards opened for comment, and consultations closing within seven days.',
  ballotsTitle: 'IMAS Review Board ballot results',
  ballotsSubtitle: 'The results of the Review Board’s ballots on drafts, with the count frozen at each close.',
  proposalsTitle: 'IMAS proposals',
  proposalsSubtitle: 'Proposals (Justification Forms) circulated to the Review Board, and the Board’s decisions on them.',
  standardSubtitle: 'Publications, consultations, ballot results and proposals of {{designation}} {{title}}.',
} as const;

/** A feed's words and dates in one language. */
export interface FeedWords {
  lang: string;
  w: (key: keyof typeof FEED_WORDS, values?: Record<string, unknown>) => string;
  /** 16 January 2026 */
  date: (v: string) => string;
  /** 16 January 2026, 12:00 UTC */
  dateTime: (v: string) => string;
  /** a calendar day as the publications feed writes it (English: as stored, 2026-01-16) */
  day: (v: string) => string;
}

export const ENGLISH_WORDS: FeedWords = {
  lang: 'en',
  w: (key, values = {}) => FEED_WORDS[key].replace(/\{\{(\w+)\}\}/g, (m, k: string) => (k in values ? String(values[k]) : m)),
  date: longDate,
  dateTime: longDateTime,
  day: (v) => v,
};

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
  /** its language, when not English (xml:lang on the document) */
  lang?: string;
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
export function publicationEntry(base: string, p: PublicationFacts, { w } = ENGLISH_WORDS): FeedEntry {
  const url = `${base}/standards/${path(p.ref)}/versions/${p.n}`;
  return { id: url, kind: 'publication', ref: p.ref, title: w('publicationTitle', { designation: p.designation, title: p.title, edition: p.edition_label }), link: url, updated: iso(p.published_at), summary: p.summary };
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
export function consultationEntries(base: string, c: ConsultationFacts, now: Date, { w, date, dateTime } = ENGLISH_WORDS): FeedEntry[] {
  const url = `${base}/consultations/${c.id}`;
  const what = w('what', { designation: c.designation, title: c.title, label: c.label });
  const out: FeedEntry[] = [];
  if (!releasesDraft(c, now)) return out;
  const cancelled = c.cancelled_at ? ` ${w('cancelled', { date: dateTime(c.cancelled_at) })}` : '';
  out.push({
    id: `${url}#opened`,
    kind: 'consultation-opened',
    ref: c.ref,
    title: w('openedTitle', { what }),
    link: url,
    updated: iso(c.opens_at),
    summary: `${w('openedSummary', { label: c.label, designation: c.designation, opens: dateTime(c.opens_at), closes: dateTime(c.closes_at) })}${cancelled}`,
  });
  if (consultationState(c, now) === 'open' && Date.parse(c.closes_at) - now.getTime() <= CLOSING_NOTICE_MS) {
    out.push({
      id: `${url}#closing`,
      kind: 'consultation-closing',
      ref: c.ref,
      title: w('closingTitle', { date: date(c.closes_at), what }),
      link: url,
      updated: closingFrom(c),
      summary: w('closingSummary', { designation: c.designation, label: c.label, closes: dateTime(c.closes_at) }),
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

const RULES = new Set(['iso', 'majority', 'consensus']);

/** A closed ballot, with the result and the count frozen at its close (public once closed, as on its page). */
export function ballotEntry(base: string, b: BallotFacts, { w, dateTime } = ENGLISH_WORDS): FeedEntry {
  const url = `${base}/ballots/${b.id}`;
  const t = b.tally;
  const count = t
    ? ` ${w(t.outdated ? 'ballotCountOutdated' : 'ballotCount', { approve: t.approve ?? 0, disapprove: t.disapprove ?? 0, abstain: t.abstain ?? 0, recuse: t.recuse ?? 0, notVoted: t.not_voted ?? 0, outdated: t.outdated ?? 0 })}`
    : '';
  const result = w(`result_${b.result}`);
  const rule = RULES.has(b.rule) ? w(`rule_${b.rule as 'iso'}`) : b.rule;
  return {
    id: `${url}#result`,
    kind: 'ballot-result',
    ref: b.ref,
    title: w('ballotTitle', { designation: b.designation, title: b.title, label: b.label, result }),
    link: url,
    updated: iso(b.closes_at),
    summary: `${w('ballotSummary', { designation: b.designation, label: b.label, closes: dateTime(b.closes_at), rule, result })}${count}`,
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
export function proposalEntries(base: string, p: ProposalFacts, { w, dateTime } = ENGLISH_WORDS): FeedEntry[] {
  const url = `${base}/proposals/${p.id}`;
  const about = p.standard ? w('about', { kind: p.kind_label, designation: p.standard.designation }) : p.kind_label;
  const out: FeedEntry[] = [];
  if (p.circulated_at) {
    out.push({
      id: `${url}#circulated`,
      kind: 'proposal-circulated',
      ref: p.standard?.ref ?? null,
      title: w('circulatedTitle', { title: p.title }),
      link: url,
      updated: iso(p.circulated_at),
      summary: p.response_due_at
        ? w('circulatedSummaryDue', { title: p.title, about, date: dateTime(p.circulated_at), due: dateTime(p.response_due_at) })
        : w('circulatedSummary', { title: p.title, about, date: dateTime(p.circulated_at) }),
    });
  }
  if (p.decision && p.decided_at) {
    const t = p.tally;
    out.push({
      id: `${url}#decided`,
      kind: 'proposal-decided',
      ref: p.standard?.ref ?? null,
      title: w(`decidedTitle_${p.decision}`, { title: p.title }),
      link: url,
      updated: iso(p.decided_at),
      summary: `${w('decidedSummary', { title: p.title, about, date: dateTime(p.decided_at), decision: w(`decision_${p.decision}`) })}${t ? ` ${w('decidedCount', { supports: t.supports, electorate: t.electorate, needed: t.needed })}` : ''}`,
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
