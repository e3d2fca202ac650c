/**
 * Issue 17: a standard's key (id, revision) for the fast path is read once for all the requests that
 * find it expired at the same moment (PostgreSQL: one round trip, not one per request in flight), and
 * never shared with a request that comes after this process wrote.
 */
import { expect } from 'chai';
import { testDb } from '../helpers/app.ts';
import { StandardStates } from '../../server/standards/state.ts';
import type { Db } from '../../server/db.ts';

describe('standard keys read once for the requests in flight', () => {
  let db: Db;
  before(async () => {
    db = await testDb();
  });
  after(() => db.destroy());

  it('twenty lookups at once: one read, the same answer', async () => {
    const states = new StandardStates(db);
    let n = 0;
    const on = (q: { sql: string }) => void (/from ["`]standards["`]/i.test(q.sql) && n++);
    db.on('query', on);
    try {
      const keys = await Promise.all(Array.from({ length: 20 }, () => states.key('07.11')));
      expect(keys[0]).to.include({ ref: '07.11' });
      for (const k of keys) expect(k).to.deep.equal(keys[0]);
      // through Knex on PostgreSQL; a prepared statement of its own on an SQLite file
      expect(n).to.be.at.most(1);
    } finally {
      db.removeListener('query', on);
    }
  });

  it('a lookup after a write of this process is not given the read begun before it', async () => {
    const states = new StandardStates(db);
    const before = states.key('07.11');
    await db('standards').where({ ref: '07.11' }).increment('revision', 1);
    const after = await states.key('07.11');
    await before;
    const now = (await db('standards').where({ ref: '07.11' }).first('revision')) as { revision: number };
    expect(after!.revision).to.equal(now.revision);
  });
});
