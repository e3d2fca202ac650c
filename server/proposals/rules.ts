/**
 * The rules of proposals (Justification Forms, domain.md §1): pure, data in and data out, so the API,
 * the pages and the tests ask the same question the same way. Times are ISO 8601 UTC strings, which
 * compare in time order as strings; "now" is passed in (design.md §2: state derived from dates).
 *
 * The life of a proposal:
 *   submitted → circulated (the Board responds until the response date) → supported | not supported
 *   supported → (new standards: the Steering Group approves) → being drafted → completed (published)
 *   dropped by the secretariat at any point before completion, with a reason.
 */

export const PROPOSAL_KINDS = ['new_imas', 'amendment', 'new_tnma', 'new_tep'] as const;
export type ProposalKind = (typeof PROPOSAL_KINDS)[number];

export const KIND_LABELS: Record<ProposalKind, string> = {
  new_imas: 'New IMAS',
  amendment: 'Amendment of an existing document',
  new_tnma: 'New TNMA',
  new_tep: 'New T&EP',
};

/** The document type a new standard of this kind is; null for an amendment (the standard exists). */
export const NEW_STANDARD_TYPE: Record<ProposalKind, 'IMAS' | 'TNMA' | 'T&EP' | null> = {
  new_imas: 'IMAS',
  amendment: null,
  new_tnma: 'TNMA',
  new_tep: 'T&EP',
};

/** A new standard needs the Steering Group's approval before drafting (domain.md §1, bodies). */
export const isNewStandard = (kind: ProposalKind): boolean => kind !== 'amendment';

export const POSITIONS = ['support', 'no_support'] as const;
export type ResponsePosition = (typeof POSITIONS)[number];

export type Decision = 'supported' | 'not_supported';

export const STATUSES = ['submitted', 'circulated', 'supported', 'awaiting_steering_group', 'not_supported', 'being_drafted', 'completed', 'dropped'] as const;
export type ProposalStatus = (typeof STATUSES)[number];

export const STATUS_LABELS: Record<ProposalStatus, string> = {
  submitted: 'Submitted',
  circulated: 'Circulated to the Board',
  supported: 'Supported, to be drafted',
  awaiting_steering_group: 'Supported, awaiting the Steering Group',
  not_supported: 'Not supported',
  being_drafted: 'Being drafted',
  completed: 'Completed',
  dropped: 'Dropped',
};

export const DECISION_LABELS: Record<Decision, string> = { supported: 'Supported', not_supported: 'Not supported' };

export interface Verdict {
  ok: boolean;
  reason: string;
}
const yes: Verdict = { ok: true, reason: '' };
const no = (reason: string): Verdict => ({ ok: false, reason });

// ---- the threshold ----

/**
 * How many member organisations must support a proposal: at least `percent` per cent of the electorate,
 * counted in whole organisations (29 members at 25 % → 7.25 → 8; 28 → 7). Integer arithmetic (the
 * per cent is whole), so no floating-point rounding can make 7 into 8.
 */
export function supportNeeded(electorate: number, percent: number): number {
  if (electorate <= 0) return 0;
  return Math.floor((electorate * percent + 99) / 100);
}

export type Outcome = Decision | 'pending';

export interface OutcomeInput {
  /** member organisations on the day it was circulated */
  electorate: number;
  /** organisations of that electorate whose latest response is "support" */
  supports: number;
  /** the threshold in per cent, as frozen at circulation */
  percent: number;
  now: Date;
  /** the response date (an instant) */
  dueAt: string;
}

/**
 * The Board's decision from the count: supported as soon as at least the threshold supports it; not
 * supported once the response date has passed without that; pending before. The one function every
 * reader (page, API, the freeze at the date, the secretariat's "record the decision") asks.
 */
export function outcome(i: OutcomeInput): { outcome: Outcome; needed: number } {
  const needed = supportNeeded(i.electorate, i.percent);
  if (i.electorate > 0 && i.supports >= needed) return { outcome: 'supported', needed };
  if (i.now.toISOString() >= i.dueAt) return { outcome: 'not_supported', needed };
  return { outcome: 'pending', needed };
}

// ---- the status ----

