import type { Knex } from 'knex';
import { isUniqueViolation, type Db } from '../db.ts';
import type { Clock } from '../clock.ts';
import type { Viewer } from '../auth/viewer.ts';
import { can, roleCan } from '../auth/permissions.ts';
import { Conflict, Forbidden, NotFound } from '../errors.ts';
import { appendAudit } from '../audit/service.ts';
import { canonicalRef, designation, type StandardType } from '../standards/refs.ts';
import { standardByRef } from '../standards/repo.ts';
import * as repo from './repo.ts';
import type { BallotRow, FrozenCount, VoteRow } from './repo.ts';
import { boardOn, votingOrganisationOf } from '../organisations/board.ts';
import * as versions from '../versions/repo.ts';
import type { VersionRow } from '../versions/repo.ts';
import { ballotState, canCancel, canCloseEarly, canExtend, canMove, canOpenBallot, canVote, needsSettling, type BallotState } from './rules.ts';
import { count, needed, type Needed, type Position, type Result, type Rule } from './tally.ts';
import type { OpenBallotInput, VoteInput } from './validation.ts';
import { ballotOrder, draftsSinceEdition, type Blocking, type OrderVerdict } from './order.ts';
import { consultationsOfVersion, undisposedCounts } from '../consultations/repo.ts';
import { consultationState } from '../consultations/state.ts';
import { queueBallotMoved, queueBallotOpened } from '../notifications/service.ts';

export const messages = {
  noStandard: (ref: string) => `There is no standard "${ref}" in the catalogue.`,
  noVersion: (ref: string, n: number) => `${ref} has no version ${n}.`,
  noBallot: 'There is no ballot with this number that you can see.',
  noElectorate: 'The Review Board has no member organisations today: there is no one to vote. Set its members on the Board page.',
  chair: 'The chair of the Review Board does not vote.',
  notBoard: 'Only a member of the Review Board can vote.',
  overrideNotAllowed: 'Only the secretariat may open a ballot out of order.',
  notVoter: 'You are not the principal voter or an alternate of a member organisation of the Review Board for this ballot.',
  alreadyOpen: (n: number) => `Version ${n} already has an open ballot.`,
  notInElectorate: (org: string) => `"${org}" was not a member organisation of the Review Board when this ballot opened, so it has no vote in it.`,
} as const;

type Q = Knex | Knex.Transaction;

export interface BallotVoteView {
  organisation: string;
  organisation_id: number;
  position: Position;
  reason: string | null;
  cast_by: { name: string } | null;
  cast_at: string;
  n: number;
  outdated: boolean;
}

export interface BallotView {
  id: number;
  ref: string;
  designation: string;
  title: string;
  n: number;
  label: string;
  version_id: number;
  version_state: VersionRow['state'];
  based_on: number | null;
  /** the proposal the version was drafted from (issue 12 item 4) */
  proposal_id: number | null;
  rule: Rule;
  quorum: number;
  opens_at: string;
  closes_at: string;
  cancelled_at: string | null;
  state: BallotState;
  /** the member organisations on the opening day, by name */
  electorate: string[];
  electorate_ids: number[];
  tally: { approve: number; disapprove: number; abstain: number; recuse: number; not_voted: number; outdated: number };
  /** electorate less recusals, positions cast, votes cast (approve + disapprove), quorum required */
  counts: { electorate: number; positions: number; votes_cast: number; quorum_required: number };
  needed: Needed | null;
  result: Result | null;
  close_hash: string | null;
  close_event_id: number | null;
  votes: BallotVoteView[];
  not_voted: string[];
  outdated: string[];
  /** the reason the ballot was opened although the ballot order held it back (./order.ts), else null */
  override_reason: string | null;
  /** what the override set aside, as found when the ballot opened */
  override_blocking: Blocking[];
}

/** A ballot refused by the ballot order: the page lists (and links) the consultations that hold it back. */
export class BallotOrderConflict extends Conflict {
  constructor(message: string, readonly blocking: Blocking[]) {
    super(message);
  }
}

export async function resolveVersion(db: Q, ref: string, n: number): Promise<VersionRow> {
  const v = (await versions.versionByRef(db, ref, n)) ?? (canonicalRef(ref) ? await versions.versionByRef(db, canonicalRef(ref)!, n) : null);
  if (!v) {
    const s = await standardByRef(db, canonicalRef(ref) ?? ref);
    throw new NotFound(s ? messages.noVersion(ref, n) : messages.noStandard(ref));
  }
  return v;
}

