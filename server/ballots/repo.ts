import type { Knex } from 'knex';
import { isSqlite } from '../db.ts';
import { bumpRevisionOfBallot, bumpRevisionOfVersion } from '../versions/repo.ts';
import type { Position, Result, Rule } from './tally.ts';
import type { Blocking } from './order.ts';
import { castByNameSql } from '../privacy/repo.ts';

/**
 * All SQL of ballots, votes and their history. Functions take the db or a transaction. A published
 * version's page shows the ballot that approved it, so every write of a ballot or a vote bumps the
 * standard's revision (server/versions/repo.ts); the vote history is not on any standard's page.
 */
type Q = Knex | Knex.Transaction;

export interface BallotRow {
  id: number;
  version_id: number;
  opens_at: string;
  closes_at: string;
  rule: Rule;
  quorum: number;
  /** the ids of the member organisations on the opening day (server/organisations/board.ts) */
  electorate: number[];
  result: Result | null;
  final_tally: FrozenCount | null;
  close_hash: string | null;
  cancelled_at: string | null;
  created_by: number | null;
  created_at: string;
  /** the secretariat's reason for opening despite the ballot order (./order.ts), and what it overrode */
  override_reason: string | null;
  override_blocking: Blocking[] | null;
}

/** What is written at the close, beside the result. */
export interface FrozenCount {
  tally: Record<string, number>;
  electorate: number;
  positions: number;
  votes_cast: number;
  quorum_required: number;
  close_event_id: number | null;
}

export interface VoteRow {
  id: number;
  ballot_id: number;
  organisation_id: number;
  /** the organisation's name now */
  organisation: string;
  cast_by: number;
  cast_by_name: string;
  version_id: number;
  version_n: number;
  position: Position;
  reason: string | null;
  cast_at: string;
}

export interface VoteEventRow {
  id: number;
  organisation_id: number;
  organisation: string;
  cast_by_name: string;
  version_n: number;
  position: Position;
  reason: string | null;
  at: string;
}

const toBallot = (r: Record<string, unknown>): BallotRow => ({
  ...(r as unknown as BallotRow),
  quorum: Number(r.quorum),
  electorate: (JSON.parse(String(r.electorate)) as unknown[]).map(Number),
  final_tally: r.final_tally ? (JSON.parse(String(r.final_tally)) as FrozenCount) : null,
  override_reason: (r.override_reason as string | null | undefined) ?? null,
  override_blocking: r.override_blocking ? (JSON.parse(String(r.override_blocking)) as Blocking[]) : null,
});

const lockRow = (q: Knex.QueryBuilder, db: Q) => (isSqlite(db as Knex) ? q : q.forUpdate());

export async function ballotById(db: Q, id: number, forUpdate = false): Promise<BallotRow | null> {
  const q = db('ballots').where({ id }).first();
  const r = await (forUpdate ? lockRow(q, db) : q);
  return r ? toBallot(r) : null;
}

export async function ballotsOfVersion(db: Q, versionId: number): Promise<BallotRow[]> {
  return (await db('ballots').where({ version_id: versionId }).orderBy('id')).map(toBallot);
}

export async function ballotsOfStandard(db: Q, standardId: number): Promise<BallotRow[]> {
  const rows = await db('ballots as b').join('versions as v', 'v.id', 'b.version_id').where('v.standard_id', standardId).select('b.*').orderBy('b.id');
  return rows.map(toBallot);
}

export async function allBallots(db: Q): Promise<(BallotRow & { ref: string; type: string; number: string; title: string; n: number; label: string })[]> {
  const rows = await db('ballots as b')
    .join('versions as v', 'v.id', 'b.version_id')
    .join('standards as s', 's.id', 'v.standard_id')
    .select('b.*', 's.ref', 's.type', 's.number', 's.title', 'v.n', 'v.label')
    .orderBy('b.closes_at', 'desc');
  return rows.map((r: Record<string, unknown>) => ({ ...toBallot(r), ref: String(r.ref), type: String(r.type), number: String(r.number), title: String(r.title), n: Number(r.n), label: String(r.label) }));
}

/**
 * The partial unique index of migration 20261201133001: one unsettled (open, or closed with no result
 * yet) ballot per version, whatever number of processes open or move ballots at once.
 */
export const ONE_UNSETTLED_PER_VERSION = { name: 'ballots_one_unsettled_per_version', columns: ['ballots.version_id'] };

export async function insertBallot(db: Q, row: Omit<BallotRow, 'id' | 'result' | 'final_tally' | 'close_hash' | 'cancelled_at'>): Promise<number> {
  const [ins] = await db('ballots').insert({ ...row, electorate: JSON.stringify(row.electorate), override_blocking: row.override_blocking ? JSON.stringify(row.override_blocking) : null, result: null, final_tally: null }).returning('id');
  await bumpRevisionOfVersion(db, row.version_id);
  return typeof ins === 'object' ? (ins as { id: number }).id : (ins as number);
}

