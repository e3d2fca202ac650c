/**
 * A/B of the signed-in current-edition page between checkouts, on PostgreSQL (or SQLite with
 * AB_SQLITE=1): each checkout's bench/serve-app.ts (npm start's heap flags) on a database of its own,
 * driven in alternating slices by the bench's load client at 50 connections; per slice the throughput,
 * the latency percentiles, the CPU the app process and the PostgreSQL server spent per request.
 *   node --import tsx bench/ab-signedin.ts [other checkout…] [--rounds=N] [--seconds=S]   (this checkout last)
 * A checkout given as `dir#NAME=value,…` runs with those environment variables. AB_TRACE=1: after each
 * slice, ask each server for a 'trace-dump' message (local instrumentation of a server that answers
 * it, printed as given; none is committed) after a 'trace-reset' before the slice. Not part of `npm run bench`.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../server/db.ts';
import { databaseUrl, startPostgres } from '../test/helpers/postgres.ts';
import { prepare } from './databases.ts';
import { cpuOf, pgServerCpu } from './lib/proc.ts';
import { signInCookie } from './lib/signin.ts';
import { drive } from './lib/load.ts';
import { startChild, startFlags } from './lib/child.ts';

const here = import.meta.dirname;
const args = process.argv.slice(2);
const opt = (n: string, d: number) => Number(args.find((a) => a.startsWith(`--${n}=`))?.split('=')[1] ?? d);
const rounds = opt('rounds', 4);
const seconds = opt('seconds', 3);
const checkouts = [...args.filter((a) => !a.startsWith('--')), path.dirname(here)];

// a checkout as `dir#NAME=value,NAME=value`: its server with those environment variables
function start(spec: string, dbUrl: string): Promise<{ child: ChildProcess; port: number }> {
  const [dir, vars] = spec.split('#') as [string, string | undefined];
  const env = { ...process.env, ...Object.fromEntries((vars ?? '').split(',').filter(Boolean).map((v) => v.split('='))) };
  return startChild('serve-app.ts', [dbUrl], startFlags(), { checkout: dir, env });
}


const sqlite = !!process.env.AB_SQLITE;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imas-ab-si-'));
const pg = sqlite ? null : await startPostgres();
let postmaster = 0;
const urls: string[] = [];
for (let i = 0; i < checkouts.length; i++) {
  if (pg) {
    const admin = createDb(pg.url);
    await admin.raw(`create database ab_${i}`);
    await admin.destroy();
    urls.push(databaseUrl(pg.url, `ab_${i}`));
  } else urls.push(`sqlite:${path.join(dir, `${i}.sqlite3`)}`);
}
if (pg) {
  const admin = createDb(pg.url);
  const dataDir = ((await admin.raw('show data_directory')) as { rows: Array<{ data_directory: string }> }).rows[0]!.data_directory;
  await admin.destroy();
  postmaster = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
}
const preps: Awaited<ReturnType<typeof prepare>>[] = [];
for (const u of urls) {
  const db = createDb(u, { auditKey: 'k'.repeat(40) });
  preps.push(await prepare(db));
  await db.destroy();
}
const servers: Array<{ child: ChildProcess; port: number }> = [];
for (let i = 0; i < checkouts.length; i++) servers.push(await start(checkouts[i]!, urls[i]!));
const cookies: string[] = [];
for (let i = 0; i < servers.length; i++) cookies.push(await signInCookie(servers[i]!.port, preps[i]!.reader.email, preps[i]!.reader.password));
const trace = (k: number, cmd: string) => new Promise<string>((resolve) => {
  const c = servers[k]!.child;
  if (!process.env.AB_TRACE) return resolve('');
  if (cmd === 'trace-reset') { c.send({ cmd }); return resolve(''); }
  const t = setTimeout(() => resolve(''), 500);
  c.once('message', (m: { trace?: string }) => { clearTimeout(t); resolve(m.trace ?? ''); });
  c.send({ cmd });
});
const pct = (a: number[], p: number) => a[Math.min(a.length - 1, Math.floor(a.length * p))] ?? NaN;
const all: number[][] = checkouts.map(() => []);
const tot = checkouts.map(() => ({ n: 0, s: 0, cpu: 0, pg: 0 }));
for (let r = 0; r <= rounds; r++) {
  const order = checkouts.map((_, i) => i);
  if (r % 2) order.reverse();
  for (const k of order) {
    const s = servers[k]!;
    const secs = r === 0 ? 1 : seconds;
    await trace(k, 'trace-reset');
    const c0 = cpuOf(s.child.pid);
    const p0 = postmaster ? pgServerCpu(postmaster) : 0;
    const d = await drive({ port: s.port, path: '/standards/99.01', headers: { 'Accept-Encoding': 'gzip', Cookie: cookies[k]! }, connections: 50, seconds: secs });
    if (Object.keys(d.statuses).some((st) => st !== '200')) throw new Error(`statuses ${JSON.stringify(d.statuses)}`);
    const lat = d.latencies;
    const cpu = cpuOf(s.child.pid) - c0;
    const pgUs = postmaster ? pgServerCpu(postmaster) - p0 : 0;
    const tr = await trace(k, 'trace-dump');
    if (r === 0) continue;
    all[k]!.push(...lat);
    Object.assign(tot[k]!, { n: tot[k]!.n + lat.length, s: tot[k]!.s + secs, cpu: tot[k]!.cpu + cpu, pg: tot[k]!.pg + pgUs });
    lat.sort((a, b) => a - b);
    console.log(`round ${r} [${k}] ${checkouts[k]}: ${(lat.length / secs).toFixed(0)}/s p50 ${pct(lat, 0.5).toFixed(1)} p90 ${pct(lat, 0.9).toFixed(1)} p99 ${pct(lat, 0.99).toFixed(1)} max ${lat[lat.length - 1]!.toFixed(1)} ms · app ${(cpu / lat.length).toFixed(0)} µs/req, PostgreSQL ${(pgUs / lat.length).toFixed(0)} µs/req · load ${os.loadavg()[0]!.toFixed(2)}`);
    if (tr) console.log(tr.replace(/^/gm, '    '));
  }
}
for (let k = 0; k < checkouts.length; k++) {
  const a = all[k]!.sort((x, y) => x - y);
  console.log(`[${k}] ${checkouts[k]}: ${(tot[k]!.n / tot[k]!.s).toFixed(0)}/s p50 ${pct(a, 0.5).toFixed(1)} p90 ${pct(a, 0.9).toFixed(1)} p99 ${pct(a, 0.99).toFixed(1)} ms · app ${(tot[k]!.cpu / tot[k]!.n).toFixed(0)} µs/req, PostgreSQL ${(tot[k]!.pg / tot[k]!.n).toFixed(0)} µs/req`);
}
for (const s of servers) s.child.kill('SIGINT');
await new Promise((r) => setTimeout(r, 500));
await pg?.stop();
fs.rmSync(dir, { recursive: true, force: true });
