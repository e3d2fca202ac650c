import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BatchJob, BatchOutcome } from './batch.ts';

/** How long the thread stays without work before it is ended (it starts again with the next comment). */
const IDLE_MS = 10_000;

type Pending = { resolve: (o: BatchOutcome[]) => void; reject: (e: unknown) => void };

/**
 * The main thread's side of the comment queue's thread (write-worker.ts): a batch is sent, and its
 * outcomes come back once committed. Started with the first batch and ended after IDLE_MS without one;
 * it keeps the process alive only while a batch is in it. An error of the thread (its SQLite error,
 * with its code, so that a busy database is waited for as any other) rejects the batch: nothing of it
 * was committed.
 */
export class WriteThread {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private next = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly filename: string,
    private readonly key: string | null,
  ) {}

  run(jobs: BatchJob[], now: Date): Promise<BatchOutcome[]> {
    const worker = this.worker ?? this.start();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    worker.ref();
    return new Promise((resolve, reject) => {
      const id = ++this.next;
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, jobs, now: now.toISOString() });
    });
  }

  /** Ends the thread now (nothing may be in it). */
  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  private start(): Worker {
    const worker = new Worker(workerCode(), {
      eval: true,
      workerData: { filename: this.filename, key: this.key, from: fileURLToPath(import.meta.url) },
      // A young generation as the app's (package.json --max-semi-space-size=8): a batch's garbage is collected in one go.
      resourceLimits: { maxYoungGenerationSizeMb: 24 },
    });
    this.worker = worker;
    worker.on('message', (m: { id: number; outcomes?: BatchOutcome[]; error?: { code?: string; message: string } }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error) p.reject(Object.assign(new Error(m.error.message), { code: m.error.code }));
      else p.resolve(m.outcomes!);
      if (!this.pending.size) this.rest(worker);
    });
    const gone = (err: unknown) => {
      if (this.worker === worker) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', gone);
    worker.on('exit', (code) => gone(new Error(`the comment writer's thread ended (${code})`)));
    return worker;
  }

  private rest(worker: Worker): void {
    worker.unref();
    this.idleTimer = setTimeout(() => {
      if (this.worker === worker && !this.pending.size) void this.close();
    }, IDLE_MS);
    this.idleTimer.unref();
  }
}

let code: string | undefined;
/**
 * The thread's code: write-worker.ts and the few modules it imports (no Knex, no Express) bundled into
 * one CommonJS script by the esbuild that tsx runs the app with, once per process — a thread that
 * registers tsx's loader itself takes ~1 s of CPU to start (measured), a plain one ~0.1 s.
 * better-sqlite3 is required by the thread from the app's folder (workerData.from).
 */
function workerCode(): string {
  if (code) return code;
  const tsxPkg = createRequire(import.meta.url).resolve('tsx/package.json');
  const esbuild = createRequire(tsxPkg)('esbuild') as typeof import('esbuild');
  const built = esbuild.buildSync({
    entryPoints: [fileURLToPath(new URL('./write-worker.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
    external: ['better-sqlite3'],
  });
  return (code = built.outputFiles[0]!.text);
}
