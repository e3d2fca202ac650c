import type { Knex } from 'knex';
import { isSqlite } from '../db.ts';
import { rolesThatCan } from '../auth/permissions.ts';
import { bumpRevisionOfBallot, bumpRevisionOfVersion } from '../versions/repo.ts';
import type { Position, Result, Rule } from './tally.ts';
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
  electorate: string[];
  result: Result | null;
  final_tally: FrozenCount | null;
  close_hash: string | null;
  cancelled_at: string | null;
  created_by: number | null;
  created_at: string;
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
  electorate: JSON.parse(String(r.electorate)) as string[],
  final_tally: r.final_tally ? (JSON.parse(String(r.final_tally)) as FrozenCount) : null,
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
  const [ins] = await db('ballots').insert({ ...row, electorate: JSON.stringify(row.electorate), result: null, final_tally: null }).returning('id');
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
  return db('votes as x')
    .join('users as u', 'u.id', 'x.cast_by')
    .join('versions as v', 'v.id', 'x.version_id')
    .where('x.ballot_id', ballotId)
    .select('x.id', 'x.ballot_id', 'x.organisation', 'x.cast_by', castByNameSql(db, 'u', 'x'), 'x.version_id', 'v.n as version_n', 'x.position', 'x.reason', 'x.cast_at')
    .orderBy('x.organisation');
}

export async function voteEventsOf(db: Q, ballotId: number, organisation?: string): Promise<VoteEventRow[]> {
  const q = db('vote_events as e')
    .join('users as u', 'u.id', 'e.cast_by')
    .join('versions as v', 'v.id', 'e.version_id')
    .where('e.ballot_id', ballotId)
    .select('e.id', 'e.organisation', castByNameSql(db, 'u', 'e'), 'v.n as version_n', 'e.position', 'e.reason', 'e.at')
    .orderBy('e.id');
  if (organisation) q.andWhere('e.organisation', organisation);
  return q;
}

/** One row per organisation: the unique (ballot_id, organisation) makes a second cast an update. */
export async function upsertVote(db: Q, v: { ballot_id: number; organisation: string; cast_by: number; version_id: number; position: Position; reason: string | null; cast_at: string }): Promise<void> {
  await db('votes').insert(v).onConflict(['ballot_id', 'organisation']).merge(['cast_by', 'version_id', 'position', 'reason', 'cast_at']);
  await bumpRevisionOfBallot(db, v.ballot_id);
}

export async function insertVoteEvent(db: Q, e: { ballot_id: number; organisation: string; cast_by: number; version_id: number; position: Position; reason: string | null; at: string }): Promise<void> {
  await db('vote_events').insert(e);
}

/**
 * The Board's member organisations now: distinct organisations of enabled board accounts that are
 * not the chair's (users.board_chair; the chair does not vote, design.md §4).
 */
export async function boardOrganisations(db: Q): Promise<string[]> {
  const rows = await db('users').whereIn('role', rolesThatCan('ballots.vote')).where({ board_chair: false }).whereNull('disabled_at').distinct('organisation').orderBy('organisation');
  return rows.map((r: { organisation: string }) => r.organisation);
}

export async function voter(db: Q, userId: number): Promise<{ id: number; role: string; organisation: string; board_chair: boolean; disabled_at: string | null } | null> {
  const r = await db('users').where({ id: userId }).first('id', 'role', 'organisation', 'board_chair', 'disabled_at');
  return r ? { ...r, board_chair: Boolean(r.board_chair) } : null;
}

export async function consultationIdsOf(db: Q, versionId: number): Promise<number[]> {
  return (await db('consultations').where({ version_id: versionId }).orderBy('id').select('id')).map((r: { id: number }) => r.id);
}