export interface ProposalFacts {
  kind: ProposalKind;
  circulated_at: string | null;
  response_due_at: string | null;
  decision: Decision | null;
  sg_approved_on: string | null;
  dropped_at: string | null;
  /** versions carrying the proposal's id, and how many of them are published */
  versions: number;
  published: number;
}

/** The status shown in the log and on the page, derived from what was recorded. */
export function proposalStatus(p: ProposalFacts): ProposalStatus {
  if (p.published > 0) return 'completed';
  if (p.dropped_at) return 'dropped';
  if (p.versions > 0) return 'being_drafted';
  if (!p.circulated_at) return 'submitted';
  if (!p.decision) return 'circulated';
  if (p.decision === 'not_supported') return 'not_supported';
  return isNewStandard(p.kind) && !p.sg_approved_on ? 'awaiting_steering_group' : 'supported';
}

// ---- the transitions: each {ok, reason} ----

export function canEdit(p: ProposalFacts, isProposer: boolean, isSecretariat: boolean): Verdict {
  if (!isProposer && !isSecretariat) return no('Only the proposer or the secretariat can change this proposal.');
  if (p.dropped_at) return no('This proposal was dropped: it can no longer be changed.');
  if (p.circulated_at) return no('This proposal has been circulated to the Board: it can no longer be changed.');
  return yes;
}

export function canCirculate(p: ProposalFacts, electorate: number, dueAt: string, now: Date): Verdict {
  if (p.dropped_at) return no('This proposal was dropped: it cannot be circulated.');
  if (p.circulated_at) return no('This proposal has already been circulated.');
  if (electorate === 0) return no('The Review Board has no member organisations today: there is no one to circulate the proposal to.');
  if (dueAt <= now.toISOString()) return no('The response date must be in the future.');
  return yes;
}

/** Whether a member organisation may respond now; `decided` when the decision has been recorded. */
export function canRespond(p: ProposalFacts, now: Date): Verdict {
  if (p.dropped_at) return no('This proposal was dropped: responses are closed.');
  if (!p.circulated_at || !p.response_due_at) return no('This proposal has not been circulated to the Board yet.');
  if (p.decision) return no('The Board\'s decision on this proposal has been recorded: responses are closed.');
  if (now.toISOString() >= p.response_due_at) return no('The response date of this proposal has passed: responses can no longer be given or changed.');
  return yes;
}

/** The secretariat records the decision: once the count has an outcome (supported early, or the date passed). */
export function canDecide(p: ProposalFacts, current: Outcome): Verdict {
  if (p.dropped_at) return no('This proposal was dropped.');
  if (!p.circulated_at) return no('This proposal has not been circulated to the Board yet.');
  if (p.decision) return no('The Board\'s decision on this proposal has already been recorded.');
  if (current === 'pending') return no('Not enough member organisations support this proposal yet, and its response date has not passed: there is no decision to record.');
  return yes;
}

export function canApproveSteeringGroup(p: ProposalFacts): Verdict {
  if (!isNewStandard(p.kind)) return no('Only a proposal for a new standard needs the Steering Group\'s approval.');
  if (p.dropped_at) return no('This proposal was dropped.');
  if (p.decision !== 'supported') return no('The Steering Group approves a proposal once the Board supports it.');
  if (p.sg_approved_on) return no('The Steering Group\'s approval has already been recorded.');
  return yes;
}

/** A draft is created from a proposal the Board supports (and, for a new standard, the Steering Group approved). */
export function canDraft(p: ProposalFacts): Verdict {
  if (p.dropped_at) return no('This proposal was dropped: no draft can be created from it.');
  if (p.published > 0) return no('An edition has already been published from this proposal.');
  if (p.decision !== 'supported') return no('A draft is created from a proposal the Board supports.');
  if (isNewStandard(p.kind) && !p.sg_approved_on) return no('A new standard is drafted once the Steering Group has approved the proposal.');
  return yes;
}

export function canDrop(p: ProposalFacts): Verdict {
  if (p.dropped_at) return no('This proposal was already dropped.');
  if (p.published > 0) return no('An edition has been published from this proposal: it is completed and cannot be dropped.');
  return yes;
}
