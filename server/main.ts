import { loadConfig, ConfigError } from './config.ts';
import { createDb } from './db.ts';
import { createLogger, flushLogger } from './logger.ts';
import { createHandler } from './app.ts';
import { createHttpServer } from './http/server.ts';
import { closingHandler, Readiness, shutDown } from './http/shutdown.ts';
import { flushComments } from './consultations/writer.ts';
import { createMailer } from './mail/mailer.ts';
import { ensureFirstSecretariat } from './accounts/service.ts';
import { systemClock } from './clock.ts';
import { PageCache } from './http/page-cache.ts';
import { buildId } from './http/views.ts';
import { auditMigrationNotices } from './organisations/service.ts';
import { loadStandards } from './standards/loader.ts';
import { loadTranslations } from './translations/loader.ts';
import { loadAuditKey } from './audit/key.ts';
import { beginKeying } from './audit/service.ts';
import { setUpOnce } from './startup.ts';
import { OutboxWorker } from './notifications/worker.ts';

/** Start: read config, open and migrate the database, load standards/ on first start, listen. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const db = createDb(config.databaseUrl, { auditKey: loadAuditKey(config, logger, { create: true }), busyWaitMs: config.dbBusyWaitMs });
  const mailer = createMailer(config.smtpUrl, logger);
  if (!config.smtpUrl) logger.warn('SMTP_URL is not set: mails (address confirmation, password reset) are written to the log');
  // Once per database, whichever instance starts first; the others wait for it (server/startup.ts).
  await setUpOnce(db, async () => {
    if (await beginKeying(db, systemClock)) logger.info('audit chain: keying with AUDIT_KEY began (earlier rows stay plain SHA-256)');
    // What the organisations register's migration merged goes into the audit record (a migration cannot key it).
    const merged = await auditMigrationNotices(db, systemClock);
    if (merged) logger.info(`organisations: ${merged} merge(s) of spellings recorded in the audit log; the secretariat sees them on /admin/organisations`);
    const { count } = (await db('standards').count({ count: '*' }).first()) as { count: number };
    if (Number(count) === 0) {
      const report = await loadStandards(db, systemClock, config.standardsDir);
      for (const e of report.errors) logger.error(`standards: ${e}`);
      logger.info({ ...report, errors: report.errors.length }, 'standards loaded into the empty database');
      // the sample translations beside the texts (issue 19 item 2)
      const translations = await loadTranslations(db, systemClock, config.standardsDir);
      for (const e of translations.errors) logger.error(`translations: ${e}`);
      logger.info({ ...translations, errors: translations.errors.length }, 'translations loaded');
    }
    const admin = await ensureFirstSecretariat({ db, clock: systemClock, config, mailer, logger }, config.adminEmail, config.adminPassword);
    if (admin) logger.info({ user_id: admin.id }, `first secretariat account created for ${admin.email}`);
  }, { log: (msg) => logger.info(msg) });
  const readiness = new Readiness();
  const { handler } = createHandler({ db, clock: systemClock, config, logger, pageCache: new PageCache(buildId()), mailer, readiness });
  // The outbox's sender (server/notifications/worker.ts): one per instance; their claims keep each mail to one sender.
  const outbox = new OutboxWorker({ db, clock: systemClock, config, logger, mailer });
  outbox.start();
  const server = createHttpServer(closingHandler(readiness, handler), config.http);
  server.listen(config.port, config.host, () => {
    logger.info(`imas-review listening on http://${config.host}:${(server.address() as { port: number }).port}`);
  });
  server.on('error', (err) => {
    logger.fatal({ err }, 'cannot listen');
    process.exit(1);
  });
  // SIGTERM (a deployment, a load balancer draining) or SIGINT: not ready, stop taking connections,
  // answer what is in flight, write what is queued, close the database, exit 0 (server/http/shutdown.ts).
  const stop = async (signal: string) => {
    logger.info(`${signal}: shutting down`);
    const done = await shutDown(server, {
      readiness,
      ...config.shutdown,
      drain: async () => {
        // No new claims; the send in flight finishes and is marked, so nothing is left leased.
        await outbox.stop();
        await flushComments(db);
        await db.destroy();
      },
      log: (msg) => logger.info(`shutdown: ${msg}`),
    }).catch((err: unknown) => {
      logger.error({ err }, 'shutdown failed');
      return false;
    });
    if (!done) logger.error(`shutdown: not finished within ${config.shutdown.timeoutMs} ms; exiting anyway`);
    else logger.info('shutdown: done');
    flushLogger(logger);
    process.exit(done ? 0 : 1);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
