import type BetterSqlite3 from 'better-sqlite3';
import { linkRows, type LinkedRow, type NewRow, type Tail } from './chain.ts';
import { preparedPerConnection } from '../prepared.ts';

/**
 * The rows of the audit chain as every writer makes them: service.ts, the comment queue's batches on
 * SQLite (consultations/batch.ts) and on PostgreSQL (consultations/repo-pg.ts).
 */
export interface AuditInput {
  actor_id: number | null;
  action: string;
  subject_type?: string | null;
  subject_id?: string | number | null;
  data?: Record<string, unknown>;
}

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

/**
 * The rows to append for `events` at time `at` after the chain's `tail`, hashed with `key`: secrets
 * scrubbed from the data, linked and keyed. Every writer of the chain goes through it — appendAudit,
 * appendAuditEvents and appendAuditEventsSqlite (the comment queue's batches) — so that they all write
 * the same rows, hashes and chain, and none can store what the scrub keeps out.
 */
export function auditRows(at: string, events: AuditInput[], tail: Tail | undefined, key: string | null): LinkedRow[] {
  const rows: NewRow[] = events.map((e) => ({
    at,
    actor_id: e.actor_id ?? null,
    action: e.action,
    subject_type: e.subject_type ?? null,
    subject_id: e.subject_id == null ? null : String(e.subject_id),
    data: JSON.stringify(scrub(e.data ?? {})),
  }));
  return linkRows(tail, rows, key, at);
}

/** The tail as stored: `keyed` comes back as 0/1 from SQLite. */
export const toTail = (r: { hash: string; keyed: unknown } | undefined): Tail | undefined => (r ? { hash: r.hash, keyed: Boolean(r.keyed) } : undefined);

interface AuditStatements {
  tail: BetterSqlite3.Statement;
  insert: BetterSqlite3.Statement;
}
const statementsOf = preparedPerConnection(
  (conn): AuditStatements => ({
    tail: conn.prepare('select hash, keyed from audit_events order by id desc limit 1'),
    insert: conn.prepare('insert into audit_events (at, actor_id, action, subject_type, subject_id, data, prev_hash, hash, keyed) values (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
  }),
);

/**
 * Appends `events` on a SQLite connection held in a synchronous write transaction of the caller's (the
 * comment queue's group commit): the same rows, hashes and chain as appendAuditEvents, with prepared
 * statements. The caller's immediate transaction holds the writer lock, so the tail cannot move meanwhile.
 */
export function appendAuditRowsSqlite(conn: BetterSqlite3.Database, key: string | null, at: string, events: AuditInput[]): void {
  if (!events.length) return;
  const s = statementsOf(conn);
  const rows = auditRows(at, events, toTail(s.tail.get() as { hash: string; keyed: number } | undefined), key);
  // better-sqlite3 binds no booleans; positional parameters spare it reading an object's keys.
  for (const r of rows) s.insert.run(r.at, r.actor_id, r.action, r.subject_type, r.subject_id, r.data, r.prev_hash, r.hash, r.keyed ? 1 : 0);
}
