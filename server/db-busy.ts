import type { Knex } from 'knex';
import { ServiceUnavailable } from './errors.ts';

export const messages = {
  busy: 'The database is busy. Nothing was saved; please try again in a few seconds.',
  unreachable: 'The database cannot be reached just now. Nothing was saved; please try again in a few seconds.',
} as const;

// Node's socket errors when the database server is down, restarting or out of reach.
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * A database server that cannot be reached (PostgreSQL): refused or cut connections, the driver's
 * "Connection terminated", SQLSTATE class 08 (connection exception) and 57P01–57P03 (the server is
 * shutting down or starting), or no connection from the pool in time. The pool drops a broken
 * connection and makes new ones when asked, so the next request after the server is back succeeds.
 */
export function isUnreachableError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const { code, name, message } = err as { code?: unknown; name?: unknown; message?: unknown };
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || /^08...$/.test(code) || /^57P0[123]$/.test(code))) return true;
  if (name === 'KnexTimeoutError') return true;
  // Knex puts the statement before the driver's message.
  return /\bConnection terminated\b|\bClient has encountered a connection error\b|\bconnect ECONNREFUSED\b|\btimeout exceeded when trying to connect\b/.test(String(message ?? ''));
}

/**
 * SQLite's answers when another connection holds the write lock: SQLITE_BUSY, and SQLITE_BUSY_SNAPSHOT
 * when a transaction read before another one committed (the whole transaction must start again).
 */
export function isBusyError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) return true;
  return /\bdatabase is locked\b/.test(String((err as { message?: unknown }).message ?? ''));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Waits for a busy SQLite database without blocking the event loop. better-sqlite3 is synchronous:
 * its busy handler (busy_timeout) sleeps inside the call and every other request waits with it. So
 * connections run with busy_timeout = 0, and work that finds the database locked is run again from
 * here after an asynchronous back-off, until `waitMs` has passed; then 503 with Retry-After.
 * Only whole units are run again — a statement outside a transaction, a whole transaction — and the
 * connection goes back to the pool in between, so reads carry on while writes wait.
 */
export class BusyWait {
  /** units of work waiting for the lock now */
  waiting = 0;

  constructor(readonly waitMs: number) {}

  async run<T>(attempt: () => PromiseLike<T>): Promise<T> {
    const start = Date.now();
    let counted = false;
    try {
      for (let n = 0; ; n++) {
        try {
          return await attempt();
        } catch (err) {
          if (!isBusyError(err)) throw err;
          const left = start + this.waitMs - Date.now();
          if (left <= 0) throw this.unavailable();
          if (!counted) {
            counted = true;
            this.waiting++;
          }
          await sleep(Math.min(left, backoff(n)));
        }
      }
    } finally {
      if (counted) this.waiting--;
    }
  }

  /** Something is waiting for the lock now. */
  get busy(): boolean {
    return this.waiting > 0;
  }

  unavailable(): ServiceUnavailable {
    return new ServiceUnavailable(messages.busy, Math.max(1, Math.ceil(this.waitMs / 1000)));
  }
}

/** 2, 4, 8 … ms up to 100 ms, with jitter so that waiting writers do not all retry at once. */
export function backoff(attempt: number): number {
  const ceiling = Math.min(100, 2 ** (attempt + 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

type RunnerLike = { run(): Promise<unknown> };
type PatchableClient = Knex.Client & { runner(builder: unknown): RunnerLike; transacting?: boolean };

/**
 * Installs the retries on a SQLite knex instance, in its two entry points: a statement run on its
 * own (the query runner of the root client) and db.transaction(fn). A transaction's statements run
 * on a client Knex makes from the prototype, without this runner: a statement inside a transaction is
 * never run again alone, the transaction is (it was rolled back, so nothing of it is kept).
 */
export function retryWhenBusy(db: Knex, busy: BusyWait): void {
  const client = db.client as PatchableClient;
  const makeRunner = client.runner;
  client.runner = function (this: PatchableClient, builder: unknown) {
    const runner = makeRunner.call(this, builder);
    if (this.transacting) return runner;
    const first = runner.run.bind(runner);
    let tries = 0;
    runner.run = () => busy.run(() => (tries++ === 0 ? first() : makeRunner.call(this, builder).run()));
    return runner;
  };
  const context = (db as unknown as { context: { transaction: (...args: unknown[]) => PromiseLike<unknown> } }).context;
  const begin = context.transaction;
  context.transaction = function (this: unknown, container: unknown, config: unknown) {
    if (typeof container !== 'function') return begin.call(this, container, config);
    return busy.run(() => begin.call(this, container, config));
  };
}

interface RawConnection {
  exec(sql: string): unknown;
  inTransaction: boolean;
}

/**
 * Whether the write lock can be had right now, without waiting: BEGIN IMMEDIATE and ROLLBACK on the
 * pool's connection (so never against this process's own transactions).
 */
export async function writeLockFree(db: Knex): Promise<boolean> {
  const client = db.client as Knex.Client & { acquireConnection(): Promise<RawConnection>; releaseConnection(c: RawConnection): Promise<unknown> };
  const conn = await client.acquireConnection();
  try {
    conn.exec('BEGIN IMMEDIATE');
    conn.exec('ROLLBACK');
    return true;
  } catch (err) {
    if (isBusyError(err)) return false;
    throw err;
  } finally {
    if (conn.inTransaction) conn.exec('ROLLBACK');
    await client.releaseConnection(conn);
  }
}
