import { expect } from 'chai';
import type { Db } from '../../server/db.ts';
import { testDb } from '../helpers/app.ts';
import { boardOn, utcDay, votingOrganisationOf } from '../../server/organisations/board.ts';

/** The Board on a day (server/organisations/board.ts), on the dated facts written straight into the tables. */
describe('organisations: the Board on a day', () => {
  let db: Db;
  const ids: Record<string, number> = {};
  const users: Record<string, number> = {};
  const at = '2026-01-01T00:00:00.000Z';
  const insertId = (r: unknown) => (typeof r === 'object' ? (r as { id: number }).id : (r as number));
  before(async () => {
    db = await testDb();
    for (const name of ['GICHD', 'UNDP', 'UNMAS', 'Observer Org', 'Leaving Org']) {
      const [r] = await db('organisations').insert({ name, name_key: name.toLowerCase(), confirmed: true, created_at: at }).returning('id');
      ids[name] = insertId(r);
    }
    for (const [u, org] of [['gichd-principal', 'GICHD'], ['gichd-alternate', 'GICHD'], ['gichd-other', 'GICHD'], ['undp', 'UNDP'], ['unmas', 'UNMAS'], ['observer', 'Observer Org'], ['leaving', 'Leaving Org']] as const) {
      const [r] = await db('users').insert({ email: `${u}@example.org`, name: u, organisation: org, organisation_id: ids[org], role: 'board', password_hash: 'x', created_at: at }).returning('id');
      users[u] = insertId(r);
    }
    const membership = async (org: string, status: string, from: string, until: string | null, principal: string | null) => {
      const [r] = await db('board_memberships').insert({ organisation_id: ids[org], status, from_date: from, until_date: until, principal_user_id: principal ? users[principal] : null, created_at: at }).returning('id');
      return insertId(r);
    };
    const g = await membership('GICHD', 'member', '2020-01-01', null, 'gichd-principal');
    await db('board_alternates').insert({ membership_id: g, user_id: users['gichd-alternate'] });
    await membership('UNDP', 'member', '2026-03-01', null, 'undp');
    await membership('UNMAS', 'member', '2020-01-01', null, 'unmas');
    await membership('Observer Org', 'observer', '2020-01-01', null, 'observer');
    await membership('Leaving Org', 'member', '2020-01-01', '2026-06-30', 'leaving');
    await db('board_chairs').insert({ organisation_id: ids.UNMAS, representative_user_id: users.unmas, from_date: '2020-01-01', until_date: null, created_at: at });
  });
  after(() => db.destroy());

  it('reads a day from a date or an instant (UTC)', () => {
    expect(utcDay('2026-06-30')).to.equal('2026-06-30');
    expect(utcDay('2026-06-30T23:30:00-02:00')).to.equal('2026-07-01');
  });

  it('lists members without observers and the chair, with the chair apart', async () => {
    const b = await boardOn(db, '2026-06-30T12:00:00Z');
    expect(b.members.map((o) => o.name)).to.deep.equal(['GICHD', 'Leaving Org', 'UNDP']);
    expect(b.observers.map((o) => o.name)).to.deep.equal(['Observer Org']);
    expect(b.chair).to.deep.equal({ id: ids.UNMAS, name: 'UNMAS', short_name: null, representative_user_id: users.unmas });
  });

  it('follows the dates: a membership that ends or begins between two days', async () => {
    const before = await boardOn(db, '2026-02-28');
    expect(before.members.map((o) => o.name)).to.deep.equal(['GICHD', 'Leaving Org']);
    const after = await boardOn(db, '2026-07-01');
    expect(after.members.map((o) => o.name)).to.deep.equal(['GICHD', 'UNDP']);
    expect((await boardOn(db, '2019-12-31')).chair).to.equal(null);
  });

  it("finds the organisation a principal or an alternate votes for; none for others, the chair's or an observer", async () => {
    expect(await votingOrganisationOf(db, users['gichd-principal']!, '2026-07-01')).to.deep.equal({ id: ids.GICHD, name: 'GICHD', short_name: null });
    expect((await votingOrganisationOf(db, users['gichd-alternate']!, '2026-07-01'))?.id).to.equal(ids.GICHD);
    expect(await votingOrganisationOf(db, users['gichd-other']!, '2026-07-01')).to.equal(null);
    expect(await votingOrganisationOf(db, users.unmas!, '2026-07-01')).to.equal(null);
    expect(await votingOrganisationOf(db, users.observer!, '2026-07-01')).to.equal(null);
    expect((await votingOrganisationOf(db, users.leaving!, '2026-06-30'))?.name).to.equal('Leaving Org');
    expect(await votingOrganisationOf(db, users.leaving!, '2026-07-01')).to.equal(null);
    expect(await votingOrganisationOf(db, users.undp!, '2026-02-01')).to.equal(null);
  });
});
