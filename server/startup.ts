import type { Db } from './db.ts';
import { isBusyError } from './db-busy.ts';

export const messages = {
  stuck: (s: number) =>
    `The database's set-up lock (knex_migrations_lock) has been held for ${s} s. If no other instance is starting, ` +
    'a start was cut short: release it with `node --import tsx node_modules/knex/bin/cli.js migrate:unlock` (or set is_locked = 0 in that table).',
} as const;

const LOCK_TABLE = 'knex_migrations_lock';
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Set-up that must happen once per database, whichever of several instances starting together comes
 * first: migrations, then `once` (keying the audit chain, loading standards/ into an empty database,
 * the first secretariat account). Knex refuses to migrate while another process holds its migration
 * lock (MigrationLocked) instead of waiting: this waits and tries again. `once` runs while this
 * instance holds the same lock, so the others wait for it and then find the work done.
 */
export async function setUpOnce<T>(db: Db, once: () => Promise<T>, opts: { waitMs?: number; log?: (msg: string) => void } = {}): Promise<T> {
  const waitMs = opts.waitMs ?? 120_000;
  const t0 = Date.now();
  let told = false;
  const waiting = (err: unknown) => {
    if (Date.now() - t0 > waitMs) throw new Error(messages.stuck(Math.round(waitMs / 1000)), { cause: err });
    if (!told) opts.log?.('another instance is setting up the database: waiting for it');
    told = true;
    return sleep(100 + Math.random() * 200);
  };
  for (;;) {
    try {
      await db.migrate.latest();
      break;
    } catch (err) {
      if ((err as { name?: string }).name !== 'MigrationLocked' && !isBusyError(err)) throw err;
      await waiting(err);
    }
  }
  // The migration lock's row, taken as knex takes it: the one update that finds it free wins.
  for (;;) {
    const taken = await db(LOCK_TABLE).where({ is_locked: 0 }).update({ is_locked: 1 });
    if (Number(taken) === 1) break;
    await waiting(null);
  }
  try {
    return await once();
  } finally {
    await db(LOCK_TABLE).update({ is_locked: 0 });
  }
}
