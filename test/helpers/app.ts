import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHandler } from '../../server/app.ts';
import { FakeClock } from '../../server/clock.ts';
import { loadConfig } from '../../server/config.ts';
import { createDb, type Db } from '../../server/db.ts';
import { createLogger } from '../../server/logger.ts';
import { PageCache } from '../../server/http/page-cache.ts';
import { loadStandards } from '../../server/standards/loader.ts';
import { loadTranslations } from '../../server/translations/loader.ts';
import type { Mailer } from '../../server/mail/mailer.ts';
import type { AuthLimits } from '../../server/auth/rate-limit.ts';
import type { PasswordHasher } from '../../server/accounts/passwords.ts';
import { beforeSharedStop, databaseUrl, onPostgres, sharedPostgres } from './postgres.ts';

/** Fixed "now" of the suites: 07.11 Edition 2 is current, its draft Edition 3 is under consultation. */
export const TEST_NOW = '2026-11-23T12:00:00.000Z';

let templatePath: Promise<string> | null = null;
export const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'imas-review-test-'));
process.on('exit', () => fs.rmSync(tmpDir, { recursive: true, force: true }));

/**
 * A migrated database with standards/ loaded, made once per test run and copied for each suite: a
 * SQLite file, or on PostgreSQL (TEST_DATABASE=postgres) a database `tpl` on the run's one server,
 * which each suite gets a copy of by CREATE DATABASE … TEMPLATE (a file copy inside the server).
 */
function template(): Promise<string> {
  templatePath ??= (async () => {
    if (onPostgres()) {
      const db = createDb(await newPgDatabase('tpl'));
      await db.migrate.latest();
      const report = await loadStandards(db, new FakeClock(TEST_NOW), 'standards');
      if (report.errors.length) throw new Error(`standards/ does not load:\n${report.errors.join('\n')}`);
      const tr = await loadTranslations(db, new FakeClock(TEST_NOW), 'standards');
      if (tr.errors.length) throw new Error(`standards/*/translations do not load:\n${tr.errors.join('\n')}`);
      await db.destroy();
      return 'tpl';
    }
    const file = path.join(tmpDir, 'template.sqlite3');
    const db = createDb(`sqlite:${file}`);
    await db.migrate.latest();
    const report = await loadStandards(db, new FakeClock(TEST_NOW), 'standards');
    if (report.errors.length) throw new Error(`standards/ does not load:\n${report.errors.join('\n')}`);
    const tr = await loadTranslations(db, new FakeClock(TEST_NOW), 'standards');
    if (tr.errors.length) throw new Error(`standards/*/translations do not load:\n${tr.errors.join('\n')}`);
    await db.raw('PRAGMA wal_checkpoint(TRUNCATE)');
    await db.destroy();
    return file;
  })();
  return templatePath;
}

/** The clock of each test app, by its database: helpers that compute time-based codes read it. */
export const clockOfDb = new WeakMap<Db, FakeClock>();

let admin: Db | null = null;
/** A new database on the run's PostgreSQL server (a copy of `template` if given); its URL. */
async function newPgDatabase(name: string, template?: string): Promise<string> {
  const server = await sharedPostgres();
  if (!admin) {
    const db = (admin = createDb(server.url));
    beforeSharedStop(() => db.destroy());
  }
  await admin.raw(`create database ${name}${template ? ` template ${template} strategy file_copy` : ''}`);
  return databaseUrl(server.url, name);
}

/** The database URL the test databases are on: a SQLite file name or a postgres:// URL. */
export const testDatabaseUrlOf = (db: Db): string =>
  onPostgres() ? (db.client.config as { connection: { connectionString: string } }).connection.connectionString : `sqlite:${(db.client.config as { connection: { filename: string } }).connection.filename}`;

/** The app's tables (not Knex's own) of a test database, sorted. */
export async function tablesOf(db: Db): Promise<string[]> {
  const rows = (onPostgres()
    ? (await db.raw("select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'")).rows
    : await db.raw("select name from sqlite_master where type = 'table'")) as Array<{ name: string }>;
  return rows.map((r) => r.name).filter((n) => !/^(sqlite_|knex_)/.test(n)).sort();
}