const voteViews = (b: BallotRow, votes: VoteRow[], named: boolean): BallotVoteView[] =>
  votes
    .filter((v) => b.electorate.includes(v.organisation_id))
    .map((v) => ({
      organisation: v.organisation,
      organisation_id: v.organisation_id,
      position: v.position,
      reason: v.reason,
      cast_by: named ? { name: v.cast_by_name } : null,
      cast_at: v.cast_at,
      n: v.version_n,
      outdated: v.version_id !== b.version_id,
    }));

const tallyVotes = (b: BallotRow, votes: VoteRow[]) => votes.map((x) => ({ organisation: x.organisation_id, position: x.position, current: x.version_id === b.version_id }));

/**
 * The ballot as the API and the page show it: state, tally, what is still needed, result, votes. Pure:
 * `names` are the names of the electorate's organisations (ballots keep their ids).
 */
export function ballotView(b: BallotRow, v: VersionRow, votes: VoteRow[], now: Date, named: boolean, names: ReadonlyMap<number, string>): BallotView {
  const state = ballotState(b, now);
  const live = count(b.electorate, tallyVotes(b, votes), b.rule, b.quorum);
  const nameOf = (id: number) => names.get(id) ?? `organisation ${id}`;
  // What was written at the close stands, whatever happens to the rows afterwards.
  const frozen = b.result !== null && b.final_tally ? b.final_tally : null;
  const tally = (frozen?.tally as BallotView['tally'] | undefined) ?? live.tally;
  const vv = voteViews(b, votes, named);
  const voted = new Set(vv.map((x) => x.organisation_id));
  return {
    id: b.id,
    ref: v.ref,
    designation: designation(v.type as never, v.number),
    title: v.title,
    n: v.n,
    label: v.label,
    version_id: v.id,
    version_state: v.state,
    based_on: v.based_on,
    proposal_id: v.proposal_id ?? null,
    rule: b.rule,
    quorum: b.quorum,
    opens_at: b.opens_at,
    closes_at: b.closes_at,
    cancelled_at: b.cancelled_at,
    state,
    electorate: b.electorate.map(nameOf),
    electorate_ids: b.electorate,
    tally,
    counts: frozen
      ? { electorate: frozen.electorate, positions: frozen.positions, votes_cast: frozen.votes_cast, quorum_required: frozen.quorum_required }
      : { electorate: live.electorate, positions: live.positions, votes_cast: live.votes_cast, quorum_required: live.quorum_required },
    needed: state === 'open' ? needed(live, b.rule) : null,
    result: b.result,
    close_hash: b.close_hash,
    close_event_id: frozen?.close_event_id ?? null,
    votes: vv,
    not_voted: b.electorate.filter((o) => !voted.has(o)).map(nameOf),
    outdated: vv.filter((x) => x.outdated).map((x) => x.organisation),
    override_reason: b.override_reason,
    override_blocking: b.override_blocking ?? [],
  };
}

/**
 * Freezes a closed ballot, inside the caller's transaction: result and count, the version's state
 * (approved or rejected; without a quorum it stays a draft) and the audit
 * event whose hash is kept on the ballot. Idempotent: only the transaction that writes the result
 * (where result is null) does the rest.
 */
