import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';

/**
 * The audit record: append-only and hash-chained, so that a changed, removed or inserted row shows up
 * (npm run audit:verify). Later features (votes, closes, publications) append to the same chain.
 */
export interface AuditInput {
  actor_id: number | null;
  action: string;
  subject_type?: string | null;
  subject_id?: string | number | null;
  data?: Record<string, unknown>;
}

export interface AuditEvent {
  id: number;
  at: string;
  actor_id: number | null;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  data: string;
  prev_hash: string;
  hash: string;
}

export const GENESIS = '0'.repeat(64);

// Never in the record, whoever calls: a value under such a key would let someone act as a user.
const SECRET_KEY = /pass(word)?|token|cookie|secret|authorization|hash/i;

function scrub(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if (SECRET_KEY.test(k)) continue;
    out[k] = v && typeof v === 'object' && !Array.isArray(v) ? scrub(v as Record<string, unknown>) : v;
  }
  return out;
}

/** The hash of a row: every stored field in a fixed order, joined with the previous hash. */
export function hashOf(row: Omit<AuditEvent, 'id' | 'hash'>): string {
  const canonical = JSON.stringify([row.prev_hash, row.at, row.actor_id, row.action, row.subject_type, row.subject_id, row.data]);
  return crypto.createHash('sha256').update(canonical).digest('hex');
}

const isSqlite = (db: Knex): boolean => /sqlite/.test(String(db.client.config.client));

/**
 * Appends one event. Appends are serialised: the last hash is read and the row inserted in one
 * transaction. On SQLite a write transaction holds the only writer lock (and the pool has one
 * connection); on PostgreSQL two transactions could read the same last hash, so a transaction-level
 * advisory lock is taken first. Pass a transaction to record the event with the change it describes.
 */
export async function appendAudit(db: Knex | Knex.Transaction, clock: Clock, input: AuditInput, logger?: Logger): Promise<AuditEvent> {
  const run = async (trx: Knex.Transaction) => {
    if (!isSqlite(trx)) await trx.raw('select pg_advisory_xact_lock(hashtext(?))', ['audit_events']);
    const last = (await trx('audit_events').select('hash').orderBy('id', 'desc').first()) as { hash: string } | undefined;
    const row = {
      at: clock.now().toISOString(),
      actor_id: input.actor_id ?? null,
      action: input.action,
      subject_type: input.subject_type ?? null,
      subject_id: input.subject_id == null ? null : String(input.subject_id),
      data: JSON.stringify(scrub(input.data ?? {})),
      prev_hash: last?.hash ?? GENESIS,
    };
    const hash = hashOf(row);
    const [inserted] = await trx('audit_events').insert({ ...row, hash }).returning('id');
    const id = typeof inserted === 'object' ? (inserted as { id: number }).id : (inserted as number);
    return { id, ...row, hash };
  };
  const event = (db as Knex.Transaction).isTransaction ? await run(db as Knex.Transaction) : await (db as Knex).transaction(run);
  // The JSON log gets the same event (already scrubbed of secrets).
  logger?.info({ audit: { id: event.id, action: event.action, actor_id: event.actor_id, subject_type: event.subject_type, subject_id: event.subject_id, data: JSON.parse(event.data) } }, `audit: ${event.action}`);
  return event;
}

export interface ChainReport {
  ok: boolean;
  count: number;
  /** The first row that does not match, and why. */
  firstBad?: { id: number; reason: string };
}

/** Walks the chain in order and names the first row whose links or hash do not match. */
export async function verifyChain(db: Knex): Promise<ChainReport> {
  const rows = (await db('audit_events').select('*').orderBy('id')) as AuditEvent[];
  let prev = GENESIS;
  let count = 0;
  for (const r of rows) {
    const row = { ...r, actor_id: r.actor_id == null ? null : Number(r.actor_id), at: String(r.at) };
    if (row.prev_hash !== prev) return { ok: false, count, firstBad: { id: row.id, reason: 'prev_hash does not match the hash of the row before (a row was removed, inserted or reordered)' } };
    if (hashOf(row) !== row.hash) return { ok: false, count, firstBad: { id: row.id, reason: 'hash does not match the row contents (the row was changed)' } };
    prev = row.hash;
    count++;
  }
  return { ok: true, count };
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
