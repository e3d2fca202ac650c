import type { Knex } from 'knex';
import type { Db } from '../db.ts';
import type { Clock } from '../clock.ts';
import { utcDay } from '../clock.ts';
import type { Viewer } from '../auth/viewer.ts';
import { can } from '../auth/permissions.ts';
import { Conflict, Forbidden, NotFound, Validation } from '../errors.ts';
import { appendAudit } from '../audit/service.ts';
import { canonicalRef, designation, NUMBER_FORMATS, type StandardType } from '../standards/refs.ts';
import { standardById, standardByRef } from '../standards/repo.ts';
import type { StandardRow } from '../standards/repo.ts';
import { versionMetas, versionSource } from '../versions/repo.ts';
import { inForceOn } from '../versions/edition.ts';
import { releasesDraft } from '../consultations/state.ts';
import { windowState } from '../window.ts';
import { addStandard, createDraft } from '../drafts/service.ts';
import { boardOn, votingOrganisationOf } from '../organisations/board.ts';
import * as repo from './repo.ts';
import { queueProposalCirculated } from '../notifications/service.ts';
import type { DecisionTally, ProposalRow, ResponseRow } from './repo.ts';
import {
  canApproveSteeringGroup,
  canCirculate,
  canDecide,
  canDraft,
  canDrop,
  canEdit,
  canRespond,
  DECISION_LABELS,
  isNewStandard,
  KIND_LABELS,
  NEW_STANDARD_TYPE,
  outcome,
  proposalStatus,
  STATUS_LABELS,
  type Decision,
  type Outcome,
  type ProposalFacts,
  type ProposalStatus,
  type Verdict,
} from './rules.ts';
import type { CirculateInput, DropInput, ListQuery, ProposalDraftInput, ProposalInput, ProposalUpdate, RespondInput, SteeringGroupInput } from './validation.ts';

/**
 * Proposals (Justification Forms) and the Board's support for them (issue 12 items 3–4, domain.md §1).
 * Rules are in ./rules.ts; this module reads, checks with them and writes with the audit event in the
 * same transaction. The decision is frozen by the first transaction that finds the response date passed
 * (any read), or earlier by the secretariat once enough organisations support it.
 */
export const messages = {
  noProposal: 'There is no proposal with this number.',
  noStandard: (ref: string) => `There is no document "${ref}" in the catalogue to amend.`,
  notMember: 'Only the principal or an alternate of a member organisation of the Review Board can respond to a proposal.',
  notInElectorate: (org: string) => `"${org}" was not a member organisation of the Review Board when this proposal was circulated, so it does not respond to it.`,
  numberNeeded: (type: string) => `Enter the number the new ${type} is added under.`,
  numberFormat: (type: string, example: string) => `A ${type} number is written like ${example}.`,
  noCurrent: (d: string) => `${d} has no edition in force to amend: create the draft from its admin page.`,
  standardWithdrawn: (d: string) => `${d} is withdrawn: it cannot be amended.`,
  standardNeeded: 'Name the document the amendment concerns, for example 07.11.',
} as const;

const EXAMPLES: Record<StandardType, string> = { IMAS: '07.11', TNMA: '12.10/01', 'T&EP': '07.31/01/2022' };

type Q = Knex | Knex.Transaction;

// ---- reading ----

interface Line {
  versions: repo.ProposalVersionRow[];
}

function factsOf(p: ProposalRow, line: Line): ProposalFacts {
  return {
    kind: p.kind,
    circulated_at: p.circulated_at,
    response_due_at: p.response_due_at,
    decision: p.decision,
    sg_approved_on: p.sg_approved_on,
    dropped_at: p.dropped_at,
    versions: line.versions.length,
    published: line.versions.filter((v) => v.state === 'published').length,
  };
}

interface Count {
  electorate: number;
  supports: number;
  no_support: number;
  not_responded: number;
}

/** The count of the latest responses of the organisations of the electorate (others are not counted). */
function countOf(p: ProposalRow, responses: { organisation_id: number; position: string }[]): Count {
  const members = new Set((p.electorate ?? []).map((m) => m.id));
  const counted = responses.filter((r) => members.has(r.organisation_id));
  const supports = counted.filter((r) => r.position === 'support').length;
  return { electorate: members.size, supports, no_support: counted.length - supports, not_responded: members.size - counted.length };
}

