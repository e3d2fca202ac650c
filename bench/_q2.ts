import http from 'node:http';
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
const { handler } = createHandler({ db, clock: systemClock, config, logger: createLogger('info', pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 })), pageCache: new PageCache(buildId()) });
const server = http.createServer(handler).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const port = (server.address() as { port: number }).port;
const get = (p: string) => new Promise<number>((resolve) => http.get({ port, path: p, host: '127.0.0.1' }, (res) => { let n = 0; res.on('data', (c) => (n += c.length)); res.on('end', () => resolve(n)); }));
const starts = new Map<string, number>();
let log: Array<[number, string]> = [];
db.on('query', (q: { __knexQueryUid: string }) => starts.set(q.__knexQueryUid, performance.now()));
db.on('query-response', (_r: unknown, q: { __knexQueryUid: string; sql: string }) => log.push([performance.now() - starts.get(q.__knexQueryUid)!, q.sql.slice(0, 150)]));
for (const p of process.argv[2]!.split(',')) {
  for (let i = 0; i < 4; i++) { log = []; await get(p); }
  const t = performance.now(); await get(p); const total = performance.now() - t;
  console.log(p, 'total', total.toFixed(1));
  for (const [ms, sql] of log.sort((a, b) => b[0] - a[0]).slice(0, 8)) console.log('  ', ms.toFixed(2), sql);
}
server.close(); await db.destroy();