export async function updateBallot(db: Q, id: number, patch: Partial<Pick<BallotRow, 'closes_at' | 'cancelled_at' | 'version_id' | 'close_hash'>>): Promise<void> {
  await db('ballots').where({ id }).update(patch);
  await bumpRevisionOfBallot(db, id);
}

/** Writes the result once: true only for the transaction that wrote it. */
export async function freezeResult(db: Q, id: number, result: Result, frozen: FrozenCount): Promise<boolean> {
  const done = (await db('ballots').where({ id }).whereNull('result').update({ result, final_tally: JSON.stringify(frozen) })) === 1;
  if (done) await bumpRevisionOfBallot(db, id);
  return done;
}

export async function setCloseEvent(db: Q, id: number, hash: string, frozen: FrozenCount): Promise<void> {
  await db('ballots').where({ id }).update({ close_hash: hash, final_tally: JSON.stringify(frozen) });
  await bumpRevisionOfBallot(db, id);
}

export async function votesOf(db: Q, ballotId: number): Promise<VoteRow[]> {
  const rows = await db('votes as x')
    .join('users as u', 'u.id', 'x.cast_by')
    .join('versions as v', 'v.id', 'x.version_id')
    .join('organisations as o', 'o.id', 'x.organisation_id')
    .where('x.ballot_id', ballotId)
    .select('x.id', 'x.ballot_id', 'x.organisation_id', 'o.name as organisation', 'x.cast_by', castByNameSql(db, 'u', 'o.name'), 'x.version_id', 'v.n as version_n', 'x.position', 'x.reason', 'x.cast_at')
    .orderByRaw('lower(o.name), x.organisation_id');
  return rows.map((r: VoteRow) => ({ ...r, organisation_id: Number(r.organisation_id) }));
}

export async function voteEventsOf(db: Q, ballotId: number, organisationId?: number): Promise<VoteEventRow[]> {
  const q = db('vote_events as e')
    .join('users as u', 'u.id', 'e.cast_by')
    .join('versions as v', 'v.id', 'e.version_id')
    .join('organisations as o', 'o.id', 'e.organisation_id')
    .where('e.ballot_id', ballotId)
    .select('e.id', 'e.organisation_id', 'o.name as organisation', castByNameSql(db, 'u', 'o.name'), 'v.n as version_n', 'e.position', 'e.reason', 'e.at')
    .orderBy('e.id');
  if (organisationId !== undefined) q.andWhere('e.organisation_id', organisationId);
  return (await q).map((r: VoteEventRow) => ({ ...r, organisation_id: Number(r.organisation_id) }));
}

/**
 * One row per organisation: the unique (ballot_id, organisation_id) makes a second cast an update, so
 * a principal and an alternate voting at once leave one vote, the last written.
 */
export async function upsertVote(db: Q, v: { ballot_id: number; organisation_id: number; cast_by: number; version_id: number; position: Position; reason: string | null; cast_at: string }): Promise<void> {
  await db('votes').insert(v).onConflict(['ballot_id', 'organisation_id']).merge(['cast_by', 'version_id', 'position', 'reason', 'cast_at']);
  await bumpRevisionOfBallot(db, v.ballot_id);
}

export async function insertVoteEvent(db: Q, e: { ballot_id: number; organisation_id: number; cast_by: number; version_id: number; position: Position; reason: string | null; at: string }): Promise<void> {
  await db('vote_events').insert(e);
}

/** Organisation names by id, for electorates stored as ids. */
export async function organisationNames(db: Q, ids: readonly number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map();
  const rows = (await db('organisations').whereIn('id', [...ids]).select('id', 'name')) as Array<{ id: number; name: string }>;
  return new Map(rows.map((r) => [Number(r.id), r.name]));
}

export async function voter(db: Q, userId: number): Promise<{ id: number; role: string; disabled_at: string | null } | null> {
  return (await db('users').where({ id: userId }).first('id', 'role', 'disabled_at')) ?? null;
}

export async function consultationIdsOf(db: Q, versionId: number): Promise<number[]> {
  return (await db('consultations').where({ version_id: versionId }).orderBy('id').select('id')).map((r: { id: number }) => r.id);
}

/** The votes of many ballots at once (which organisation voted on which version), for "My work" and the list. */
export async function votesOfBallots(db: Q, ballotIds: readonly number[]): Promise<Array<{ ballot_id: number; organisation_id: number; version_id: number; position: Position }>> {
  if (!ballotIds.length) return [];
  const rows = (await db('votes').whereIn('ballot_id', [...ballotIds]).select('ballot_id', 'organisation_id', 'version_id', 'position')) as Array<Record<string, unknown>>;
  return rows.map((r) => ({ ballot_id: Number(r.ballot_id), organisation_id: Number(r.organisation_id), version_id: Number(r.version_id), position: r.position as Position }));
}
