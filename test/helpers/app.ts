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
import type { Mailer } from '../../server/mail/mailer.ts';
import type { AuthLimits } from '../../server/auth/rate-limit.ts';
import type { PasswordHasher } from '../../server/accounts/passwords.ts';

/** Fixed "now" of the suites: 07.11 Edition 2 is current, its draft Edition 3 is under consultation. */
export const TEST_NOW = '2026-11-23T12:00:00.000Z';

let templatePath: Promise<string> | null = null;
export const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'imas-review-test-'));
process.on('exit', () => fs.rmSync(tmpDir, { recursive: true, force: true }));

/** A migrated database with standards/ loaded, made once per test run and copied for each suite. */
function template(): Promise<string> {
  templatePath ??= (async () => {
    const file = path.join(tmpDir, 'template.sqlite3');
    const db = createDb(`sqlite:${file}`);
    await db.migrate.latest();
    const report = await loadStandards(db, new FakeClock(TEST_NOW), 'standards');
    if (report.errors.length) throw new Error(`standards/ does not load:\n${report.errors.join('\n')}`);
    await db.raw('PRAGMA wal_checkpoint(TRUNCATE)');
    await db.destroy();
    return file;
  })();
  return templatePath;
}

/** The clock of each test app, by its database: helpers that compute time-based codes read it. */
export const clockOfDb = new WeakMap<Db, FakeClock>();

let counter = 0;
/** A fresh copy of the template database; auditKey: key its audit chain (as testApp does); busyWaitMs: how long writes wait for a lock held elsewhere. */
export async function testDb(opts: { auditKey?: string; busyWaitMs?: number } = {}): Promise<Db> {
  const file = path.join(tmpDir, `suite-${process.pid}-${++counter}.sqlite3`);
  fs.copyFileSync(await template(), file);
  return createDb(`sqlite:${file}`, opts);
}

/** An empty migrated database. */
export async function emptyDb(): Promise<Db> {
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
