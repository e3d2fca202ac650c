import { loadConfig, ConfigError } from './config.ts';
import { createDb } from './db.ts';
import { createLogger, flushLogger } from './logger.ts';
import { createHandler } from './app.ts';
import { createHttpServer } from './http/server.ts';
import { createMailer } from './mail/mailer.ts';
import { ensureFirstSecretariat } from './accounts/service.ts';
import { systemClock } from './clock.ts';
import { PageCache } from './http/page-cache.ts';
import { buildId } from './http/views.ts';
import { auditMigrationNotices } from './organisations/service.ts';
import { loadStandards } from './standards/loader.ts';
import { loadAuditKey } from './audit/key.ts';
import { beginKeying } from './audit/service.ts';

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
  await db.migrate.latest();
  if (await beginKeying(db, systemClock)) logger.info('audit chain: keying with AUDIT_KEY began (earlier rows stay plain SHA-256)');
  // What the organisations register's migration merged goes into the audit record (a migration cannot key it).
  const merged = await auditMigrationNotices(db, systemClock);
  if (merged) logger.info(`organisations: ${merged} merge(s) of spellings recorded in the audit log; the secretariat sees them on /admin/organisations`);
  const { count } = (await db('standards').count({ count: '*' }).first()) as { count: number };
  if (Number(count) === 0) {
    const report = await loadStandards(db, systemClock, config.standardsDir);
    for (const e of report.errors) logger.error(`standards: ${e}`);
    logger.info({ ...report, errors: report.errors.length }, 'standards loaded into the empty database');
  }
  const mailer = createMailer(config.smtpUrl, logger);
  if (!config.smtpUrl) logger.warn('SMTP_URL is not set: mails (address confirmation, password reset) are written to the log');
  const admin = await ensureFirstSecretariat({ db, clock: systemClock, config, mailer, logger }, config.adminEmail, config.adminPassword);
  if (admin) logger.info({ user_id: admin.id }, `first secretariat account created for ${admin.email}`);
  const { handler } = createHandler({ db, clock: systemClock, config, logger, pageCache: new PageCache(buildId()), mailer });
  const server = createHttpServer(handler, config.http);
  server.listen(config.port, config.host, () => {
    logger.info(`imas-review listening on http://${config.host}:${(server.address() as { port: number }).port}`);
  });
  server.on('error', (err) => {
    logger.fatal({ err }, 'cannot listen');
    process.exit(1);
  });
  const stop = (signal: string) => {
    logger.info(`${signal}: closing`);
    server.close(() => void db.destroy().then(() => {
      flushLogger(logger);
      process.exit(0);
    }));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