function liveOutcome(p: ProposalRow, c: Count, now: Date): { outcome: Outcome; needed: number } {
  if (!p.circulated_at || !p.response_due_at) return { outcome: 'pending', needed: 0 };
  return outcome({ electorate: c.electorate, supports: c.supports, percent: p.support_percent ?? 25, now, dueAt: p.response_due_at });
}

const tallyOf = (p: ProposalRow, c: Count, needed: number): DecisionTally => ({ ...c, needed, percent: p.support_percent ?? 25 });

/**
 * Freezes the decision of a proposal whose response date has passed, inside the caller's transaction,
 * with its audit event; idempotent (only the transaction that writes the decision appends the event).
 */
async function settleIn(trx: Knex.Transaction, clock: Clock, id: number): Promise<void> {
  const p = await repo.proposalById(trx, id, true);
  if (!p || !p.circulated_at || p.decision || p.dropped_at || !p.response_due_at) return;
  const now = clock.now();
  if (now.toISOString() < p.response_due_at) return;
  const c = countOf(p, await repo.responsesOf(trx, p.id));
  const { outcome: o, needed } = liveOutcome(p, c, now);
  if (o === 'pending') return;
  await freeze(trx, clock, p, o, tallyOf(p, c, needed), null);
}

async function freeze(trx: Knex.Transaction, clock: Clock, p: ProposalRow, decision: Decision, tally: DecisionTally, actorId: number | null): Promise<void> {
  if (!(await repo.freezeDecision(trx, p.id, { decision, decided_at: clock.now().toISOString(), decided_by: actorId, tally }))) return;
  await appendAudit(trx, clock, {
    actor_id: actorId,
    action: 'proposal.decided',
    subject_type: 'proposal',
    subject_id: p.id,
    data: { decision, ...tally, by: actorId ? 'secretariat' : 'response date' },
  });
}

/** Circulated, undecided, not dropped, and its response date passed: the decision is to be frozen. */
const needsSettling = (p: ProposalRow, now: Date): boolean => Boolean(p.circulated_at && !p.decision && !p.dropped_at && p.response_due_at && p.response_due_at <= now.toISOString());

/** Freezes every decision whose response date has passed: before any read shows them. */
async function settleDue(db: Db, clock: Clock, proposals: ProposalRow[]): Promise<boolean> {
  const due = proposals.filter((p) => needsSettling(p, clock.now()));
  for (const p of due) await db.transaction((trx) => settleIn(trx, clock, p.id));
  return due.length > 0;
}

export interface ProposalSummary {
  id: number;
  kind: string;
  kind_label: string;
  title: string;
  submitted_at: string;
  initiator: { name: string | null; organisation: string | null };
  standard: { ref: string; designation: string; title: string } | null;
  proposed_number: string | null;
  substantial: boolean;
  status: ProposalStatus;
  status_label: string;
  /** the Board's decision as recorded, or null while it is pending (or before circulation) */
  decision: Decision | null;
  decision_label: string | null;
  circulated_at: string | null;
  response_due_at: string | null;
}

const standardOf = (p: ProposalRow) =>
  p.standard_ref && p.standard_type && p.standard_number ? { ref: p.standard_ref, designation: designation(p.standard_type as StandardType, p.standard_number), title: p.standard_title ?? '' } : null;

function summaryOf(p: ProposalRow, line: Line): ProposalSummary {
  const status = proposalStatus(factsOf(p, line));
  return {
    id: p.id,
    kind: p.kind,
    kind_label: KIND_LABELS[p.kind],
    title: p.title,
    submitted_at: p.submitted_at,
    initiator: { name: p.proposer_name, organisation: p.organisation_name },
    standard: standardOf(p),
    proposed_number: p.proposed_number,
    substantial: p.substantial,
    status,
    status_label: STATUS_LABELS[status],
    decision: p.decision,
    decision_label: p.decision ? DECISION_LABELS[p.decision] : null,
    circulated_at: p.circulated_at,
    response_due_at: p.response_due_at,
  };
}

