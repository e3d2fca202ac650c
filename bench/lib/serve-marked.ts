// Child process for bench/express-shapes.ts: our handler on a prepared database, counting the 304s it
// sends; on a 'mark' message it calls process.cpuUsage() (getrusage: callgrind's --dump-before mark) and
// answers with the count since the last mark. argv: database URL, number of requests to send through
// Express before saying it is ready (pages with a query string, 404s, the API's JSON).
import http from 'node:http';
import pino from 'pino';
import { createHandler } from '../../server/app.ts';
import { systemClock } from '../../server/clock.ts';
import { loadConfig } from '../../server/config.ts';
import { createDb } from '../../server/db.ts';
import { createLogger } from '../../server/logger.ts';
import { PageCache } from '../../server/http/page-cache.ts';
import { buildId } from '../../server/http/views.ts';

const config = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), AUDIT_KEY: 'k'.repeat(40), LOG_LEVEL: 'silent' });
const db = createDb(process.argv[2]!, { auditKey: config.auditKey });
const { handler } = createHandler({ db, clock: systemClock, config, logger: createLogger('info', pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 })), pageCache: new PageCache(buildId()) });
let notModified = 0;
const server = http.createServer((req, res) => {
  if (req.headers['if-none-match']) notModified++;
  handler(req, res);
});
server.listen(0, '127.0.0.1', async () => {
  const port = (server.address() as { port: number }).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const get = (p: string) => new Promise<void>((resolve, reject) => http.get({ port, path: p, host: '127.0.0.1', agent }, (r) => r.resume().on('end', resolve)).on('error', reject));
  const kinds = [(i: number) => `/standards/07.11?from=${i}`, (i: number) => `/no-such-page-${i}`, () => '/api/v1/standards'];
  for (let i = 0; i < Number(process.argv[3] ?? 0); i++) await get(kinds[i % kinds.length]!(i));
  agent.destroy();
  process.send!({ port });
});
process.on('message', (m: { cmd?: string }) => {
  if (m?.cmd !== 'mark') return;
  process.cpuUsage();
  process.send!({ notModified });
  notModified = 0;
});
process.on('disconnect', () => process.exit(0));
