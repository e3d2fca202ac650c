// Child process for the benchmarks: our app on a prepared database, quiet, on a free port.
// BENCH_QUERIES=<file>: every SQL statement run is counted and the counts written there on SIGINT;
// BENCH_PROFILE=<file>: a CPU profile from the parent's 'start' message (after its warm-up, so no
// start-up in it) to SIGINT. bench/profile.ts reads both. 'mark': see below. BENCH_KEEP_SHAPES=0: without
// server/http/shapes.ts's keeper (bench/express-shapes.ts).
import fs from 'node:fs';
import v8 from 'node:v8';
import { Session } from 'node:inspector/promises';
import { createHandler } from '../server/app.ts';
import { systemClock } from '../server/clock.ts';
import { loadConfig } from '../server/config.ts';
import { createDb } from '../server/db.ts';
import { createLogger } from '../server/logger.ts';
import { PageCache } from '../server/http/page-cache.ts';
import { buildId } from '../server/http/views.ts';
import { createHttpServer } from '../server/http/server.ts';
import { closingHandler, Readiness } from '../server/http/shutdown.ts';
import pino from 'pino';

const config = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), AUDIT_KEY: 'k'.repeat(40), LOG_LEVEL: 'silent' });
const db = createDb(process.argv[2]!, { auditKey: config.auditKey });
const queries = process.env.BENCH_QUERIES;
const counts: Record<string, number> = {};
if (queries) db.on('query', (q: { sql: string }) => void (counts[q.sql] = (counts[q.sql] ?? 0) + 1));
// Request logs on, as in production, written to /dev/null (LOG_LEVEL=silent would flatter us).
const { handler } = createHandler({ db, clock: systemClock, config, logger: createLogger('info', pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 })), pageCache: new PageCache(buildId()) }, { keepShapes: process.env.BENCH_KEEP_SHAPES !== '0' });
// As npm start serves it (server/main.ts): its timeouts and its Connection: close at shutdown, which
// cost ~10 % of a 304 until session 31 (the benches had measured Node's defaults instead)
const server = createHttpServer(closingHandler(new Readiness(), handler), config.http).listen(0, '127.0.0.1', () =>
  process.send!({ port: (server.address() as { port: number }).port }),
);
const profileFile = process.env.BENCH_PROFILE;
const inspector = profileFile ? new Session() : null;
process.on('message', (m: { cmd?: string }) => {
  // 'mark': a getrusage, where callgrind run with --dump-before=getrusage cuts its counts (bench/express-shapes.ts)
  if (m?.cmd === 'mark') {
    process.cpuUsage();
    process.send!({ marked: true });
    return;
  }
  // the parent starts counting after its warm-up
  if (m?.cmd !== 'start') return;
  for (const k of Object.keys(counts)) delete counts[k];
  if (inspector) {
    inspector.connect();
    void inspector.post('Profiler.enable').then(() => inspector.post('Profiler.start')).then(() => process.send!({ started: true }));
  } else process.send!({ started: true });
});
process.on('disconnect', () => process.exit(0));
process.on('SIGINT', async () => {
  // BENCH_MEMORY=1: where the resident memory is, at the end (heap spaces, external, array buffers)
  if (process.env.BENCH_MEMORY) {
    const mb = (n: number) => Math.round(n / 1048576);
    const m = process.memoryUsage();
    const spaces = v8.getHeapSpaceStatistics().map((s) => `${s.space_name} ${mb(s.space_size)}/${mb(s.space_used_size)}`).join(', ');
    process.stderr.write(`memory: rss ${mb(m.rss)} MB, heap ${mb(m.heapTotal)} MB (used ${mb(m.heapUsed)}), external ${mb(m.external)}, array buffers ${mb(m.arrayBuffers)}; spaces (size/used MB) ${spaces}\n`);
  }
  if (queries) fs.writeFileSync(queries, JSON.stringify(counts));
  if (inspector && profileFile) fs.writeFileSync(profileFile, JSON.stringify((await inspector.post('Profiler.stop')).profile));
  process.exit(0);
});
