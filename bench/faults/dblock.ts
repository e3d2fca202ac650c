/**
 * Fault "a locked database freezes everything" (issue "Hardening", item 2): our app in a child process
 * (production settings, DB_BUSY_WAIT_MS 5000), and a second process holding SQLite's write lock for 2 s
 * and then for 7 s (test/helpers/hold-lock.ts). Meanwhile a comment is posted every 250 ms and /healthz
 * asked every 100 ms. Printed: the longest event-loop delay in the server during the lock (measured
 * there with perf_hooks.monitorEventLoopDelay, reported over IPC), the statuses of the writes, the
 * /healthz latencies, and /readyz during the lock. Then every 201 must be a row.
 *
 *   node --import tsx bench/faults/dblock.ts          (npm run bench -- faults)
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pino from 'pino';
import { createDb } from '../../server/db.ts';
import { systemClock } from '../../server/clock.ts';
import { loadConfig } from '../../server/config.ts';
import { createHandler } from '../../server/app.ts';
import { createLogger } from '../../server/logger.ts';
import { PageCache } from '../../server/http/page-cache.ts';
import { buildId } from '../../server/http/views.ts';
import { createHttpServer } from '../../server/http/server.ts';
import { loadStandards } from '../../server/standards/loader.ts';
import { hashPassword } from '../../server/accounts/passwords.ts';
import { insertUser } from '../../server/accounts/repo.ts';
import { holdLock } from '../../test/helpers/hold-lock.ts';

const here = import.meta.dirname;
const self = fileURLToPath(import.meta.url);
const PASSWORD = 'bench password that is long enough';
const TARGET_MS = 50;

interface Answer {
  status: number;
  body: string;
  ms: number;
}
function call(port: number, method: string, p: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: p, agent: false, headers: { ...(body ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } : {}), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString(), ms: performance.now() - t0 }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function prepare(url: string): Promise<{ cid: number; email: string }> {
  const db = createDb(url);
  await db.migrate.latest();
  await loadStandards(db, systemClock, path.join(here, '..', '..', 'standards'));
  const v = await db('versions as v').join('standards as s', 's.id', 'v.standard_id').where({ 's.ref': '07.11', 'v.state': 'draft' }).orderBy('v.n', 'desc').first('v.id');
  await db('consultations').where({ version_id: v.id }).del();
  const now = Date.now();
  const [ins] = await db('consultations').insert({ version_id: v.id, opens_at: new Date(now - 86_400_000).toISOString(), closes_at: new Date(now + 30 * 86_400_000).toISOString(), instructions: 'bench', created_at: new Date(now).toISOString() }).returning('id');
  const email = 'bench@example.org';
  await insertUser(db, { email, name: 'Bench Stakeholder', organisation: 'Bench NGO', role: 'stakeholder', password_hash: await hashPassword(PASSWORD), email_verified_at: new Date(now).toISOString(), disabled_at: null, created_at: new Date(now).toISOString() });
  await db.raw('PRAGMA wal_checkpoint(TRUNCATE)');
  await db.destroy();
  return { cid: typeof ins === 'object' ? ins.id : ins, email };
}

function start(url: string, syncWait: boolean): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(self, ['--serve', url, ...(syncWait ? ['--sync-wait'] : [])], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m: { port: number }) => resolve({ child, port: m.port }));
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
}

/** Asks the server child for something over IPC and waits for its answer. */
function ask<T>(child: ChildProcess, what: 'reset' | 'delay'): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: { [k: string]: unknown }) => {
      if (what in m) {
        child.off('message', on);
        resolve(m[what] as T);
      }
    };
    child.on('message', on);
    child.send(what);
  });
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

interface Server {
  child: ChildProcess;
  port: number;
  comment(): Promise<Answer>;
}

/** A server child on the database, signed in with a token; `syncWait`: the driver's busy wait, as before the fix. */
async function server(url: string, cid: number, email: string, syncWait: boolean): Promise<Server> {
  const { child, port } = await start(url, syncWait);
  const tok = await call(port, 'POST', '/api/v1/tokens', JSON.stringify({ email, password: PASSWORD, name: 'bench' }));
  if (tok.status !== 201) throw new Error(`POST /api/v1/tokens answered ${tok.status}: ${tok.body}`);
  const auth = { Authorization: `Bearer ${JSON.parse(tok.body).token}` };
  let n = 0;
  const comment = () => call(port, 'POST', `/api/v1/consultations/${cid}/comments`, JSON.stringify({ clause: '4.1', type: 'technical', comment: `Bench comment ${++n} during a lock.` }), auth);
  for (let i = 0; i < 5; i++) if ((await comment()).status !== 201) throw new Error('warm-up comment refused');
  return { child, port, comment };
}

interface Phase {
  delay: { max: number; p99: number };
  statuses: Record<number, number>;
  created: number;
  line: string;
}