/** The public proposal log: every proposal, newest first, filtered. */
export async function listProposals(db: Db, clock: Clock, query: ListQuery): Promise<{ proposals: ProposalSummary[]; total: number; years: number[] }> {
  let all = await repo.allProposals(db);
  if (await settleDue(db, clock, all)) all = await repo.allProposals(db);
  const versions = await repo.versionsOfProposals(db, all.map((p) => p.id));
  const byProposal = new Map<number, repo.ProposalVersionRow[]>();
  for (const v of versions) byProposal.set(v.proposal_id, [...(byProposal.get(v.proposal_id) ?? []), v]);
  const summaries = all.map((p) => summaryOf(p, { versions: byProposal.get(p.id) ?? [] }));
  const years = [...new Set(summaries.map((s) => Number(s.submitted_at.slice(0, 4))))].sort((a, b) => b - a);
  const q = query.q?.toLowerCase();
  const std = query.standard ? canonicalRef(query.standard) ?? query.standard : null;
  const shown = summaries.filter(
    (s) =>
      (!query.status || s.status === query.status) &&
      (!query.kind || s.kind === query.kind) &&
      (!query.year || s.submitted_at.startsWith(String(query.year))) &&
      (!query.decision || (query.decision === 'pending' ? s.decision === null && s.circulated_at !== null : s.decision === query.decision)) &&
      (!std || s.standard?.ref === std) &&
      (!q || `${s.title} ${s.initiator.organisation ?? ''} ${s.initiator.name ?? ''} ${s.standard?.designation ?? ''}`.toLowerCase().includes(q)),
  );
  return { proposals: shown, total: summaries.length, years };
}

export interface ProposalView extends ProposalSummary {
  rationale: string;
  scope: string;
  proposer_id: number | null;
  organisation_id: number | null;
  edited_at: string | null;
  support_percent: number | null;
  electorate: { id: number; name: string }[] | null;
  /** the count (hidden from the public while responses are open, as an open ballot's tally is) */
  board: {
    outcome: Outcome;
    needed: number;
    electorate: number;
    supports: number | null;
    no_support: number | null;
    not_responded: number | null;
    decided_at: string | null;
    decided_by_secretariat: boolean;
    responses_open: boolean;
  } | null;
  responses: { organisation: { id: number; name: string }; position: string; comment: string | null; responded_by: string | null; responded_at: string }[] | null;
  steering_group: { approved_on: string } | null;
  dropped: { at: string; reason: string } | null;
  versions: { ref: string; designation: string; n: number; label: string; state: string; edition: number | null; amendment: number | null; published_at: string | null; href: string }[];
  consultations: { id: number; ref: string; n: number; state: string; href: string }[];
  ballots: { id: number; ref: string; n: number; state: string; result: string | null; href: string }[];
}

async function proposalOrThrow(db: Q, id: number, forUpdate = false): Promise<ProposalRow> {
  const p = await repo.proposalById(db, id, forUpdate);
  if (!p) throw new NotFound(messages.noProposal);
  return p;
}

async function lineOf(db: Q, id: number): Promise<Line> {
  return { versions: await repo.versionsOfProposals(db, [id]) };
}

