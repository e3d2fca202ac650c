/**
 * Instructions per 304 of the fast path (issue 17), in a process that has sent no request through
 * Express and in one that has sent some (BENCH_EXPRESS, default 600: pages with a query string, 404s,
 * the API's JSON): counted by callgrind, so independent of the machine's load. Each server
 * (bench/lib/serve-marked.ts) runs under valgrind; after a warm-up, windows of 50 keep-alive clients
 * sending revalidations, each window's main-thread instructions divided by the 304s sent in it.
 * The later windows are the steady state (the first ones still compile).
 *
 *   node --import tsx bench/express-shapes.ts        (needs valgrind; ~5 minutes)
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../server/db.ts';
import { prepare } from './databases.ts';
import { getGzip } from './lib/child.ts';
import { load } from './lib/load.ts';

const WINDOWS = Number(process.env.BENCH_WINDOWS ?? 4);

async function perRequest(url: string, dir: string, throughExpress: number): Promise<number[]> {
  const out = path.join(dir, `cg-${throughExpress}`);
  const child = fork(path.join(import.meta.dirname, 'lib', 'serve-marked.ts'), [url, String(throughExpress)], {
    execPath: 'valgrind',
    execArgv: ['--tool=callgrind', '--separate-threads=yes', '--dump-before=getrusage', `--callgrind-out-file=${out}.%p`, process.execPath, '--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m: { port: number }) => resolve(m.port));
      child.once('exit', (code) => reject(new Error(`valgrind exited with ${code}`)));
    });
    const etag = String((await getGzip(port, '/standards/99.01')).headers.etag);
    const opts = { port, path: '/standards/99.01', headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': etag }, connections: 50, seconds: 10 };
    await load({ ...opts, seconds: 5 });
    const mark = () => new Promise<number>((resolve) => {
      child.once('message', (m: { notModified: number }) => resolve(m.notModified));
      child.send({ cmd: 'mark' });
    });
    await mark();
    const sent: number[] = [];
    for (let w = 0; w < WINDOWS; w++) {
      await load(opts);
      sent.push(await mark());
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    // part 1 is everything before the first mark; part w + 2 is window w (main thread: -01)
    const pid = child.pid;
    return sent.map((n, w) => {
      const text = fs.readFileSync(`${out}.${pid}.${w + 2}-01`, 'utf8');
      return Number(/^(?:summary|totals): (\d+)/m.exec(text)![1]) / n;
    });
  } finally {
    child.kill('SIGKILL');
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imas-shapes-'));
try {
  const url = `sqlite:${path.join(dir, 'bench.sqlite3')}`;
  const db = createDb(url, { auditKey: 'k'.repeat(40) });
  await prepare(db);
  await db.destroy();
  const through = Number(process.env.BENCH_EXPRESS ?? 600);
  for (const n of [0, through]) {
    const counts = await perRequest(url, dir, n);
    console.log(`express-shapes: 304s after ${n} requests through Express: ${counts.map((c) => `${(c / 1000).toFixed(1)}k`).join(', ')} instructions a 304 (windows of 10 s under valgrind; the last is the steady state)`);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
