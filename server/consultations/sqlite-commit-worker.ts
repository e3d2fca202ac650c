/**
 * The comment queue's commits on a SQLite file, in a thread of their own (sqlite-commit-thread.ts starts
 * it): the thread owns a second connection to the database file, with the pragmas of server/db.ts (WAL,
 * synchronous=FULL, foreign keys, busy_timeout 0), and commits one batch per immediate transaction with
 * writeBatchSqlite — the same statements, receipt numbers and audit rows as on the main thread. While it
 * commits (inserts, hashes, fsync), the main thread goes on reading requests and gathering the next
 * batch. The outcomes go back as data; a busy database comes back as an error with SQLite's code, and
 * the main thread waits and sends the batch again (db-busy.ts), as for another process.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { writeBatchSqlite, type BatchJob } from './batch.ts';

type FromMain = { type: 'batch'; id: number; jobs: BatchJob[]; at: string; key: string | null } | { type: 'close' };

const port = parentPort!;
const conn = new Database((workerData as { filename: string }).filename);
conn.pragma('foreign_keys = ON');
conn.pragma('busy_timeout = 0');
conn.pragma('journal_mode = WAL');
conn.pragma('synchronous = FULL');

port.on('message', (m: FromMain) => {
  if (m.type === 'close') {
    conn.close();
    port.close();
    return;
  }
  try {
    const outcomes = conn.transaction(() => writeBatchSqlite(conn, m.jobs, new Date(m.at), m.key)).immediate();
    port.postMessage({ id: m.id, outcomes });
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    port.postMessage({ id: m.id, error: { code: typeof e.code === 'string' ? e.code : undefined, message: String(e.message ?? err) } });
  }
});
port.postMessage({ ready: true });