/** A proposal with its count, responses, and the line forward: drafts, consultations, ballots, editions. */
export async function getProposal(db: Db, clock: Clock, id: number, viewer: Viewer | null): Promise<ProposalView> {
  const now = clock.now();
  // Only a read that finds the date passed writes (the decision, once).
  if (needsSettling(await proposalOrThrow(db, id), now)) await db.transaction((trx) => settleIn(trx, clock, id));
  const p = await proposalOrThrow(db, id);
  const line = await lineOf(db, id);
  const responses = await repo.responsesOf(db, id);
  const c = countOf(p, responses);
  const live = liveOutcome(p, c, now);
  const open = canRespond(factsOf(p, line), now).ok;
  // While responses are open the count and who said what are for the Board and the secretariat; once
  // decided they are public, as a closed ballot's positions are.
  const shown = !open || can(viewer, 'proposals.read-responses');
  const allVersions = line.versions;
  const consultations = await repo.consultationsOfVersions(db, allVersions.map((v) => v.id));
  const ballots = await repo.ballotsOfVersions(db, allVersions.map((v) => v.id));
  const visible = allVersions.filter(
    (v) => v.state === 'published' || can(viewer, 'drafts.read-unreleased') || consultations.some((x) => x.version_id === v.id && releasesDraft(x, now)),
  );
  const vById = new Map(allVersions.map((v) => [v.id, v]));
  const visibleIds = new Set(visible.map((v) => v.id));
  return {
    ...summaryOf(p, line),
    rationale: p.rationale,
    scope: p.scope,
    proposer_id: p.proposer_id,
    organisation_id: p.organisation_id,
    edited_at: p.edited_at,
    support_percent: p.support_percent,
    electorate: p.electorate,
    board: p.circulated_at
      ? {
          outcome: p.decision ?? live.outcome,
          needed: p.decision_tally?.needed ?? live.needed,
          electorate: c.electorate,
          supports: shown ? (p.decision_tally?.supports ?? c.supports) : null,
          no_support: shown ? (p.decision_tally?.no_support ?? c.no_support) : null,
          not_responded: shown ? (p.decision_tally?.not_responded ?? c.not_responded) : null,
          decided_at: p.decided_at,
          decided_by_secretariat: p.decided_by !== null,
          responses_open: open,
        }
      : null,
    responses: p.circulated_at && shown ? responses.map(responseJson) : null,
    steering_group: p.sg_approved_on ? { approved_on: p.sg_approved_on } : null,
    dropped: p.dropped_at ? { at: p.dropped_at, reason: p.drop_reason ?? '' } : null,
    versions: visible.map((v) => ({
      ref: v.ref,
      designation: designation(v.type as StandardType, v.number),
      n: v.n,
      label: v.label,
      state: v.state,
      edition: v.edition,
      amendment: v.amendment,
      published_at: v.published_at,
      href: `/standards/${encodeURIComponent(v.ref)}/versions/${v.n}`,
    })),
    consultations: consultations
      .filter((x) => visibleIds.has(x.version_id))
      .map((x) => ({ id: x.id, ref: vById.get(x.version_id)!.ref, n: vById.get(x.version_id)!.n, state: windowState(x, now), href: `/consultations/${x.id}` })),
    ballots: ballots
      .filter((b) => visibleIds.has(b.version_id))
      .map((b) => ({ id: b.id, ref: vById.get(b.version_id)!.ref, n: vById.get(b.version_id)!.n, state: windowState(b, now), result: b.result, href: `/ballots/${b.id}` })),
  };
}

const responseJson = (r: ResponseRow) => ({
  organisation: { id: r.organisation_id, name: r.organisation_name },
  position: r.position,
  comment: r.comment,
  responded_by: r.responded_by_name,
  responded_at: r.responded_at,
});

/** What the viewer may do with the proposal now: the page shows these forms, the API answers the same. */
export async function actionsFor(db: Db, clock: Clock, view: ProposalView, viewer: Viewer | null) {
  const p = await proposalOrThrow(db, view.id);
  const facts = factsOf(p, await lineOf(db, p.id));
  const secretariat = can(viewer, 'proposals.manage');
  const effective = { ...facts, decision: facts.decision ?? (view.board?.outcome === 'supported' ? ('supported' as const) : null) };
  const org = viewer && can(viewer, 'proposals.respond') ? await voterOrganisation(db, clock, p, viewer.id) : null;
  // the organisation the viewer answers for, by its seat in the electorate (the id its response is kept under)
  const seat = org ? await seatOf(db, p, org.id) : null;
  const voter = org && seat !== null ? { id: seat, name: org.name } : null;
  return {
    edit: Boolean(viewer) && canEdit(facts, viewer?.id === p.proposer_id, secretariat).ok,
    circulate: secretariat && !facts.circulated_at && !facts.dropped_at,
    respond: voter !== null && canRespond(facts, clock.now()).ok ? voter : null,
    decide: secretariat && view.board !== null && canDecide(facts, view.board.outcome).ok,
    steering_group: secretariat && canApproveSteeringGroup(effective).ok,
    draft: secretariat && canDraft(effective).ok,
    drop: secretariat && canDrop(facts).ok,
  };
}

// ---- writing ----

function check(v: Verdict, status: 403 | 409 = 409): void {
  if (v.ok) return;
  throw status === 403 ? new Forbidden(v.reason) : new Conflict(v.reason);
}

