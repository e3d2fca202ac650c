import type { Knex } from 'knex';
import type BetterSqlite3 from 'better-sqlite3';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import { linkRows, verifyRows, type ChainReport, type ChainRow, type Head, type LinkedRow, type Tail } from './chain.ts';
import { auditKeyOf } from './key.ts';
import { describeAudit, type AuditLine } from './display.ts';
import { namesFor } from './repo.ts';
import { isSqlite } from '../db.ts';
import { appendAuditRowsSqlite, auditRows, toTail, type AuditInput } from './rows.ts';

export type { AuditInput } from './rows.ts';

export { GENESIS, hashOf, type ChainReport, type Head } from './chain.ts';

/**
 * The audit record: append-only and hash-chained, so that a changed, removed or inserted row shows up
 * (npm run audit:verify); keyed with AUDIT_KEY so that it cannot be recomputed without the key, and
 * anchored by the heads printed at each publication (chain.ts). Votes, closes and publications append
 * to the same chain.
 */
export type AuditEvent = ChainRow;

async function lockedTail(trx: Knex.Transaction): Promise<Tail | undefined> {
  if (!isSqlite(trx)) await trx.raw('select pg_advisory_xact_lock(hashtext(?))', ['audit_events']);
  return toTail(await trx('audit_events').select('hash', 'keyed').orderBy('id', 'desc').first());
}

async function insertRows(trx: Knex.Transaction, rows: LinkedRow[]): Promise<AuditEvent[]> {
  const out: AuditEvent[] = [];
  for (const row of rows) {
    const [inserted] = await trx('audit_events').insert(row).returning('id');
    out.push({ id: typeof inserted === 'object' ? (inserted as { id: number }).id : (inserted as number), ...row });
  }
  return out;
}

const inTransaction = <T>(db: Knex | Knex.Transaction, run: (trx: Knex.Transaction) => Promise<T>): Promise<T> =>
  (db as Knex.Transaction).isTransaction ? run(db as Knex.Transaction) : (db as Knex).transaction(run);

/**
 * Appends one event. Appends are serialised: the last hash is read and the row inserted in one
 * transaction. On SQLite a write transaction holds the only writer lock (and the pool has one
 * connection); on PostgreSQL two transactions could read the same last hash, so a transaction-level
 * advisory lock is taken first. Pass a transaction to record the event with the change it describes.
 * Rows are keyed with the database handle's audit key (server/audit/key.ts).
 */
export async function appendAudit(db: Knex | Knex.Transaction, clock: Clock, input: AuditInput, logger?: Logger): Promise<AuditEvent> {
  const event = await inTransaction(db, async (trx) => {
    const rows = auditRows(clock.now().toISOString(), [input], await lockedTail(trx), auditKeyOf(trx));
    return (await insertRows(trx, rows)).at(-1)!;
  });
  // The JSON log gets the same event (already scrubbed of secrets).
  logger?.info({ audit: { id: event.id, action: event.action, actor_id: event.actor_id, subject_type: event.subject_type, subject_id: event.subject_id, data: JSON.parse(event.data) } }, `audit: ${event.action}`);
  return event;
}

/**
 * Appends several events inside the caller's transaction with a few statements: the same rows, hashes
 * and chain as appendAudit() called once per event.
 */
export async function appendAuditEvents(trx: Knex.Transaction, clock: Clock, events: AuditInput[]): Promise<void> {
  if (!events.length) return;
  const rows = auditRows(clock.now().toISOString(), events, await lockedTail(trx), auditKeyOf(trx));
  for (let i = 0; i < rows.length; i += 100) await trx('audit_events').insert(rows.slice(i, i + 100));
}

/**
 * appendAuditEvents for a caller that holds a SQLite connection in a synchronous transaction of its own
 * (the comment queue's group commit, consultations/writer.ts): the same rows, hashes and chain, written
 * with prepared statements. `db` is the handle the connection came from; it carries the audit key. The
 * caller's immediate transaction holds the writer lock, so the tail cannot move meanwhile.
 */
export function appendAuditEventsSqlite(conn: BetterSqlite3.Database, db: Knex, clock: Clock, events: AuditInput[]): void {
  appendAuditRowsSqlite(conn, auditKeyOf(db), clock.now().toISOString(), events);
}

/**
 * At start with a key: records where keying began (the "keying began" event) if the chain has not
 * begun yet, so that the chain is keyed before anything else is written and a verifier holding the
 * key can insist on it. Returns whether it wrote the event.
 */
export async function beginKeying(db: Knex, clock: Clock): Promise<boolean> {
  const key = auditKeyOf(db);
  if (!key) return false;
  return db.transaction(async (trx) => {
    const tail = await lockedTail(trx);
    if (tail?.keyed) return false;
    await insertRows(trx, linkRows(tail, [], key, clock.now().toISOString()));
    return true;
  });
}

/** The chain's head: its number of rows and the last hash (what a publication prints, for copies outside the database). */
export async function chainHead(db: Knex | Knex.Transaction): Promise<Head | null> {
  const last = (await db('audit_events').select('hash').orderBy('id', 'desc').first()) as { hash: string } | undefined;
  if (!last) return null;
  const { n } = (await db('audit_events').count({ n: '*' }).first()) as { n: number | string };
  return { count: Number(n), hash: last.hash };
}

const toRow = (r: Record<string, unknown>): AuditEvent =>
  ({ ...r, actor_id: r.actor_id == null ? null : Number(r.actor_id), at: String(r.at), keyed: Boolean(r.keyed) }) as AuditEvent;

/**
 * Checks the chain (chain.ts verifyRows) with the database handle's audit key unless one is given, and
 * against known heads: a head's row must have its hash, and a chain with fewer rows than a head was
 * cut short.
 */
export async function verifyChain(db: Knex, opts: { key?: string | null; heads?: Head[] } = {}): Promise<ChainReport> {
  const rows = (await db('audit_events').select('*').orderBy('id')) as Record<string, unknown>[];
  return verifyRows(rows.map(toRow), { key: opts.key === undefined ? auditKeyOf(db) : opts.key, heads: opts.heads });
}

/** Newest first, for the secretariat's audit page and a user's own history. */
export async function listAudit(db: Knex, opts: { actorOrSubjectUser?: number; limit?: number } = {}) {
  const q = db('audit_events').select('*').orderBy('id', 'desc').limit(opts.limit ?? 200);
  if (opts.actorOrSubjectUser != null) {
    const id = opts.actorOrSubjectUser;
    q.where((w) => w.where('actor_id', id).orWhere((x) => x.where('subject_type', 'user').andWhere('subject_id', String(id))));
  }
  return (await q) as AuditEvent[];
}

/** Audit rows as people read them (issue 11 item 11): names from the users table now, public version names. */
export async function readableAudit(db: Knex, events: AuditEvent[]): Promise<AuditLine[]> {
  const inputs = events.map((e) => ({ ...e, data: dataOf(e.data) }));
  return describeAudit(inputs, await namesFor(db, inputs));
}

function dataOf(data: unknown): Record<string, unknown> {
  if (data && typeof data === 'object') return data as Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(String(data ?? '{}'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { data: parsed };
  } catch {
    return { data: String(data) };
  }
}