async function settleIn(trx: Knex.Transaction, clock: Clock, b: BallotRow, actorId: number | null): Promise<boolean> {
  if (!needsSettling(b, clock.now())) return false;
  const votes = await repo.votesOf(trx, b.id);
  const c = count(b.electorate, tallyVotes(b, votes), b.rule, b.quorum);
  const names = await repo.organisationNames(trx, b.electorate);
  const frozen: FrozenCount = { tally: { ...c.tally }, electorate: c.electorate, positions: c.positions, votes_cast: c.votes_cast, quorum_required: c.quorum_required, close_event_id: null };
  if (!(await repo.freezeResult(trx, b.id, c.result, frozen))) return false;
  const v = (await versions.versionById(trx, b.version_id))!;
  if (c.result !== 'no_quorum' && v.state === 'draft') await versions.setVersionState(trx, v.id, c.result === 'approved' ? 'approved' : 'rejected');
  const event = await appendAudit(trx, clock, {
    actor_id: actorId,
    action: 'ballot.close',
    subject_type: 'ballot',
    subject_id: b.id,
    data: {
      ref: v.ref,
      n: v.n,
      text_sha256: v.sha256,
      closed_at: b.closes_at,
      rule: b.rule,
      quorum: b.quorum,
      result: c.result,
      tally: c.tally,
      electorate: b.electorate.map((id) => names.get(id) ?? String(id)),
      electorate_ids: b.electorate,
      // Who cast each vote by account id: the audit keeps ids, not names (a closed account's name is erased).
      votes: voteViews(b, votes, false).map((x) => ({ organisation: x.organisation, organisation_id: x.organisation_id, position: x.position, reason: x.reason, cast_by_id: votes.find((r) => r.organisation_id === x.organisation_id)?.cast_by ?? null, on_version: x.n, outdated: x.outdated })),
    },
  });
  await repo.setCloseEvent(trx, b.id, event.hash, { ...frozen, close_event_id: event.id });
  return true;
}

/** The first transaction that finds the ballot closed writes what is frozen at the close. */
export async function settle(db: Db, clock: Clock, id: number, actorId: number | null = null): Promise<void> {
  await db.transaction(async (trx) => {
    const b = await repo.ballotById(trx, id, true);
    if (b) await settleIn(trx, clock, b, actorId);
  });
}

/** Freezes whatever ballot of a version has closed since it was last read (before publishing it). */
export async function settleBallotsOf(db: Db, clock: Clock, versionId: number): Promise<void> {
  for (const b of await repo.ballotsOfVersion(db, versionId)) await settleIfDue(db, clock, b);
}

async function settleIfDue(db: Db, clock: Clock, b: BallotRow): Promise<BallotRow> {
  if (!needsSettling(b, clock.now())) return b;
  await settle(db, clock, b.id);
  return (await repo.ballotById(db, b.id))!;
}

/** Runs a state change; when it is refused because the ballot has closed, the close is still frozen. */
async function changing<T>(db: Db, clock: Clock, id: number, fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  try {
    return await db.transaction(fn);
  } catch (err) {
    if (err instanceof Conflict) await settle(db, clock, id);
    throw err;
  }
}

async function lockedBallot(trx: Knex.Transaction, id: number): Promise<BallotRow> {
  const b = await repo.ballotById(trx, id, true);
  if (!b) throw new NotFound(messages.noBallot);
  return b;
}

export async function getBallot(db: Db, clock: Clock, id: number, viewer: Viewer | null): Promise<BallotView> {
  let b = await repo.ballotById(db, id);
  if (!b) throw new NotFound(messages.noBallot);
  b = await settleIfDue(db, clock, b);
  const now = clock.now();
  const seesOpen = can(viewer, 'ballots.read-open');
  // An open, scheduled or cancelled ballot is the Board's business; a closed one is public.
  if (ballotState(b, now) !== 'closed' && !seesOpen) throw new NotFound(messages.noBallot);
  const v = (await versions.versionById(db, b.version_id))!;
  return ballotView(b, v, await repo.votesOf(db, b.id), now, seesOpen, await repo.organisationNames(db, b.electorate));
}

export type BallotListItem = Pick<BallotView, 'id' | 'ref' | 'designation' | 'title' | 'n' | 'label' | 'state' | 'closes_at' | 'result' | 'rule'> & {
  /** for a Board member, on open ballots: where their organisation stands (absent when they have no vote in it) */
  my_vote?: MyVote;
};

/** Where a member's organisation stands in a ballot: no vote yet, a vote on an older draft (outdated), or voted. */
export type MyVote = 'not_voted' | 'outdated' | 'voted';

/**
 * For each ballot, where the organisation the member votes for (on its opening day) stands; ballots in
 * which they have no vote are left out. One query for the votes; the organisation per opening day.
 */