async function amendedStandard(db: Q, ref: string): Promise<StandardRow> {
  const s = (await standardByRef(db, ref)) ?? (canonicalRef(ref) ? await standardByRef(db, canonicalRef(ref)!) : null);
  if (!s) throw new Validation(messages.noStandard(ref), { standard: messages.noStandard(ref) });
  return s;
}

function checkNumber(kind: ProposalInput['kind'], number: string | null | undefined, field = 'proposed_number'): void {
  const type = NEW_STANDARD_TYPE[kind];
  if (!type || !number) return;
  if (!NUMBER_FORMATS[type].test(number)) throw new Validation(messages.numberFormat(type, EXAMPLES[type]), { [field]: messages.numberFormat(type, EXAMPLES[type]) });
}

/** Any account submits a Justification Form; its organisation is the proposer's organisation record. */
export async function submitProposal(db: Db, clock: Clock, actor: Viewer, input: ProposalInput): Promise<number> {
  const standard = input.kind === 'amendment' ? await amendedStandard(db, input.standard!) : null;
  checkNumber(input.kind, input.proposed_number);
  return db.transaction(async (trx) => {
    const organisationId = await repo.organisationOfUser(trx, actor.id);
    const id = await repo.insertProposal(trx, {
      kind: input.kind,
      standard_id: standard?.id ?? null,
      proposed_number: input.kind === 'amendment' ? null : input.proposed_number ?? null,
      title: input.title,
      rationale: input.rationale,
      scope: input.scope,
      substantial: input.substantial,
      proposer_id: actor.id,
      organisation_id: organisationId,
      submitted_at: clock.now().toISOString(),
    });
    await appendAudit(trx, clock, {
      actor_id: actor.id,
      action: 'proposal.submitted',
      subject_type: 'proposal',
      subject_id: id,
      data: { kind: input.kind, title: input.title, standard: standard?.ref ?? null, proposed_number: input.proposed_number ?? null, substantial: input.substantial, organisation_id: organisationId },
    });
    return id;
  });
}

/** The proposer (or the secretariat) changes the form until it is circulated. */
export async function updateProposal(db: Db, clock: Clock, actor: Viewer, id: number, input: ProposalUpdate): Promise<void> {
  await db.transaction(async (trx) => {
    const p = await proposalOrThrow(trx, id, true);
    const facts = factsOf(p, await lineOf(trx, id));
    const verdict = canEdit(facts, actor.id === p.proposer_id, can(actor, 'proposals.manage'));
    check(verdict, actor.id === p.proposer_id || can(actor, 'proposals.manage') ? 409 : 403);
    const kind = input.kind ?? p.kind;
    const changes: Parameters<typeof repo.updateProposal>[2] = { edited_at: clock.now().toISOString() };
    if (input.kind !== undefined) changes.kind = input.kind;
    if (input.title !== undefined) changes.title = input.title;
    if (input.rationale !== undefined) changes.rationale = input.rationale;
    if (input.scope !== undefined) changes.scope = input.scope;
    if (input.substantial !== undefined) changes.substantial = input.substantial;
    if (kind === 'amendment') {
      if (input.standard) changes.standard_id = (await amendedStandard(trx, input.standard)).id;
      else if (!p.standard_id) throw new Validation(messages.standardNeeded, { standard: messages.standardNeeded });
      changes.proposed_number = null;
    } else {
      changes.standard_id = null;
      if (input.proposed_number !== undefined) {
        checkNumber(kind, input.proposed_number);
        changes.proposed_number = input.proposed_number ?? null;
      } else checkNumber(kind, p.proposed_number);
    }
    await repo.updateProposal(trx, id, changes);
    await appendAudit(trx, clock, {
      actor_id: actor.id,
      action: 'proposal.edited',
      subject_type: 'proposal',
      subject_id: id,
      data: { fields: Object.keys(input).filter((k) => (input as Record<string, unknown>)[k] !== undefined).sort() },
    });
  });
}

