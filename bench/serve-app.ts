// Child process for the benchmarks: our app on a prepared database, quiet, on a free port.
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
const db = createDb(process.argv[2]!, { auditKey: config.auditKey });
// Request logs on, as in production, written to /dev/null (LOG_LEVEL=silent would flatter us).
const { handler } = createHandler({ db, clock: systemClock, config, logger: createLogger('info', pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 })), pageCache: new PageCache(buildId()) });
const server = http.createServer(handler).listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }));
process.on('disconnect', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
