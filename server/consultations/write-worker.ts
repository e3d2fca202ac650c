/**
 * The comment queue's thread on SQLite (write-thread.ts): its own connection to the database file, set
 * up as the pool's (db.ts knexConfig: foreign keys, no busy wait in the driver, WAL, synchronous=FULL),
 * running each batch it is sent in one immediate transaction (batch.ts) and answering after the commit.
 * The commit's fsync blocks this thread only: the main thread goes on reading and checking the next
 * comments meanwhile, and they make the next batch (group commit, pipelined).
 */
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import { writeBatchSqlite, type BatchJob } from './batch.ts';

const { filename, key, from } = workerData as { filename: string; key: string | null; from: string };
// The driver as the app has it installed (this code runs from a bundle with no folder of its own: write-thread.ts).
const Database = createRequire(from)('better-sqlite3') as typeof BetterSqlite3;
const conn = new Database(filename);
conn.pragma('foreign_keys = ON');
// A lock held by another connection is reported at once: the main thread waits for it (db-busy.ts BusyWait).
conn.pragma('busy_timeout = 0');
conn.pragma('journal_mode = WAL');
conn.pragma('synchronous = FULL');

parentPort!.on('message', (m: { id: number; jobs: BatchJob[]; now: string }) => {
  try {
    const outcomes = conn.transaction(() => writeBatchSqlite(conn, m.jobs, new Date(m.now), key)).immediate();
    parentPort!.postMessage({ id: m.id, outcomes });
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    parentPort!.postMessage({ id: m.id, error: { code: typeof e.code === 'string' ? e.code : undefined, message: String(e.message ?? err) } });
  }
});