/** The secretariat circulates the form to the Board's member organisations of today, with a response date. */
export async function circulateProposal(db: Db, clock: Clock, percent: number, actor: Viewer, id: number, input: CirculateInput): Promise<void> {
  await db.transaction(async (trx) => {
    const p = await proposalOrThrow(trx, id, true);
    const now = clock.now();
    const board = await boardOn(trx, utcDay(now));
    const electorate = board.members.map((m) => ({ id: m.id, name: m.name }));
    check(canCirculate(factsOf(p, await lineOf(trx, id)), electorate.length, input.response_due_at, now));
    if (!(await repo.markCirculated(trx, id, { circulated_at: now.toISOString(), circulated_by: actor.id, response_due_at: input.response_due_at, electorate, support_percent: percent }))) {
      throw new Conflict('This proposal has already been circulated.');
    }
    await appendAudit(trx, clock, {
      actor_id: actor.id,
      action: 'proposal.circulated',
      subject_type: 'proposal',
      subject_id: id,
      data: { response_due_at: input.response_due_at, electorate: electorate.map((m) => m.name), support_percent: percent },
    });
    // The member organisations' voters are told by mail, queued in this transaction (issue 16 item 3).
    await queueProposalCirculated(trx, clock, electorate.map((m) => m.id), { proposal_id: id, title: p.title, response_due_at: input.response_due_at });
  });
}

/** The member organisation the user answers for on this proposal, or null. */
async function voterOrganisation(db: Q, clock: Clock, p: ProposalRow, userId: number): Promise<{ id: number; name: string } | null> {
  const today = utcDay(clock.now());
  // The principal or alternate of today; failing that, of the day it was circulated.
  const org = (await votingOrganisationOf(db, userId, today)) ?? (p.circulated_at ? await votingOrganisationOf(db, userId, p.circulated_at.slice(0, 10)) : null);
  return org ? { id: org.id, name: org.name } : null;
}

/**
 * The member of the proposal's electorate an organisation answers for: itself, or the organisation of
 * the electorate that was merged into it since the circulation (its one seat, counted once).
 */
async function seatOf(db: Q, p: ProposalRow, organisationId: number): Promise<number | null> {
  const ids = (p.electorate ?? []).map((m) => m.id);
  if (ids.includes(organisationId)) return organisationId;
  let at = await repo.mergedInto(db, ids);
  // follow chains of merges (A into B, B into C) a few hops
  for (let hop = 0; hop < 5 && at.size; hop++) {
    const hit = [...at].find(([, into]) => into === organisationId);
    if (hit) return hit[0];
    const next = await repo.mergedInto(db, [...new Set(at.values())]);
    at = new Map([...at].filter(([, into]) => next.has(into)).map(([from, into]) => [from, next.get(into)!]));
  }
  return null;
}

/** A member organisation (through its principal or an alternate) supports the proposal or not; the latest answer stands. */
export async function respond(db: Db, clock: Clock, actor: Viewer, id: number, input: RespondInput): Promise<'created' | 'changed'> {
  return db.transaction(async (trx) => {
    const p = await proposalOrThrow(trx, id, true);
    const now = clock.now();
    check(canRespond(factsOf(p, await lineOf(trx, id)), now));
    const org = await voterOrganisation(trx, clock, p, actor.id);
    if (!org) throw new Forbidden(messages.notMember);
    const seat = await seatOf(trx, p, org.id);
    if (seat === null) throw new Forbidden(messages.notInElectorate(org.name));
    const what = await repo.upsertResponse(trx, { proposal_id: id, organisation_id: seat, position: input.position, comment: input.comment ?? null, responded_by: actor.id, responded_at: now.toISOString() });
    await appendAudit(trx, clock, {
      actor_id: actor.id,
      action: what === 'created' ? 'proposal.responded' : 'proposal.response-changed',
      subject_type: 'proposal',
      subject_id: id,
      data: { organisation: org.name, organisation_id: org.id, position: input.position, comment: input.comment ?? null },
    });
    return what;
  });
}

/** Records the decision as the count has it: early when enough support it, else once the date has passed. */
export async function decideProposal(db: Db, clock: Clock, actor: Viewer, id: number): Promise<void> {
  await db.transaction(async (trx) => {
    const p = await proposalOrThrow(trx, id, true);
    const c = countOf(p, await repo.responsesOf(trx, id));
    const live = liveOutcome(p, c, clock.now());
    check(canDecide(factsOf(p, await lineOf(trx, id)), live.outcome));
    await freeze(trx, clock, p, live.outcome as Decision, tallyOf(p, c, live.needed), actor.id);
  });
}

