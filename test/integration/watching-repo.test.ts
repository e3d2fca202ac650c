import { expect } from 'chai';
import { testApp } from '../helpers/app.ts';
import { createUser } from '../helpers/auth.ts';
import { addWatch, removeWatch, watchedStandardIds, watchersOfStandard, watchesOf, watchNothing } from '../../server/watching/repo.ts';

type App = Awaited<ReturnType<typeof testApp>>;
const now = new Date('2026-11-23T12:00:00Z');

/** Issue 16 item 2: who watches what, the ground the dashboards and the mails stand on. */
describe('watching: a standard, a series, everything; Board members everything by default', () => {
  let t: App;
  let std: { id: number; series: string };
  let other: { id: number; series: string };
  before(async () => {
    t = await testApp();
    std = await t.db('standards').where({ ref: '07.11' }).first('id', 'series');
    other = await t.db('standards').whereNot({ series: std.series }).first('id', 'series');
  });
  after(() => t.close());

  it('a stakeholder watches nothing until they choose; one standard, then its series, then everything', async () => {
    const u = await createUser(t.db);
    expect(await watchedStandardIds(t.db, u.id)).to.deep.equal([]);
    await addWatch(t.db, u.id, { scope: 'standard', standardId: std.id }, now);
    await addWatch(t.db, u.id, { scope: 'standard', standardId: std.id }, now); // idempotent
    expect(await watchedStandardIds(t.db, u.id)).to.deep.equal([std.id]);
    expect((await watchersOfStandard(t.db, std.id)).map((w) => w.id)).to.include(u.id);
    expect((await watchersOfStandard(t.db, other.id)).map((w) => w.id)).to.not.include(u.id);
    await addWatch(t.db, u.id, { scope: 'series', series: other.series }, now);
    expect(await watchedStandardIds(t.db, u.id)).to.include.members([std.id, other.id]);
    await addWatch(t.db, u.id, { scope: 'all' }, now);
    expect((await watchesOf(t.db, u.id)).map((w) => w.scope)).to.deep.equal(['all']);
    const all = await watchedStandardIds(t.db, u.id);
    expect(all.length).to.equal(Number((await t.db('standards').count({ n: '*' }).first())!.n));
    await removeWatch(t.db, u.id, (await watchesOf(t.db, u.id))[0]!.id);
    expect(await watchedStandardIds(t.db, u.id)).to.deep.equal([]);
  });

  it('a Board member watches everything until they say otherwise; disabled and unconfirmed users get nothing', async () => {
    const b = await createUser(t.db, { role: 'board' });
    const off = await createUser(t.db, { role: 'board', disabled: true });
    const unconfirmed = await createUser(t.db, { role: 'board', verified: false });
    const ids = (await watchersOfStandard(t.db, other.id)).map((w) => w.id);
    expect(ids).to.include(b.id);
    expect(ids).to.not.include.members([off.id, unconfirmed.id]);
    await watchNothing(t.db, b.id, now);
    expect(await watchedStandardIds(t.db, b.id)).to.deep.equal([]);
    expect((await watchersOfStandard(t.db, other.id)).map((w) => w.id)).to.not.include(b.id);
    await addWatch(t.db, b.id, { scope: 'standard', standardId: std.id }, now);
    expect(await watchedStandardIds(t.db, b.id)).to.deep.equal([std.id]);
  });
});