export async function myVotes(db: Q, viewer: Viewer | null, ballots: ReadonlyArray<Pick<BallotRow, 'id' | 'opens_at' | 'electorate' | 'version_id'>>): Promise<Map<number, { status: MyVote; organisation: { id: number; name: string }; voted_on_version_id: number | null }>> {
  const out = new Map<number, { status: MyVote; organisation: { id: number; name: string }; voted_on_version_id: number | null }>();
  if (!viewer || !can(viewer, 'ballots.vote') || !ballots.length) return out;
  const votes = await repo.votesOfBallots(db, ballots.map((b) => b.id));
  const orgOn = new Map<string, Promise<{ id: number; name: string } | null>>();
  for (const b of ballots) {
    const day = b.opens_at.slice(0, 10);
    if (!orgOn.has(day)) orgOn.set(day, votingOrganisationOf(db, viewer.id, b.opens_at));
    const org = await orgOn.get(day)!;
    if (!org || !b.electorate.includes(org.id)) continue;
    const v = votes.find((x) => x.ballot_id === b.id && x.organisation_id === org.id);
    out.set(b.id, { status: !v ? 'not_voted' : v.version_id !== b.version_id ? 'outdated' : 'voted', organisation: { id: org.id, name: org.name }, voted_on_version_id: v?.version_id ?? null });
  }
  return out;
}

/** Every ballot, each found closed settled first (its result frozen), as every reader of ballots sees them. */
export async function settledBallots(db: Db, clock: Clock): Promise<Awaited<ReturnType<typeof repo.allBallots>>> {
  const rows = await repo.allBallots(db);
  const now = clock.now();
  if (!rows.some((b) => needsSettling(b, now))) return rows;
  for (const b of rows.filter((x) => needsSettling(x, now))) await settle(db, clock, b.id);
  return repo.allBallots(db);
}

/** Open and closed ballots; open (and cancelled) ones only for the Board and the secretariat. */
export async function listBallots(db: Db, clock: Clock, viewer: Viewer | null): Promise<{ open: BallotListItem[]; closed: BallotListItem[]; cancelled: BallotListItem[] }> {
  const rows = await settledBallots(db, clock);
  const now = clock.now();
  const seesOpen = can(viewer, 'ballots.read-open');
  const mine = await myVotes(db, viewer, rows.filter((b) => ballotState(b, now) === 'open'));
  const items: BallotListItem[] = rows.map((b) => ({
    id: b.id, ref: b.ref, designation: designation(b.type as never, b.number), title: b.title, n: b.n, label: b.label,
    state: ballotState(b, now), closes_at: b.closes_at, result: b.result, rule: b.rule,
    ...(mine.has(b.id) ? { my_vote: mine.get(b.id)!.status } : {}),
  }));
  return {
    open: seesOpen ? items.filter((i) => i.state === 'open' || i.state === 'scheduled').reverse() : [],
    closed: items.filter((i) => i.state === 'closed'),
    cancelled: seesOpen ? items.filter((i) => i.state === 'cancelled') : [],
  };
}

/** Drafts a ballot can be opened on (no open ballot), for the secretariat's form. */
export async function ballotableDrafts(db: Db, clock: Clock): Promise<VersionRow[]> {
  const drafts = await versions.draftVersions(db);
  const now = clock.now();
  const out: VersionRow[] = [];
  for (const d of drafts) {
    const ballots = await repo.ballotsOfVersion(db, d.id);
    if (!ballots.some((b) => ballotState(b, now) === 'open')) out.push(d);
  }
  return out;
}

/** Opens a ballot on a draft; the electorate is the Board's member organisations on the opening day. */
export async function openBallot(db: Db, clock: Clock, actor: Viewer, ref: string, n: number, input: OpenBallotInput): Promise<number> {
  const v0 = await resolveVersion(db, ref, n);
  for (const b of await repo.ballotsOfVersion(db, v0.id)) await settleIfDue(db, clock, b);
  return oneOpenBallot(v0.n, () => db.transaction(async (trx) => {
    const v = (await versions.versionById(trx, v0.id))!;
    const now = clock.now();
    const verdict = canOpenBallot(v, await repo.ballotsOfVersion(trx, v.id), input.closes_at, now);
    if (!verdict.ok) throw new Conflict(verdict.reason);
    const override = await checkBallotOrder(trx, clock, actor, v, input.override_reason);
    const at = now.toISOString();
    const members = (await boardOn(trx, at)).members;
    if (!members.length) throw new Conflict(messages.noElectorate);
    const electorate = members.map((o) => o.id);
    const id = await repo.insertBallot(trx, {
      version_id: v.id, opens_at: at, closes_at: input.closes_at, rule: input.rule, quorum: input.quorum, electorate, created_by: actor.id, created_at: at,
      override_reason: override?.reason ?? null, override_blocking: override?.blocking ?? null,
    });
    await appendAudit(trx, clock, {
      actor_id: actor.id, action: 'ballot.open', subject_type: 'ballot', subject_id: id,
      data: { ref: v.ref, n: v.n, text_sha256: v.sha256, opens_at: at, closes_at: input.closes_at, rule: input.rule, quorum: input.quorum, electorate: members.map((o) => o.name), electorate_ids: electorate, ...(override ? { override } : {}) },
    });
    // The voters of the electorate are told by mail, queued in this transaction (issue 16 item 3).
    await queueBallotOpened(trx, clock, { opens_at: at, electorate }, { ballot_id: id, designation: designation(v.type as StandardType, v.number), title: v.title, label: v.label, closes_at: input.closes_at });
    return id;
  }));
}