/**
 * The facts with the decision as it stands: the recorded one, or "supported" when enough organisations
 * support it already (recorded by the action that relies on it, in its transaction).
 */
async function effectiveFacts(trx: Knex.Transaction, clock: Clock, actor: Viewer, p: ProposalRow): Promise<ProposalFacts> {
  const facts = factsOf(p, await lineOf(trx, p.id));
  if (facts.decision || !p.circulated_at || p.dropped_at) return facts;
  const c = countOf(p, await repo.responsesOf(trx, p.id));
  const live = liveOutcome(p, c, clock.now());
  if (live.outcome !== 'supported') return facts;
  await freeze(trx, clock, p, 'supported', tallyOf(p, c, live.needed), actor.id);
  return { ...facts, decision: 'supported' };
}

export async function approveBySteeringGroup(db: Db, clock: Clock, actor: Viewer, id: number, input: SteeringGroupInput): Promise<void> {
  await db.transaction(async (trx) => {
    const p = await proposalOrThrow(trx, id, true);
    check(canApproveSteeringGroup(await effectiveFacts(trx, clock, actor, p)));
    await repo.markSteeringGroup(trx, id, { sg_approved_on: input.approved_on, sg_recorded_by: actor.id, sg_recorded_at: clock.now().toISOString() });
    await appendAudit(trx, clock, { actor_id: actor.id, action: 'proposal.steering-group-approved', subject_type: 'proposal', subject_id: id, data: { approved_on: input.approved_on } });
  });
}

/** The proposal to drop, or the refusal: asked before the confirmation page and again on the act. */
export async function checkDrop(db: Db, id: number): Promise<ProposalRow> {
  const p = await proposalOrThrow(db, id);
  check(canDrop(factsOf(p, await lineOf(db, id))));
  return p;
}

export async function dropProposal(db: Db, clock: Clock, actor: Viewer, id: number, input: DropInput): Promise<void> {
  await db.transaction(async (trx) => {
    const p = await proposalOrThrow(trx, id, true);
    check(canDrop(factsOf(p, await lineOf(trx, id))));
    await repo.markDropped(trx, id, { dropped_at: clock.now().toISOString(), dropped_by: actor.id, drop_reason: input.reason });
    await appendAudit(trx, clock, { actor_id: actor.id, action: 'proposal.dropped', subject_type: 'proposal', subject_id: id, data: { reason: input.reason } });
  });
}

/** What the form of a draft from this proposal starts with: the standard, the text of its current edition. */
export async function draftStart(db: Db, clock: Clock, id: number): Promise<{ proposal: ProposalRow; standard: StandardRow | null; basedOn: { n: number; label: string } | null; text: string; number: string; title: string; type: StandardType | null }> {
  const p = await proposalOrThrow(db, id);
  const standard = p.standard_id ? await standardById(db, p.standard_id) : null;
  let basedOn: { n: number; label: string } | null = null;
  let text = '';
  if (standard) {
    const versions = await versionMetas(db, standard.id);
    const base = p.kind === 'amendment' ? inForceOn(versions, utcDay(clock.now()), standard.withdrawn_on) : versions.at(-1) ?? null;
    if (base) {
      basedOn = { n: base.n, label: base.label };
      text = await versionSource(db, base.id);
    }
  }
  return { proposal: p, standard, basedOn, text, number: standard?.number ?? p.proposed_number ?? '', title: standard?.title ?? p.title, type: standard ? (standard.type as StandardType) : NEW_STANDARD_TYPE[p.kind] };
}

/**
 * The secretariat creates a draft from a supported proposal: for an amendment, a draft of the standard
 * based on its current edition; for a new standard, the standard (first time) and its first draft. The
 * drafts service saves the version with the proposal's id; all in one transaction.
 */
