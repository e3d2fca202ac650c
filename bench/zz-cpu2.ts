/**
 * CPU time per request, ours beside the bare server sending the same bytes (issue 17): less sensitive
 * to a shared machine than throughput. Our app (bench/serve-app.ts with npm start's heap flags) and a
 * bare copy of each answer (bench/serve-bare.ts) in processes of their own, each driven in turn by the
 * bench's load client; the CPU (user + system, /proc/<pid>/stat) each server process spent, divided by
 * the requests it answered. Also the app's peak resident memory.
 *
 *   node --import tsx bench/cpu.ts [sqlite|postgres] [304 signed-in …]    BENCH_SECONDS (default 4)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../server/db.ts';
import { databaseUrl, startPostgres } from '../test/helpers/postgres.ts';
import { prepare } from './databases.ts';
import { load, type LoadOptions } from './lib/load.ts';
import { cpuOf } from './lib/proc.ts';
import { getGzip, startChild, startFlags } from './lib/child.ts';
import { signInCookie } from './lib/signin.ts';

const AUDIT_KEY = 'k'.repeat(40);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

async function measured(pid: number, opts: LoadOptions) {
  await load({ ...opts, seconds: 1 });
  const before = cpuOf(pid); const bm = cpuOf(pid, true);
  const r = await load(opts);
  const cpu = cpuOf(pid) - before; const main = cpuOf(pid, true) - bm;
  console.log(`  ${pid}: ${(cpu / r.requests).toFixed(1)} µs, main ${(main / r.requests).toFixed(1)} µs, ${r.perSecond.toFixed(0)}/s`);
  return { ...r, usPerRequest: cpu / r.requests };
}

async function bench(name: string, url: string, kinds: string[]): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imas-bench-cpu-'));
  const db = createDb(url, { auditKey: AUDIT_KEY });
  const p = await prepare(db);
  await db.destroy();
  // BENCH_APP_FLAGS / BENCH_BARE_FLAGS: other Node flags for our app (default npm start's) or the bare server (default none)
  const appFlags = process.env.BENCH_APP_FLAGS !== undefined ? process.env.BENCH_APP_FLAGS.split(' ').filter(Boolean) : startFlags();
  const bareFlags = (process.env.BENCH_BARE_FLAGS ?? '').split(' ').filter(Boolean);
  const ours = await startChild('serve-app.ts', [url], appFlags);
  const lines: string[] = [];
  const kids = [ours];
  try {
    const cookie = await signInCookie(ours.port, p.reader.email, p.reader.password);
    for (const kind of kinds) {
      const headers: Record<string, string> = { 'Accept-Encoding': 'gzip', ...(kind === 'signed-in' ? { Cookie: cookie } : {}) };
      const page = await getGzip(ours.port, '/standards/99.01', headers);
      const body = path.join(dir, `${kind}.body`);
      const head = path.join(dir, `${kind}.json`);
      fs.writeFileSync(body, page.body);
      const { date: _d, connection: _c, 'keep-alive': _k, ...same } = page.headers;
      fs.writeFileSync(head, JSON.stringify(same));
      const bare = await startChild('serve-bare.ts', [body, head], bareFlags);
      kids.push(bare);
      if (kind === '304') headers['If-None-Match'] = String(page.headers.etag);
      const opts = { path: '/standards/99.01', headers, connections: 50, seconds: SECONDS };
      // BENCH_ROUNDS: ours and bare in turn, that many times; the sums
      const sum = { o: { us: 0, n: 0, s: 0 }, b: { us: 0, n: 0, s: 0 } };
      let o!: Awaited<ReturnType<typeof measured>>;
      let b!: Awaited<ReturnType<typeof measured>>;
      for (let r = 0; r < Number(process.env.BENCH_ROUNDS ?? 1); r++) {
        o = await measured(ours.child.pid!, { ...opts, port: ours.port });
        b = await measured(bare.child.pid!, { ...opts, port: bare.port });
        for (const [k, x] of [['o', o], ['b', b]] as const) {
          sum[k].us += x.usPerRequest * x.requests;
          sum[k].n += x.requests;
          sum[k].s += x.perSecond;
        }
      }
      o = { ...o, usPerRequest: sum.o.us / sum.o.n, perSecond: sum.o.s / Number(process.env.BENCH_ROUNDS ?? 1) };
      b = { ...b, usPerRequest: sum.b.us / sum.b.n, perSecond: sum.b.s / Number(process.env.BENCH_ROUNDS ?? 1) };
      lines.push(
        `cpu ${name} ${kind}: ours ${o.usPerRequest.toFixed(1)} µs/request (${o.perSecond.toFixed(0)}/s p99 ${o.p99.toFixed(1)} ms ${JSON.stringify(o.statuses)}) · bare ${b.usPerRequest.toFixed(1)} µs/request (${b.perSecond.toFixed(0)}/s p99 ${b.p99.toFixed(1)} ms) · CPU ratio bare/ours ${(b.usPerRequest / o.usPerRequest).toFixed(2)} · throughput ratio ${(o.perSecond / b.perSecond).toFixed(2)}`,
      );
    }
    lines.push(`cpu ${name}: peak resident ${peakRssMb(ours.child.pid!).toFixed(0)} MB · load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    for (const k of kids) k.child.kill('SIGINT');
    setTimeout(() => fs.rmSync(dir, { recursive: true, force: true }), 500).unref();
  }
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const kinds = args.filter((a) => a === '304' || a === 'signed-in');
  const which = args.includes('postgres') ? 'postgres' : 'sqlite';
  const chosen = kinds.length ? kinds : ['304', 'signed-in'];
  if (which === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imas-bench-cpu-db-'));
    for (const l of await bench('SQLite', `sqlite:${path.join(dir, 'bench.sqlite3')}`, chosen)) console.log(l);
    fs.rmSync(dir, { recursive: true, force: true });
  } else {
    const pg = await startPostgres();
    try {
      const admin = createDb(pg.url);
      await admin.raw('create database bench');
      await admin.destroy();
      for (const l of await bench('PostgreSQL', databaseUrl(pg.url, 'bench'), chosen)) console.log(l);
    } finally {
      await pg.stop();
    }
  }
}