/**
 * Another process opened (or moved) a ballot onto the version between the check and the write: the
 * index refused this one, with the check's own answer.
 */
async function oneOpenBallot<T>(n: number, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err, repo.ONE_UNSETTLED_PER_VERSION)) throw new Conflict(messages.alreadyOpen(n));
    throw err;
  }
}

/**
 * Casts or changes the vote of the organisation the member votes for: the member organisation (on the
 * ballot's opening day) of which they are the principal voter or an alternate. One row per organisation
 * (unique key and upsert: a principal and an alternate voting at once leave one vote, the last written)
 * and one history row per cast; the close time is checked inside the same write transaction, so a vote
 * after the close writes nothing (409).
 */
export async function castVote(db: Db, clock: Clock, viewer: Viewer, id: number, input: VoteInput): Promise<void> {
  const who = await repo.voter(db, viewer.id);
  if (!who || !roleCan(who.role, 'ballots.vote') || who.disabled_at) throw new Forbidden(messages.notBoard);
  await changing(db, clock, id, async (trx) => {
    const b = await lockedBallot(trx, id);
    const now = clock.now();
    const verdict = canVote(b, now);
    if (!verdict.ok) throw new Conflict(verdict.reason);
    const org = await votingOrganisationOf(trx, who.id, b.opens_at);
    if (!org) {
      const chair = (await boardOn(trx, b.opens_at)).chair;
      throw new Forbidden(chair && chair.representative_user_id === who.id ? messages.chair : messages.notVoter);
    }
    if (!b.electorate.includes(org.id)) throw new Forbidden(messages.notInElectorate(org.name));
    const at = now.toISOString();
    const row = { ballot_id: b.id, organisation_id: org.id, cast_by: who.id, version_id: b.version_id, position: input.position, reason: input.reason ?? null };
    await repo.upsertVote(trx, { ...row, cast_at: at });
    await repo.insertVoteEvent(trx, { ...row, at });
    const v = (await versions.versionById(trx, b.version_id))!;
    await appendAudit(trx, clock, {
      actor_id: who.id, action: 'ballot.vote', subject_type: 'ballot', subject_id: b.id,
      data: { ref: v.ref, n: v.n, organisation: org.name, organisation_id: org.id, position: input.position, reason: input.reason ?? null },
    });
  });
}

/** The organisation a member votes for in a ballot (null: none), for the ballot page. */
export async function voterOrganisation(db: Db, viewer: Viewer | null, ballot: Pick<BallotView, 'opens_at'>): Promise<{ id: number; name: string } | null> {
  if (!viewer || !can(viewer, 'ballots.vote')) return null;
  return votingOrganisationOf(db, viewer.id, ballot.opens_at);
}

export async function voteHistory(db: Db, id: number, organisationId?: number) {
  return repo.voteEventsOf(db, id, organisationId);
}

export async function extendBallot(db: Db, clock: Clock, actor: Viewer, id: number, closesAt: string): Promise<void> {
  await changing(db, clock, id, async (trx) => {
    const b = await lockedBallot(trx, id);
    const verdict = canExtend(b, closesAt, clock.now());
    if (!verdict.ok) throw new Conflict(verdict.reason);
    await repo.updateBallot(trx, id, { closes_at: closesAt });
    await appendAudit(trx, clock, { actor_id: actor.id, action: 'ballot.extend', subject_type: 'ballot', subject_id: id, data: { from: b.closes_at, to: closesAt } });
  });
}

