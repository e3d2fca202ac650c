import { expect } from 'chai';
import { emptyDb, tablesOf } from '../helpers/app.ts';
import { onPostgres } from '../helpers/postgres.ts';

describe('migrations', () => {
  it('go latest → rollback all → latest, and leave no table behind on the way down', async () => {
    const db = await emptyDb();
    try {
      const tables = () => tablesOf(db);
      const all = await tables();
      expect(all).to.include.members(['standards', 'versions', 'clauses', 'consultations', 'series']);
      await db.migrate.rollback(undefined, true);
      expect(await tables()).to.deep.equal([]);
      await db.migrate.latest();
      expect(await tables()).to.deep.equal(all);
    } finally {
      await db.destroy();
    }
  });

  it('turn on foreign keys, WAL and durable commits on every connection', async function () {
    // SQLite's connection settings (PRAGMAs); PostgreSQL has them on by its nature.
    if (onPostgres()) this.skip();
    const db = await emptyDb();
    try {
      expect((await db.raw('PRAGMA foreign_keys'))[0].foreign_keys).to.equal(1);
      expect((await db.raw('PRAGMA journal_mode'))[0].journal_mode).to.equal('wal');
      expect((await db.raw('PRAGMA synchronous'))[0].synchronous).to.equal(2); // FULL
      // No busy wait inside the synchronous driver (it blocks the event loop): server/db-busy.ts waits instead.
      expect((await db.raw('PRAGMA busy_timeout'))[0].timeout).to.equal(0);
    } finally {
      await db.destroy();
    }
  });
});