export async function createDraftFromProposal(db: Db, clock: Clock, actor: Viewer, id: number, input: ProposalDraftInput): Promise<{ ref: string; n: number }> {
  return db.transaction(async (trx) => {
    const p = await proposalOrThrow(trx, id, true);
    check(canDraft(await effectiveFacts(trx, clock, actor, p)));
    let standard = p.standard_id ? await standardById(trx, p.standard_id) : null;
    let basedOn: number | null = null;
    if (p.kind === 'amendment') {
      if (!standard) throw new Conflict('The document this amendment concerns is no longer in the catalogue.');
      const d = designation(standard.type as StandardType, standard.number);
      if (standard.withdrawn_on) throw new Conflict(messages.standardWithdrawn(d));
      const current = inForceOn(await versionMetas(trx, standard.id), utcDay(clock.now()), standard.withdrawn_on);
      if (!current) throw new Conflict(messages.noCurrent(d));
      basedOn = current.n;
    } else if (!standard) {
      const type = NEW_STANDARD_TYPE[p.kind]!;
      const number = input.number ?? p.proposed_number;
      if (!number) throw new Validation(messages.numberNeeded(type), { number: messages.numberNeeded(type) });
      checkNumber(p.kind, number, 'number');
      standard = await addStandard(trx as unknown as Db, clock, actor, { type, number, title: input.title ?? p.title });
      await repo.setStandard(trx, id, standard.id);
    } else {
      // a further draft of the new standard: based on its latest version
      basedOn = (await versionMetas(trx, standard.id)).at(-1)?.n ?? null;
    }
    const saved = await createDraft(trx as unknown as Db, clock, actor, standard.ref, { text: input.text, label: input.label, based_on: basedOn }, { proposalId: id });
    await appendAudit(trx, clock, {
      actor_id: actor.id,
      action: 'proposal.drafted',
      subject_type: 'proposal',
      subject_id: id,
      data: { ref: standard.ref, n: saved.n, based_on: basedOn, new_standard: isNewStandard(p.kind) },
    });
    return { ref: standard.ref, n: saved.n };
  });
}

// ---- what waits (issue 16 item 1: "My work") ----

export interface ProposalWorkItem {
  id: number;
  title: string;
  submitted_at: string;
  circulated_at: string | null;
  response_due_at: string | null;
  status: ProposalStatus;
}

const workItem = (p: ProposalRow, line: Line): ProposalWorkItem => ({ id: p.id, title: p.title, submitted_at: p.submitted_at, circulated_at: p.circulated_at, response_due_at: p.response_due_at, status: proposalStatus(factsOf(p, line)) });

/**
 * What proposals wait for: the responses of the viewer's member organisation (a Board member), and the
 * secretariat's steps — circulating what was submitted, recording a decision the count already carries
 * or the Steering Group's approval. Oldest first.
 */
export async function proposalWork(db: Db, clock: Clock, viewer: Viewer): Promise<{ awaiting_response: ProposalWorkItem[]; to_circulate: ProposalWorkItem[]; to_decide: ProposalWorkItem[] }> {
  let all = await repo.allProposals(db);
  if (await settleDue(db, clock, all)) all = await repo.allProposals(db);
  all = all.reverse();
  const now = clock.now();
  const lines = await repo.versionsOfProposals(db, all.map((p) => p.id));
  const lineOfP = (id: number): Line => ({ versions: lines.filter((v) => v.proposal_id === id) });
  const open = all.filter((p) => canRespond(factsOf(p, lineOfP(p.id)), now).ok);
  const responses = await repo.responsesOfMany(db, all.filter((p) => p.circulated_at && !p.decision).map((p) => p.id));
  const awaiting: ProposalWorkItem[] = [];
  if (can(viewer, 'proposals.respond') && open.length) {
    const org = await votingOrganisationOf(db, viewer.id, utcDay(now));
    for (const p of open) {
      if (!org || !(p.electorate ?? []).some((m) => m.id === org.id)) continue;
      if (!(responses.get(p.id) ?? []).some((r) => r.organisation_id === org.id)) awaiting.push(workItem(p, lineOfP(p.id)));
    }
  }
  if (!can(viewer, 'proposals.manage')) return { awaiting_response: awaiting, to_circulate: [], to_decide: [] };
  const items = all.map((p) => ({ p, item: workItem(p, lineOfP(p.id)) }));
  return {
    awaiting_response: awaiting,
    to_circulate: items.filter((x) => x.item.status === 'submitted').map((x) => x.item),
    to_decide: items
      .filter((x) => x.item.status === 'awaiting_steering_group' || (x.item.status === 'circulated' && liveOutcome(x.p, countOf(x.p, responses.get(x.p.id) ?? []), now).outcome !== 'pending'))
      .map((x) => x.item),
  };
}
