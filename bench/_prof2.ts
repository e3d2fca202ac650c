import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createHandler } from '../server/app.ts';
import { systemClock } from '../server/clock.ts';
import { loadConfig } from '../server/config.ts';
import { createDb } from '../server/db.ts';
import { createLogger } from '../server/logger.ts';
import { PageCache } from '../server/http/page-cache.ts';
import { buildId } from '../server/http/views.ts';
import pino from 'pino';
const config = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), AUDIT_KEY: 'k'.repeat(40), LOG_LEVEL: 'silent' });
const db = createDb('sqlite:/tmp/bc/db/bench-20000.sqlite3', { auditKey: config.auditKey });
await db('consultations').update({ closes_at: new Date(Date.now() - 1000).toISOString() }); // public report
const { handler } = createHandler({ db, clock: systemClock, config, logger: createLogger('info', pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 })), pageCache: new PageCache(buildId()) });
const server = http.createServer(handler).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const port = (server.address() as { port: number }).port;
const h = monitorEventLoopDelay({ resolution: 1 }); h.enable();
// The longest gap between two turns of a 1 ms timer, in CPU time of this process (what our code costs, not the wait for a core).
let maxCpuGap = 0; let lastCpu = process.cpuUsage(); let lastWall = performance.now(); let maxWallGap = 0;
setInterval(() => { const c = process.cpuUsage(); const d = (c.user - lastCpu.user + c.system - lastCpu.system) / 1000; const w = performance.now() - lastWall; if (d > maxCpuGap) maxCpuGap = d; if (w > maxWallGap) maxWallGap = w; lastCpu = c; lastWall = performance.now(); }, 1).unref();
const get = (p: string) => new Promise<number>((resolve) => http.get({ port, path: p, host: '127.0.0.1' }, (res) => { let n = 0; res.on('data', (c) => (n += c.length)); res.on('end', () => resolve(n)); }));
for (const p of (process.argv[2] ?? 'comments.csv,comments.xlsx,comments').split(',')) {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 100));
    h.reset(); maxCpuGap = 0; maxWallGap = 0;
    const t = performance.now();
    const n = await get(`/api/v1/consultations/2/${p}`);
    console.log(p, n, (performance.now() - t).toFixed(0), 'ms; max delay', (h.max / 1e6).toFixed(1), 'p99', (h.percentile(99) / 1e6).toFixed(1), 'cpu in longest gap', maxCpuGap.toFixed(1), 'wall gap', maxWallGap.toFixed(1));
  }
}
server.close(); await db.destroy();