/** Makes what was committed visible to another process reading the file (a no-op on PostgreSQL). */
export async function checkpoint(db: Db): Promise<void> {
  if (!onPostgres()) await db.raw('PRAGMA wal_checkpoint(TRUNCATE)');
}

/**
 * A copy of a test database as it is now, opened with `opts`: VACUUM INTO a new file on SQLite; on
 * PostgreSQL CREATE DATABASE … TEMPLATE, which needs the source without connections for a moment (its
 * pool is closed and opened again).
 */
export async function copyOfDb(db: Db, opts: { auditKey?: string } = {}): Promise<Db> {
  if (onPostgres()) {
    const source = new URL(testDatabaseUrlOf(db)).pathname.slice(1);
    await db.destroy();
    try {
      return createDb(await newPgDatabase(`copy_${process.pid}_${++counter}`, source), opts);
    } finally {
      db.initialize();
    }
  }
  const file = path.join(tmpDir, `copy-${process.pid}-${++counter}.sqlite3`);
  await checkpoint(db);
  await db.raw('vacuum into ?', [file]);
  return createDb(`sqlite:${file}`, opts);
}

let counter = 0;
/** A fresh copy of the template database; auditKey: key its audit chain (as testApp does); busyWaitMs: how long writes wait for a lock held elsewhere. */
export async function testDb(opts: { auditKey?: string; busyWaitMs?: number } = {}): Promise<Db> {
  if (onPostgres()) {
    const tpl = await template();
    return createDb(await newPgDatabase(`suite_${process.pid}_${++counter}`, tpl), opts);
  }
  const file = path.join(tmpDir, `suite-${process.pid}-${++counter}.sqlite3`);
  fs.copyFileSync(await template(), file);
  return createDb(`sqlite:${file}`, opts);
}

/** The URL of a database that holds nothing yet (not migrated): a new PostgreSQL database, or a SQLite file not yet made. */
export async function blankDatabaseUrl(): Promise<string> {
  if (onPostgres()) return newPgDatabase(`blank_${process.pid}_${++counter}`);
  return `sqlite:${path.join(tmpDir, `blank-${process.pid}-${++counter}.sqlite3`)}`;
}

/** An empty migrated database. */
export async function emptyDb(): Promise<Db> {
  if (onPostgres()) {
    const db = createDb(await newPgDatabase(`empty_${process.pid}_${++counter}`));
    await db.migrate.latest();
    return db;
  }
  const db = createDb(`sqlite:${path.join(tmpDir, `empty-${++counter}.sqlite3`)}`);
  await db.migrate.latest();
  return db;
}

/** mailer: where mails go (default: from env SMTP_URL, else the silent log); authLimits: short brute-force windows; hashPassword: to count hashes. */
export async function testApp(opts: { now?: string; env?: Record<string, string>; mailer?: Mailer; authLimits?: Partial<AuthLimits>; hashPassword?: PasswordHasher; busyWaitMs?: number } = {}) {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...opts.env });
  // The app's database handle carries the audit key of its config, as in server/main.ts.
  const db = await testDb({ auditKey: config.auditKey, busyWaitMs: opts.busyWaitMs });
  const clock = new FakeClock(opts.now ?? TEST_NOW);
  clockOfDb.set(db, clock);
  const logger = createLogger('silent');
  const pageCache = new PageCache('test');
  // `app` is the Express app; `handler` is what the server listens with (fast path first, then app).
  const { app, handler } = createHandler({ db, clock, config, logger, pageCache, mailer: opts.mailer, authLimits: opts.authLimits, hashPassword: opts.hashPassword });
  return { app, handler, db, clock, config, pageCache, close: () => db.destroy() };
}

/**
 * Another app on the same database as `t`, through its own connections (its own pool, queue and
 * caches), as a second process would be; same clock and config. Close it before `t`.
 */
export async function siblingApp(t: Awaited<ReturnType<typeof testApp>>) {
  const db = createDb(testDatabaseUrlOf(t.db), { auditKey: t.config.auditKey });
  const { app, handler } = createHandler({ db, clock: t.clock, config: t.config, logger: createLogger('silent'), pageCache: new PageCache('test') });
  return { app, handler, db, clock: t.clock, config: t.config, close: () => db.destroy() };
}
