import type { Knex } from 'knex';
import type BetterSqlite3 from 'better-sqlite3';
import { iso } from '../time.ts';
import { preparedPerConnection } from '../prepared.ts';
import type { StandardType } from '../standards/refs.ts';
import type { ConsultationRow } from '../standards/repo.ts';
import { bumpRevisionOfConsultation, bumpRevisionOfVersion } from '../versions/repo.ts';
import type { CommentType, Disposition, MatrixFilter, MatrixSort } from './validation.ts';
import type { CubeCell, Keyset } from './matrix.ts';
import { consultationState, type ConsultationTimes } from './state.ts';
import { isSqlite } from '../db.ts';

type Q = Knex | Knex.Transaction;

/** A consultation with the draft and standard it is on. */
export interface ConsultationFull extends ConsultationRow {
  created_by: number | null;
  standard_id: number;
  standard_ref: string;
  standard_type: StandardType;
  standard_number: string;
  standard_title: string;
  n: number;
  label: string;
  version_state: string;
  /** the proposal its draft was made from (issue 12 item 4) */
  proposal_id: number | null;
}

export interface CommentRow {
  id: number;
  consultation_id: number;
  seq: number;
  author_id: number | null;
  author_name: string;
  organisation: string;
  entered_by: number | null;
  clause_key: string | null;
  clause_ref: string | null;
  paragraph: string | null;
  line_number: string | null;
  type: CommentType;
  comment: string;
  proposed_change: string | null;
  disposition: Disposition | null;
  response: string | null;
  disposed_by: number | null;
  disposed_at: string | null;
  withdrawn_at: string | null;
  submitted_at: string;
  updated_at: string | null;
  /** when its author last changed it */
  edited_at: string | null;
}

export type NewComment = Omit<CommentRow, 'id' | 'seq' | 'disposition' | 'response' | 'disposed_by' | 'disposed_at' | 'withdrawn_at' | 'updated_at' | 'edited_at'>;

/** A comment as it was before an edit by its author. */
export type CommentRevision = Pick<CommentRow, 'clause_key' | 'clause_ref' | 'paragraph' | 'line_number' | 'type' | 'comment' | 'proposed_change'> & {
  id: number;
  comment_id: number;
  replaced_by: number | null;
  replaced_at: string;
};

const CONSULTATION_COLUMNS = [
  'c.id', 'c.version_id', 'c.opens_at', 'c.closes_at', 'c.instructions', 'c.cancelled_at', 'c.created_by',
  's.id as standard_id', 's.ref as standard_ref', 's.type as standard_type', 's.number as standard_number', 's.title as standard_title',
  'v.n', 'v.label', 'v.state as version_state', 'v.proposal_id',
];

function toConsultation(r: Record<string, unknown>): ConsultationFull {
  return { ...(r as unknown as ConsultationFull), opens_at: iso(r.opens_at)!, closes_at: iso(r.closes_at)!, cancelled_at: iso(r.cancelled_at) };
}

const consultations = (db: Q) =>
  db('consultations as c').join('versions as v', 'v.id', 'c.version_id').join('standards as s', 's.id', 'v.standard_id').select(CONSULTATION_COLUMNS);

export async function consultationById(db: Q, id: number): Promise<ConsultationFull | null> {
  const r = await consultations(db).where('c.id', id).first();
  return r ? toConsultation(r) : null;
}

export async function listConsultations(db: Q): Promise<ConsultationFull[]> {
  return (await consultations(db).orderBy([{ column: 'c.closes_at', order: 'desc' }, { column: 'c.id', order: 'desc' }])).map(toConsultation);
}

export async function consultationsOfVersion(db: Q, versionId: number): Promise<ConsultationFull[]> {
  return (await consultations(db).where('c.version_id', versionId).orderBy('c.id')).map(toConsultation);
}

/**
 * The partial unique index of migration 20261201133000: one live (scheduled or open) consultation per
 * version, whatever number of processes open them at once.
 */
export const ONE_LIVE_PER_VERSION = { name: 'consultations_one_live_per_version', columns: ['consultations.version_id'] };

/**
 * Consultation writes bump the standard's revision: its pages show the notice and release the draft.
 * The new one is live; those of the version that have ended by `created_at` give up their place first.
 */
