import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BatchJob, BatchOutcome } from './batch.ts';

type Reply = { id: number; outcomes: BatchOutcome[] } | { id: number; error: { code?: string; message: string } };

/**
 * The thread that commits the comment queue's batches on a SQLite file (sqlite-commit-worker.ts): one
 * batch at a time, in the order they are sent. The thread keeps the process alive only while a batch is
 * being committed (unref when idle), and close() ends it with its connection.
 */
export class SqliteCommitThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (o: BatchOutcome[]) => void; reject: (e: unknown) => void }>();
  private next = 1;
  private closed: Promise<void> | null = null;
  private failure: Error | null = null;

  constructor(filename: string) {
    this.worker = new Worker(workerUrl(), { workerData: { filename: path.resolve(filename) } });
    this.worker.unref();
    this.worker.on('message', (m: Reply | { ready: true }) => {
      if (!('id' in m)) return;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (!this.pending.size) this.worker.unref();
      if ('outcomes' in m) p.resolve(m.outcomes);
      else p.reject(Object.assign(new Error(m.error.message), m.error.code ? { code: m.error.code } : {}));
    });
    const fail = (err: Error) => {
      this.failure = err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the SQLite commit thread stopped (exit code ${code})`)));
  }

  /** Commits `jobs` at `at` in one immediate transaction of the thread's connection; the outcomes in the order of the jobs. */
  commit(jobs: BatchJob[], at: Date, key: string | null): Promise<BatchOutcome[]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      // Only the fields a batch writes: the jobs may carry more (the queue's callbacks).
      this.worker.postMessage({ type: 'batch', id, at: at.toISOString(), key, jobs: jobs.map((j) => ({ row: j.row, actor: j.actor })) });
    });
  }

  /** Ends the thread once the batches sent are committed; its connection is closed. */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = new Promise<void>((resolve) => {
        if (this.failure) return resolve();
        this.worker.once('exit', () => resolve());
        this.worker.postMessage({ type: 'close' });
      });
    }
    return this.closed;
  }
}

let url: URL | undefined;
/** The worker's entry through tsx's loader registered in the thread, as for the XLSX thread (xlsx-thread.ts). */
function workerUrl(): URL {
  if (url) return url;
  const pkg = createRequire(import.meta.url).resolve('tsx/package.json');
  const api = (JSON.parse(readFileSync(pkg, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api']!.import.default;
  const tsx = pathToFileURL(path.join(path.dirname(pkg), api)).href;
  const entry = new URL('./sqlite-commit-worker.ts', import.meta.url).href;
  const boot = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(entry)});`;
  return (url = new URL(`data:text/javascript,${encodeURIComponent(boot)}`));
}
