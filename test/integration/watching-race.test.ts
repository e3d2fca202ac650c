import { expect } from 'chai';
import { testApp } from '../helpers/app.ts';
import { createUser } from '../helpers/auth.ts';
import { addWatch, watchesOf, watchNothing } from '../../server/watching/repo.ts';

const now = new Date('2026-11-23T12:00:00Z');

/** Found by the fuzzer on PostgreSQL: five "watch nothing" at once answered 500 (the unique index refused the twin rows). */
describe('watching: the same choice made several times at once', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  before(async () => (t = await testApp()));
  after(() => t.close());

  it('"nothing" and a standard, each five times at once: one row each time, no error', async () => {
    const u = await createUser(t.db);
    await Promise.all(Array.from({ length: 5 }, () => watchNothing(t.db, u.id, now)));
    expect((await watchesOf(t.db, u.id)).map((w) => w.scope)).to.deep.equal(['none']);
    const std = await t.db('standards').where({ ref: '07.11' }).first('id');
    await Promise.all(Array.from({ length: 5 }, () => addWatch(t.db, u.id, { scope: 'standard', standardId: std.id }, now)));
    expect((await watchesOf(t.db, u.id)).map((w) => w.scope)).to.deep.equal(['standard']);
  });
});
