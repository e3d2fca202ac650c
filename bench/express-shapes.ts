/**
 * Instructions per 304 of the fast path (issue 17), in a process that has sent no request through
 * Express and in ones that have sent some (BENCH_EXPRESS, default 600: pages with a query string, 404s,
 * the API's JSON), without and with server/http/shapes.ts's keeper: counted by callgrind, so independent of the machine's load. Our app
 * (bench/serve-app.ts) runs under valgrind; after a warm-up, windows of 50 keep-alive clients sending
 * revalidations, each window's main-thread instructions divided by the 304s answered in it (the load
 * client sends no request after its time is up, so it has every answer counted when it returns).
 * The later windows are the steady state (the first ones still compile).
 *
 *   node --import tsx bench/express-shapes.ts        (needs valgrind; ~10 minutes)
 *   BENCH_SHAPES_KIND=comment: Bearer comment POSTs (fast-comment.ts, SQLite) instead of 304s, in a fresh
 *   process and after BENCH_EXPRESS requests, both with the keeper; BENCH_WINDOWS (default 4) windows;
 *   BENCH_NODE_FLAGS: Node flags for our app
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../server/db.ts';
import { prepare } from './databases.ts';
import { callgrindArgs, instructionsIn } from './lib/callgrind.ts';
import { getGzip } from './lib/child.ts';
import { load } from './lib/load.ts';

const WINDOWS = Number(process.env.BENCH_WINDOWS ?? 4);

/** `n` requests through Express, a few connections at a time. */
async function throughExpress(port: number, n: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const get = (p: string) => new Promise<void>((resolve, reject) => http.get({ port, path: p, host: '127.0.0.1', agent }, (r) => r.resume().on('end', resolve)).on('error', reject));
  const kinds = [(i: number) => `/standards/07.11?from=${i}`, (i: number) => `/no-such-page-${i}`, () => '/api/v1/standards'];
  for (let i = 0; i < n; i++) await get(kinds[i % kinds.length]!(i));
  agent.destroy();
}

const COMMENTS = process.env.BENCH_SHAPES_KIND === 'comment';

async function perRequest(url: string, dir: string, viaExpress: number, keepShapes: boolean, p: Awaited<ReturnType<typeof prepare>>): Promise<number[]> {
  const out = path.join(dir, `cg-${viaExpress}-${keepShapes}`);
  const child = fork(path.join(import.meta.dirname, 'serve-app.ts'), [url], {
    env: { ...process.env, BENCH_KEEP_SHAPES: keepShapes ? '1' : '0' },
    execPath: 'valgrind',
    execArgv: [...callgrindArgs(out), process.execPath, ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean), '--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m: { port: number }) => resolve(m.port));
      child.once('exit', (code) => reject(new Error(`valgrind exited with ${code}`)));
    });
    await throughExpress(port, viaExpress);
    const opts: Parameters<typeof load>[0] = COMMENTS
      ? { port, path: `/api/v1/consultations/${p.cid}/comments`, headers: { Authorization: `Bearer ${p.stakeholder}` }, connections: 50, seconds: 10, body: (i: number) => JSON.stringify({ clause: null, type: 'ge', comment: `Benchmark comment ${i}: the requirement in this clause should say who checks the records and how often.`, proposed_change: 'Add a period.' }) }
      : { port, path: '/standards/99.01', headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': String((await getGzip(port, '/standards/99.01')).headers.etag) }, connections: 50, seconds: 10 };
    await load({ ...opts, seconds: 5 });
    const mark = () => new Promise<void>((resolve) => {
      child.once('message', () => resolve());
      child.send({ cmd: 'mark' });
    });
    await mark();
    const answered: number[] = [];
    for (let w = 0; w < WINDOWS; w++) {
      answered.push((await load(opts)).statuses[COMMENTS ? 201 : 304] ?? 0);
      await mark();
    }
    // part 1 is everything before the first mark; part w + 2 is window w (main thread: -01)
    return answered.map((n, w) => instructionsIn(`${out}.${child.pid}.${w + 2}-01`) / n);
  } finally {
    child.kill('SIGKILL');
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imas-shapes-'));
try {
  const url = `sqlite:${path.join(dir, 'bench.sqlite3')}`;
  const db = createDb(url, { auditKey: 'k'.repeat(40) });
  const p = await prepare(db);
  await db.destroy();
  const through = Number(process.env.BENCH_EXPRESS ?? 600);
  const runs: [number, boolean][] = COMMENTS ? [[0, true], [through, true]] : [[0, true], [through, false], [through, true]];
  for (const [n, keepShapes] of runs) {
    const counts = await perRequest(url, dir, n, keepShapes, p);
    const how = `after ${n} requests through Express, ${keepShapes ? 'with' : 'without'} the shape keeper`;
    console.log(`express-shapes: ${COMMENTS ? 'comments' : '304s'} ${how}: ${counts.map((c) => `${(c / 1000).toFixed(1)}k`).join(', ')} instructions ${COMMENTS ? 'a comment' : 'a 304'} (windows of 10 s under valgrind; the last is the steady state)`);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