export async function insertConsultation(db: Q, row: { version_id: number; opens_at: string; closes_at: string; instructions: string | null; created_by: number | null; created_at: string }): Promise<number> {
  const now = new Date(row.created_at);
  const held = (await db('consultations').where({ version_id: row.version_id }).whereNotNull('live').select('id', 'opens_at', 'closes_at', 'cancelled_at')) as Array<Record<string, unknown>>;
  const ended = held.filter((r) => ['closed', 'cancelled'].includes(consultationState({ opens_at: iso(r.opens_at)!, closes_at: iso(r.closes_at)!, cancelled_at: iso(r.cancelled_at) }, now)));
  if (ended.length) await db('consultations').whereIn('id', ended.map((r) => Number(r.id))).update({ live: null });
  const [ins] = await db('consultations').insert({ ...row, live: 1 }).returning('id');
  await bumpRevisionOfVersion(db, row.version_id);
  return typeof ins === 'object' ? (ins as { id: number }).id : (ins as number);
}

/** Closing early or cancelling ends the consultation: it no longer holds its version's place. */
export async function updateConsultation(db: Q, id: number, patch: Partial<{ opens_at: string; closes_at: string; instructions: string | null; cancelled_at: string }>, opts: { ends?: boolean } = {}): Promise<void> {
  await db('consultations').where({ id }).update(opts.ends ? { ...patch, live: null } : patch);
  await bumpRevisionOfConsultation(db, id);
}

/** Non-withdrawn comment counts per consultation (for the lists). */
export async function commentCounts(db: Q, ids: number[]): Promise<Map<number, number>> {
  if (!ids.length) return new Map();
  const rows = (await db('comments').whereIn('consultation_id', ids).whereNull('withdrawn_at').groupBy('consultation_id').select('consultation_id').count({ n: '*' })) as Array<{ consultation_id: number; n: number }>;
  return new Map(rows.map((r) => [r.consultation_id, Number(r.n)]));
}

/** Comments not withdrawn and without a disposition, per consultation (what holds a ballot back). */
export async function undisposedCounts(db: Q, ids: number[]): Promise<Map<number, number>> {
  if (!ids.length) return new Map();
  const rows = (await db('comments').whereIn('consultation_id', ids).whereNull('withdrawn_at').whereNull('disposition').groupBy('consultation_id').select('consultation_id').count({ n: '*' })) as Array<{ consultation_id: number; n: number }>;
  return new Map(rows.map((r) => [Number(r.consultation_id), Number(r.n)]));
}

/** Non-withdrawn comments per clause key ('' for general comments). */
export async function countsByClause(db: Q, consultationId: number): Promise<Map<string, number>> {
  const rows = (await db('comments').where({ consultation_id: consultationId }).whereNull('withdrawn_at').groupBy('clause_key').select('clause_key').count({ n: '*' })) as Array<{ clause_key: string | null; n: number }>;
  return new Map(rows.map((r) => [r.clause_key ?? '', Number(r.n)]));
}

/**
 * Every field named, not a spread of the row: better-sqlite3's rows of this width are dictionary-mode
 * objects, and a spread of one cost 4.2 µs against 0.17 µs (1,000 rows; reading a row is ~5 µs) — the
 * matrix and its exports read every comment through here (see batch.ts storedComment).
 */
function toComment(r: Record<string, unknown>): CommentRow {
  const c = r as unknown as CommentRow;
  return {
    id: c.id, consultation_id: c.consultation_id, seq: c.seq, author_id: c.author_id, author_name: c.author_name, organisation: c.organisation, entered_by: c.entered_by,
    clause_key: c.clause_key, clause_ref: c.clause_ref, paragraph: c.paragraph, line_number: c.line_number, type: c.type, comment: c.comment, proposed_change: c.proposed_change,
    disposition: c.disposition, response: c.response, disposed_by: c.disposed_by, disposed_at: iso(r.disposed_at), withdrawn_at: iso(r.withdrawn_at),
    submitted_at: iso(r.submitted_at)!, updated_at: iso(r.updated_at), edited_at: iso(r.edited_at),
  };
}

export async function commentById(db: Q, id: number): Promise<CommentRow | null> {
  const r = await db('comments').where({ id }).first();
  return r ? toComment(r) : null;
}

/** The matrix's filters on a query of `comments as cm` (clause 4 takes 4.1, 4.1.2 …; text in any case). */
function applyFilter(q: Knex.QueryBuilder, f: MatrixFilter & { authorId?: number }): void {
  if (f.clause === 'general') q.whereNull('cm.clause_ref');
  else if (f.clause) q.where((w) => w.where('cm.clause_ref', f.clause!).orWhereRaw(`?? like ? escape '\\'`, ['cm.clause_ref', `${likeEscape(f.clause!)}.%`]));
  if (f.type) q.where('cm.type', f.type);
  if (f.organisation) q.where('cm.organisation', f.organisation);
  if (f.disposition === 'none') q.whereNull('cm.disposition');
  else if (f.disposition) q.where('cm.disposition', f.disposition);
  if (f.authorId) q.where((w) => w.where('cm.author_id', f.authorId!).orWhere('cm.entered_by', f.authorId!));
  if (f.text) {
    const pattern = `%${likeEscape(f.text.toLowerCase())}%`;
    q.where((w) => {
      for (const col of ['cm.comment', 'cm.proposed_change', 'cm.response']) w.orWhereRaw(`lower(??) like ? escape '\\'`, [col, pattern]);
    });
  }
}