/** Closes now: closes_at = now, and the result is frozen in the same transaction. */
export async function closeBallot(db: Db, clock: Clock, actor: Viewer, id: number): Promise<void> {
  await changing(db, clock, id, async (trx) => {
    const b = await lockedBallot(trx, id);
    const now = clock.now();
    const verdict = canCloseEarly(b, now);
    if (!verdict.ok) throw new Conflict(verdict.reason);
    const closesAt = now.toISOString();
    await repo.updateBallot(trx, id, { closes_at: closesAt });
    await settleIn(trx, clock, { ...b, closes_at: closesAt }, actor.id);
  });
}

export async function cancelBallot(db: Db, clock: Clock, actor: Viewer, id: number): Promise<void> {
  await changing(db, clock, id, async (trx) => {
    const b = await lockedBallot(trx, id);
    const now = clock.now();
    const verdict = canCancel(b, now);
    if (!verdict.ok) throw new Conflict(verdict.reason);
    await repo.updateBallot(trx, id, { cancelled_at: now.toISOString() });
    await appendAudit(trx, clock, { actor_id: actor.id, action: 'ballot.cancel', subject_type: 'ballot', subject_id: id, data: {} });
  });
}

/** Moves an open ballot to a newer draft based on its version: votes on the older one become outdated. */
export async function moveBallot(db: Db, clock: Clock, actor: Viewer, id: number, n: number): Promise<void> {
  await oneOpenBallot(n, () => changing(db, clock, id, async (trx) => {
    const b = await lockedBallot(trx, id);
    const from = (await versions.versionById(trx, b.version_id))!;
    const to = await versions.versionByRef(trx, from.ref, n);
    if (!to) throw new NotFound(messages.noVersion(from.ref, n));
    // A closed ballot on the target is frozen first: only an open one stands in the way.
    for (const o of await repo.ballotsOfVersion(trx, to.id)) if (o.id !== id) await settleIn(trx, clock, o, null);
    const chain = new Map((await versions.versionsOfStandard(trx, from.standard_id)).map((x) => [x.id, x.based_on]));
    const verdict = canMove(b, from, to, chain, await repo.ballotsOfVersion(trx, to.id), clock.now());
    if (!verdict.ok) throw new Conflict(verdict.reason);
    await repo.updateBallot(trx, id, { version_id: to.id });
    const outdated = (await repo.votesOf(trx, id)).filter((x) => b.electorate.includes(x.organisation_id)).map((x) => x.organisation);
    await appendAudit(trx, clock, {
      actor_id: actor.id, action: 'ballot.move', subject_type: 'ballot', subject_id: id,
      data: { ref: from.ref, from_n: from.n, to_n: to.n, text_sha256: to.sha256, outdated },
    });
    // Asked to vote again on the newer draft, by mail queued in this transaction (issue 16 item 3).
    await queueBallotMoved(trx, clock, b, { ballot_id: id, designation: designation(to.type as StandardType, to.number), title: to.title, label: to.label, from_n: from.n, to_n: to.n, closes_at: b.closes_at });
  }));
}

/**
 * The ballot order of a draft (./order.ts): the consultations on it and on the drafts it is based on
 * since the current edition, with their state now and their comments still without a disposition.
 */
export async function ballotOrderOf(db: Q, clock: Clock, v: VersionRow): Promise<OrderVerdict> {
  const chain = draftsSinceEdition(v.id, await versions.versionsOfStandard(db, v.standard_id));
  const found = (await Promise.all(chain.map((id) => consultationsOfVersion(db, id)))).flat();
  const counts = await undisposedCounts(db, found.map((c) => c.id));
  const now = clock.now();
  return ballotOrder(found.map((c) => ({ id: c.id, n: c.n, label: c.label, state: consultationState(c, now), undisposed: counts.get(c.id) ?? 0 })));
}

/** Refuses a ballot out of order (409), unless the secretariat gives its reason: then returns what it overrides. */
async function checkBallotOrder(trx: Knex.Transaction, clock: Clock, actor: Viewer, v: VersionRow, reason: string | undefined): Promise<{ reason: string; blocking: Blocking[] } | null> {
  const order = await ballotOrderOf(trx, clock, v);
  if (order.ok) return null;
  if (!reason) throw new BallotOrderConflict(order.reason, order.blocking);
  if (!can(actor, 'ballots.override-order')) throw new Forbidden(messages.overrideNotAllowed);
  return { reason, blocking: order.blocking };
}