/** holdMs 0: the same traffic for 2 s with no lock. Otherwise from the moment the lock is held until it is let go. */
async function phase(srv: Server, file: string, holdMs: number): Promise<Phase> {
  const lock = holdMs ? await holdLock(file, holdMs) : null;
  await ask(srv.child, 'reset');
  const writes: Array<Promise<Answer>> = [];
  const health: Array<Promise<Answer>> = [];
  let ready = null as Promise<Answer> | null;
  const writer = setInterval(() => writes.push(srv.comment()), 250);
  const prober = setInterval(() => health.push(call(srv.port, 'GET', '/healthz')), 100);
  const readyTimer = setTimeout(() => (ready = call(srv.port, 'GET', '/readyz')), 1000);
  writes.push(srv.comment());
  await (lock ? lock.released : new Promise((r) => setTimeout(r, 2000)));
  clearInterval(writer);
  clearInterval(prober);
  clearTimeout(readyTimer);
  const delay = await ask<{ max: number; p99: number }>(srv.child, 'delay');
  const answers = await Promise.all(writes);
  const healthMs = (await Promise.all(health)).map((a) => a.ms);
  const readyz = ready ? await ready : null;
  const statuses: Record<number, number> = {};
  for (const a of answers) statuses[a.status] = (statuses[a.status] ?? 0) + 1;
  const line =
    `event-loop delay max ${delay.max.toFixed(1)} ms, p99 ${delay.p99.toFixed(1)} ms` +
    ` · writes ${Object.entries(statuses).map(([s, c]) => `${s}×${c}`).join(' ')}` +
    ` · /healthz p50 ${quantile(healthMs, 0.5).toFixed(1)} ms, max ${Math.max(...healthMs).toFixed(1)} ms (${healthMs.length} answered)` +
    ` · /readyz ${readyz?.status ?? 'not asked'}`;
  return { delay, statuses, created: statuses[201] ?? 0, line };
}

export async function run(): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imas-bench-dblock-'));
  const file = path.join(dir, 'bench.sqlite3');
  const url = `sqlite:${file}`;
  const { cid, email } = await prepare(url);
  const out: string[] = ['dblock: another process holds the SQLite write lock; a comment is posted every 250 ms and /healthz asked every 100 ms; DB_BUSY_WAIT_MS 5000'];
  let created = 0;
  const ours = await server(url, cid, email, false);
  try {
    created += 5;
    // On a busy machine the scheduler alone delays the loop: the same traffic with no lock, for scale.
    const base = await phase(ours, file, 0);
    created += base.created;
    out.push(`dblock: no lock, 2 s (baseline): ${base.line}`);
    for (const holdMs of [2000, 7000]) {
      const p = await phase(ours, file, holdMs);
      created += p.created;
      const good = p.delay.max <= TARGET_MS && !Object.keys(p.statuses).some((s) => Number(s) >= 500 && Number(s) !== 503);
      out.push(`dblock: lock held ${holdMs / 1000} s: ${p.line} (target: loop delay max ≤ ${TARGET_MS} ms, no 500) ${good ? 'ok' : 'MISSED'}`);
    }
  } finally {
    ours.child.kill('SIGINT');
  }
  // Before the fix: the driver's busy_timeout of 5 s, waiting inside the synchronous call.
  const before = await server(url, cid, email, true);
  try {
    created += 5;
    const p = await phase(before, file, 2000);
    created += p.created;
    out.push(`dblock: before the fix (busy_timeout 5000 in the driver), lock held 2 s: ${p.line}`);
  } finally {
    before.child.kill('SIGINT');
  }
  const db = createDb(url);
  const rows = Number(((await db('comments').where({ consultation_id: cid }).count({ n: '*' }).first()) as { n: number }).n);
  await db.destroy();
  out.push(`dblock: comments stored ${rows}, answered 201 ${created} ${rows === created ? 'ok' : 'LOST OR DUPLICATED'} · machine load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`);
  setTimeout(() => fs.rmSync(dir, { recursive: true, force: true }), 500).unref();
  return out;
}

/** The server child: our app as in production, and the event-loop delay measured where it runs. */
async function serve(url: string, syncWait: boolean): Promise<void> {
  const config = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), AUDIT_KEY: 'k'.repeat(40), LOG_LEVEL: 'silent' });
  const db = createDb(url, { busyWaitMs: config.dbBusyWaitMs, auditKey: config.auditKey });
  // The pool's one connection is kept: this sets it as it was before the fix.
  if (syncWait) await db.raw('PRAGMA busy_timeout = 5000');
  const logger = createLogger('info', pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 }));
  const { handler } = createHandler({ db, clock: systemClock, config, logger, pageCache: new PageCache(buildId()) });
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  process.on('message', (m) => {
    if (m === 'reset') {
      delay.reset();
      process.send!({ reset: true });
    } else if (m === 'delay') {
      process.send!({ delay: { max: delay.max / 1e6, p99: delay.percentile(99) / 1e6 } });
    }
  });
  const server = createHttpServer(handler, config.http).listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }));
  process.on('disconnect', () => process.exit(0));
  process.on('SIGINT', () => process.exit(0));
}

if (process.argv[1] === self) {
  if (process.argv[2] === '--serve') await serve(process.argv[3]!, process.argv.includes('--sync-wait'));
  else for (const line of await run()) console.log(line);
}