/** A LIKE pattern's literal text: % _ and the escape character itself taken as they are. */
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function listComments(db: Q, consultationId: number, f: MatrixFilter & { authorId?: number } = {}): Promise<CommentRow[]> {
  const q = db('comments as cm').where('cm.consultation_id', consultationId).select('cm.*');
  applyFilter(q, f);
  return (await q.orderBy('cm.seq')).map(toComment);
}

/**
 * The SQL of a matrix order: the expression rows are sorted by before their receipt number. By clause is
 * the clause's place in the draft (general comments first), found through the draft's clauses.
 */
function sortExpression(db: Q, sort: MatrixSort): string | null {
  if (sort === 'reference') return null;
  if (sort === 'clause') return 'coalesce(cl.position, -1)';
  return sort === 'organisation' ? db.ref('cm.organisation').toQuery() : db.ref('cm.type').toQuery();
}

/**
 * One page of the matrix in `sort` order, after `after` (keyset: the rows after the last one shown, not an
 * offset), each row with the key the next cursor is made of. `limit` rows at most.
 */
export async function commentsPage(db: Q, c: { id: number; version_id: number }, f: MatrixFilter & { authorId?: number }, sort: MatrixSort, after: Keyset | null, limit: number): Promise<Array<CommentRow & { sort_key: string | number | null }>> {
  const q = db('comments as cm').where('cm.consultation_id', c.id);
  applyFilter(q, f);
  const expr = sortExpression(db, sort);
  if (!expr) {
    if (after) q.where('cm.seq', '>', after.seq);
    const rows = (await q.select('cm.*').orderBy('cm.seq').limit(limit)) as Array<Record<string, unknown>>;
    // The row itself is the comment with its key (no copy: the whole matrix is read this way, 20,000 rows).
    return rows.map((r) => Object.assign(toComment(r), { sort_key: null }));
  }
  if (sort === 'clause') q.leftJoin('clauses as cl', (j) => j.on('cl.key', '=', 'cm.clause_key').andOn('cl.version_id', '=', db.raw('?', [c.version_id])));
  if (after) q.where((w) => w.whereRaw(`${expr} > ?`, [after.key]).orWhere((w2) => w2.whereRaw(`${expr} = ?`, [after.key]).andWhere('cm.seq', '>', after.seq)));
  // The order is found on the ids alone (the whole rows would be sorted otherwise), then the page's rows read by id.
  const order = (await q.select('cm.id', db.raw(`${expr} as sort_key`)).orderByRaw(`${expr}, cm.seq`).limit(limit)) as Array<{ id: number; sort_key: string | number }>;
  if (!order.length) return [];
  const byId = new Map(((await db('comments').whereIn('id', order.map((o) => o.id))) as Array<Record<string, unknown>>).map((r) => [Number(r.id), r]));
  return order.map((o) => Object.assign(toComment(byId.get(Number(o.id))!), { sort_key: sort === 'clause' ? Number(o.sort_key) : o.sort_key }));
}

/**
 * The comments under the clause and text filters counted by type × organisation × disposition, in one
 * grouped query: the counts beside every other filter are sums of its cells (matrix.ts facetCounts).
 */
export async function commentCube(db: Q, consultationId: number, f: Pick<MatrixFilter, 'clause' | 'text'> & { authorId?: number }): Promise<CubeCell[]> {
  const q = db('comments as cm').where('cm.consultation_id', consultationId);
  applyFilter(q, { clause: f.clause, text: f.text, authorId: f.authorId });
  // In the order of the index comments_matrix_counts: read from it alone.
  const rows = (await q.groupBy('cm.organisation', 'cm.type', 'cm.disposition').select('cm.organisation', 'cm.type', 'cm.disposition').count({ n: '*' })) as Array<{ type: string; organisation: string; disposition: string | null; n: number | string }>;
  return rows.map((r) => ({ type: r.type, organisation: r.organisation, disposition: r.disposition, n: Number(r.n) }));
}

export async function organisationsOf(db: Q, consultationId: number): Promise<string[]> {
  const rows = (await db('comments').where({ consultation_id: consultationId }).distinct('organisation').orderBy('organisation')) as Array<{ organisation: string }>;
  return rows.map((r) => r.organisation);
}

