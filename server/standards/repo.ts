import type { Knex } from 'knex';
import { bumpRevision } from '../versions/repo.ts';
import { day, iso } from '../time.ts';
import type { StandardType } from './refs.ts';

type Q = Knex | Knex.Transaction;

export interface StandardRow {
  id: number;
  type: StandardType;
  number: string;
  ref: string;
  title: string;
  title_unconfirmed: boolean;
  series: string;
  withdrawn_on: string | null;
  replaced_by: number | null;
  revision: number;
}

export interface ConsultationRow {
  id: number;
  version_id: number;
  opens_at: string;
  closes_at: string;
  instructions: string | null;
  cancelled_at: string | null;
}

/** Versions and clauses are read and written in server/versions/repo.ts. */
const STANDARD_COLUMNS = ['id', 'type', 'number', 'ref', 'title', 'title_unconfirmed', 'series', 'withdrawn_on', 'replaced_by', 'revision'];
export function toStandard(r: Record<string, unknown>): StandardRow {
  return { ...(r as unknown as StandardRow), title_unconfirmed: Boolean(r.title_unconfirmed), withdrawn_on: day(r.withdrawn_on) };
}

function toConsultation(r: Record<string, unknown>): ConsultationRow {
  return {
    ...(r as unknown as ConsultationRow),
    opens_at: iso(r.opens_at)!,
    closes_at: iso(r.closes_at)!,
    cancelled_at: iso(r.cancelled_at),
  };
}

export async function allStandards(db: Q): Promise<StandardRow[]> {
  const rows = await db('standards').select(STANDARD_COLUMNS).orderBy([{ column: 'series' }, { column: 'number' }, { column: 'type' }]);
  return rows.map(toStandard);
}

export async function standardByRef(db: Q, ref: string): Promise<StandardRow | null> {
  const r = await db('standards').select(STANDARD_COLUMNS).where({ ref }).first();
  return r ? toStandard(r) : null;
}

export async function standardById(db: Q, id: number): Promise<StandardRow | null> {
  const r = await db('standards').select(STANDARD_COLUMNS).where({ id }).first();
  return r ? toStandard(r) : null;
}

export async function consultationsOfStandard(db: Q, standardId: number): Promise<ConsultationRow[]> {
  const rows = await db('consultations as c')
    .join('versions as v', 'v.id', 'c.version_id')
    .where('v.standard_id', standardId)
    .select('c.id', 'c.version_id', 'c.opens_at', 'c.closes_at', 'c.instructions', 'c.cancelled_at')
    .orderBy('c.opens_at');
  return rows.map(toConsultation);
}

export async function allConsultations(db: Q): Promise<ConsultationRow[]> {
  const rows = await db('consultations').select('id', 'version_id', 'opens_at', 'closes_at', 'instructions', 'cancelled_at').orderBy('opens_at');
  return rows.map(toConsultation);
}

/** A ballot as a standard's timeline shows it (server/standards/timeline.ts): its window and result only. */
export interface BallotMark {
  id: number;
  version_id: number;
  opens_at: string;
  closes_at: string;
  cancelled_at: string | null;
  result: string | null;
}

/** The ballots on a standard's versions, for its timeline: one query, on a page the cache has not got. */
export async function ballotMarksOf(db: Q, standardId: number): Promise<BallotMark[]> {
  const rows = (await db('ballots as b')
    .join('versions as v', 'v.id', 'b.version_id')
    .where('v.standard_id', standardId)
    .select('b.id', 'b.version_id', 'b.opens_at', 'b.closes_at', 'b.cancelled_at', 'b.result')
    .orderBy('b.opens_at')) as BallotMark[];
  return rows.map((r) => ({ ...r, id: Number(r.id), version_id: Number(r.version_id), cancelled_at: r.cancelled_at ?? null, result: r.result ?? null }));
}

// ---- writes: each bumps the standard's revision (or starts it), so its cached pages go stale ----

export async function upsertSeries(db: Q, code: string, name: string): Promise<void> {
  await db('series').insert({ code, name }).onConflict('code').merge();
}

export async function standardClash(db: Q, ref: string, type: StandardType, number: string): Promise<boolean> {
  return Boolean(await db('standards').where({ ref }).orWhere({ type, number }).first('id'));
}

export async function insertStandard(
  db: Q,
  row: { type: StandardType; number: string; ref: string; title: string; title_unconfirmed: boolean; series: string; withdrawn_on?: string | null; created_at: string },
): Promise<number> {
  const [ins] = await db('standards').insert(row).returning('id');
  return typeof ins === 'object' ? (ins as { id: number }).id : (ins as number);
}

/** The catalogue's fields of a standard, as the loader reads them from catalogue.yaml. */
export async function updateStandard(db: Q, id: number, fields: Partial<Pick<StandardRow, 'type' | 'number' | 'title' | 'title_unconfirmed' | 'series' | 'withdrawn_on'>>): Promise<void> {
  await db('standards').where({ id }).update(fields);
  await bumpRevision(db, id);
}

export async function withdraw(db: Q, id: number, withdrawnOn: string, replacedBy: number | null): Promise<void> {
  await db('standards').where({ id }).update({ withdrawn_on: withdrawnOn, replaced_by: replacedBy });
  await bumpRevision(db, id);
}

/** Names the standard that replaces this one; writes (and bumps) only when it changes. */
export async function setReplacedBy(db: Q, id: number, replacedBy: number): Promise<void> {
  const changed = await db('standards').where({ id }).where((w) => w.whereNull('replaced_by').orWhereNot('replaced_by', replacedBy)).update({ replaced_by: replacedBy });
  if (changed) await bumpRevision(db, id);
}
