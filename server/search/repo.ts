/**
 * The SQL of search apart from the index itself (engine.ts): what a search may see — standards, their
 * versions' dates and states, consultations — and the comments search, which is a LIKE scan on both
 * databases (comments are few beside clauses: a few thousand a consultation at most).
 */
import type { Knex } from 'knex';
import { isSqlite } from '../db.ts';

type Q = Knex | Knex.Transaction;

export interface ScopeStandard {
  id: number;
  ref: string;
  type: 'IMAS' | 'TNMA' | 'T&EP';
  number: string;
  title: string;
  series: string;
  withdrawn_on: string | null;
}
export interface ScopeVersion {
  id: number;
  standard_id: number;
  n: number;
  label: string;
  state: string;
  edition: number | null;
  amendment: number | null;
  in_force_from: string | null;
}
export interface ScopeConsultation {
  version_id: number;
  opens_at: string;
  closes_at: string;
  cancelled_at: string | null;
}

export interface ScopeData {
  standards: ScopeStandard[];
  versions: ScopeVersion[];
  consultations: ScopeConsultation[];
}

/**
 * What changes whenever anything scope() reads does: every write to a standard, its versions or its
 * consultations bumps the standard's revision (server/versions/repo.ts), and a new standard adds a row.
 */
async function scopeKey(db: Q): Promise<string> {
  const row = (await db('standards').first(db.raw('count(*) as n'), db.raw('max(id) as m'), db.raw('sum(revision) as r'))) as { n: unknown; m: unknown; r: unknown } | undefined;
  return `${Number(row?.n ?? 0)}:${Number(row?.m ?? 0)}:${Number(row?.r ?? 0)}`;
}

const scopes = new WeakMap<object, { key: string; data: Promise<ScopeData> }>();

/**
 * Every standard, version and consultation (what a search may see is decided from them and the clock,
 * per query): read again only when their standards' revisions moved, else one small read instead of
 * three tables per search. Kept per database handle; inside a transaction always read afresh. The
 * result is shared between searches: never changed by its readers.
 */
export async function scope(db: Q): Promise<ScopeData> {
  if (db.isTransaction) return readScope(db);
  const key = await scopeKey(db);
  const cached = scopes.get(db);
  if (cached?.key === key) return cached.data;
  const data = readScope(db);
  scopes.set(db, { key, data });
  data.catch(() => {
    if (scopes.get(db)?.data === data) scopes.delete(db);
  });
  return data;
}

async function readScope(db: Q): Promise<ScopeData> {
  const [standards, versions, consultations] = await Promise.all([
    db('standards').select('id', 'ref', 'type', 'number', 'title', 'series', 'withdrawn_on').orderBy('ref'),
    db('versions').select('id', 'standard_id', 'n', 'label', 'state', 'edition', 'amendment', 'in_force_from'),
    db('consultations').select('version_id', 'opens_at', 'closes_at', 'cancelled_at'),
  ]);
  return { standards, versions, consultations };
}

export interface CommentHit {
  id: number;
  consultation_id: number;
  seq: number;
  author_name: string;
  organisation: string;
  clause_ref: string | null;
  type: string;
  comment: string;
  proposed_change: string | null;
  disposition: string | null;
  response: string | null;
  withdrawn_at: string | null;
  version_id: number;
}

/**
 * Comments whose comment, proposed change or response contains every word (each a run of letters and
 * digits: nothing to escape in a LIKE pattern); `authorId` limits them to one author's.
 */
export async function searchComments(db: Q, words: string[], authorId: number | null, limit: number): Promise<CommentHit[]> {
  const op = isSqlite(db) ? 'like' : 'ilike';
  const q = db('comments as m')
    .join('consultations as c', 'c.id', 'm.consultation_id')
    .select('m.id', 'm.consultation_id', 'm.seq', 'm.author_name', 'm.organisation', 'm.clause_ref', 'm.type', 'm.comment', 'm.proposed_change', 'm.disposition', 'm.response', 'm.withdrawn_at', 'c.version_id')
    .orderBy('m.id', 'desc')
    .limit(limit);
  for (const w of words) {
    const pattern = `%${w}%`;
    q.where((b) => b.where('m.comment', op, pattern).orWhere('m.proposed_change', op, pattern).orWhere('m.response', op, pattern));
  }
  if (authorId !== null) q.where('m.author_id', authorId);
  return q;
}