/**
 * Holds the consultation's row until the transaction ends, on PostgreSQL, so that the processes
 * writing its comments take turns at max(seq) and its window: two would otherwise read the same
 * max(seq) and one would fail on the unique index. SQLite's write transaction is already the only one.
 */
export async function lockConsultation(trx: Knex.Transaction, consultationId: number): Promise<void> {
  if (!isSqlite(trx)) await trx('consultations').where({ id: consultationId }).forUpdate().first('id');
}

/**
 * Inserts comments with consecutive receipt numbers. Call inside a write transaction: on SQLite it
 * holds the only writer lock, so max(seq) cannot be read twice; on PostgreSQL the consultation's row is
 * locked first; the unique index (consultation_id, seq) backs both.
 */
export async function insertComments(trx: Knex.Transaction, consultationId: number, rows: NewComment[]): Promise<Array<{ id: number; seq: number }>> {
  await lockConsultation(trx, consultationId);
  const last = (await trx('comments').where({ consultation_id: consultationId }).max({ seq: 'seq' }).first()) as { seq: number | null } | undefined;
  let seq = Number(last?.seq ?? 0);
  const out: Array<{ id: number; seq: number }> = [];
  // One statement per chunk: a sheet of 5,000 rows is a handful of inserts, not 5,000.
  const withSeq = rows.map((r) => ({ ...r, seq: ++seq }));
  for (let i = 0; i < withSeq.length; i += 200) {
    const chunk = withSeq.slice(i, i + 200);
    const ids = (await trx('comments').insert(chunk).returning('id')) as Array<number | { id: number }>;
    ids.forEach((x, k) => out.push({ id: typeof x === 'object' ? x.id : x, seq: chunk[k]!.seq }));
  }
  return out;
}

/** Keeps the text a comment had before an edit (in the edit's transaction). */
export async function insertRevision(db: Q, c: CommentRow, by: number, at: string): Promise<void> {
  const { clause_key, clause_ref, paragraph, line_number, type, comment, proposed_change } = c;
  await db('comment_revisions').insert({ comment_id: c.id, clause_key, clause_ref, paragraph, line_number, type, comment, proposed_change, replaced_by: by, replaced_at: at });
}

/** A comment's earlier texts, oldest first. */
export async function revisionsOf(db: Q, commentId: number): Promise<CommentRevision[]> {
  const rows = (await db('comment_revisions').where({ comment_id: commentId }).orderBy('id')) as Array<Record<string, unknown>>;
  return rows.map((r) => ({ ...(r as unknown as CommentRevision), replaced_at: iso(r.replaced_at)! }));
}

export async function updateComment(db: Q, id: number, patch: Partial<Omit<CommentRow, 'id' | 'consultation_id' | 'seq'>>): Promise<void> {
  await db('comments').where({ id }).update(patch);
}

/**
 * The comment queue's statements on SQLite (consultations/writer.ts), prepared once per connection:
 * through the query builder each statement costs far more than SQLite takes to run it, and a batch
 * holds the single connection that every other request shares.
 */
interface CommentStatements {
  consultation: BetterSqlite3.Statement;
  maxSeq: BetterSqlite3.Statement;
  insertComment: BetterSqlite3.Statement;
}
const statementsOf = preparedPerConnection(
  (conn): CommentStatements => ({
    consultation: conn.prepare('select opens_at, closes_at, cancelled_at from consultations where id = ?'),
    maxSeq: conn.prepare('select max(seq) as seq from comments where consultation_id = ?'),
    insertComment: conn.prepare(
      'insert into comments (consultation_id, seq, author_id, author_name, organisation, entered_by, clause_key, clause_ref, paragraph, line_number, type, comment, proposed_change, submitted_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
  }),
);

/** A consultation's window, read on the connection of a synchronous SQLite transaction. */
export function consultationTimesSqlite(conn: BetterSqlite3.Database, id: number): ConsultationTimes | undefined {
  return statementsOf(conn).consultation.get(id) as ConsultationTimes | undefined;
}

/** insertComments on the connection of a synchronous SQLite transaction: the same receipt numbers. */
export function insertCommentsSqlite(conn: BetterSqlite3.Database, consultationId: number, rows: NewComment[], submittedAt: string): Array<{ id: number; seq: number }> {
  const s = statementsOf(conn);
  let seq = Number((s.maxSeq.get(consultationId) as { seq: number | null } | undefined)?.seq ?? 0);
  return rows.map((r) => {
    const n = ++seq;
    const id = s.insertComment.run(r.consultation_id, n, r.author_id, r.author_name, r.organisation, r.entered_by, r.clause_key, r.clause_ref, r.paragraph, r.line_number, r.type, r.comment, r.proposed_change, submittedAt).lastInsertRowid;
    return { id: Number(id), seq: n };
  });
}
