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
await db.migrate.latest();
const { handler } = createHandler({ db, clock: systemClock, config, logger: createLogger('info', pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 })), pageCache: new PageCache(buildId()) });
const server = http.createServer(handler).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const port = (server.address() as { port: number }).port;
const get = (p: string) => new Promise<[number, number]>((resolve) => http.get({ port, path: p, host: '127.0.0.1' }, (res) => { let n = 0; res.on('data', (c) => (n += c.length)); res.on('end', () => resolve([res.statusCode!, n])); }));
for (const p of process.argv[2]!.split(',')) {
  const ts: number[] = []; let last: [number, number] = [0, 0];
  for (let i = 0; i < 25; i++) { const t = performance.now(); last = await get(p); if (i >= 5) ts.push(performance.now() - t); }
  ts.sort((a, b) => a - b);
  console.log(p, last, 'min', ts[0]!.toFixed(1), 'p50', ts[10]!.toFixed(1));
}
server.close(); await db.destroy();
