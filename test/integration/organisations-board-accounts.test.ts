import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { bearerFor, createUser, makeChair, signIn, TEST_PASSWORD, type TestUser } from '../helpers/auth.ts';
import { openBallot, secretariat, vote, type Member } from '../helpers/ballots.ts';

type App = Awaited<ReturnType<typeof testApp>>;
type Audit = { action: string; actor_id: number | null; subject_id: number; data: Record<string, unknown> };

const TODAY = '2026-11-23';
const NOT_VOTER = 'You are not the principal voter or an alternate of a member organisation';

/**
 * The /api/v1 promise (README): before issue 12 any board account voted for its organisation; an account
 * made `board` through the API (or user:create, or a role change) still does: its organisation joins the Board.
 */
describe('organisations: a board account made through the API joins the Board with its organisation', () => {
  let t: App;
  let sec: Member;
  before(async () => {
    t = await testApp();
    sec = await secretariat(t);
  });
  after(() => t.close());

  const make = async (body: Record<string, unknown>): Promise<TestUser> => {
    const res = await request(t.app).post('/api/v1/users').set(...sec.auth).send({ password: TEST_PASSWORD, ...body }).expect(201);
    return { ...(await t.db('users').where({ id: res.body.user.id }).first()), password: TEST_PASSWORD } as TestUser;
  };
  const membershipsOf = async (orgId: number) =>
    (await request(t.app).get('/api/v1/board/memberships').set(...sec.auth).expect(200)).body.memberships.filter((m: { organisation_id: number }) => m.organisation_id === orgId);
  const auditOf = async (action: string, since: number): Promise<Audit[]> =>
    (await t.db('audit_events').where({ action }).andWhere('id', '>', since).orderBy('id').select('action', 'actor_id', 'subject_id', 'data')).map((e: { data: string; actor_id: unknown; subject_id: unknown }) => ({ ...e, actor_id: e.actor_id == null ? null : Number(e.actor_id), subject_id: Number(e.subject_id), data: JSON.parse(e.data) }) as Audit);
  const lastAuditId = async (): Promise<number> => Number((await t.db('audit_events').max({ m: 'id' }).first())?.m ?? 0);

  it('votes at once: the new organisation is confirmed, a member from today with the account as principal, and /me says so', async () => {
    const before = await lastAuditId();
    const user = await make({ name: 'First Delegate', email: 'first@newngo.example', organisation: 'Brand New NGO', role: 'board' });
    const org = await t.db('organisations').where({ id: user.organisation_id }).first();
    expect(Boolean(org.confirmed)).to.equal(true);
    const [m] = await membershipsOf(user.organisation_id!);
    expect(m).to.deep.include({ organisation: 'Brand New NGO', status: 'member', from: TODAY, until: null, principal: { id: user.id, name: 'First Delegate' }, alternates: [] });
    expect((await request(t.app).get('/api/v1/board').expect(200)).body.members.map((o: { name: string }) => o.name)).to.include('Brand New NGO');
    // the audit: the organisation confirmed and the membership added, by the secretariat, saying why
    const confirmed = await auditOf('organisation.confirmed', before);
    expect(confirmed).to.have.length(1);
    expect(confirmed[0]).to.deep.include({ actor_id: sec.user.id, subject_id: user.organisation_id });
    expect(confirmed[0]!.data).to.deep.include({ confirmed: { from: false, to: true }, via: 'board_account', user_id: user.id });
    const added = await auditOf('board.membership_added', before);
    expect(added).to.have.length(1);
    expect(added[0]).to.deep.include({ actor_id: sec.user.id, subject_id: m.id });
    expect(added[0]!.data).to.deep.equal({ organisation_id: user.organisation_id, organisation: 'Brand New NGO', status: 'member', from: TODAY, until: null, principal_user_id: user.id, alternate_user_ids: [], via: 'board_account' });
    // /me no longer says the account cannot vote
    const agent = request.agent(t.app);
    await signIn(agent, user);
    expect((await agent.get('/me').expect(200)).text).not.to.contain(NOT_VOTER);
    // and it votes on a ballot opened now
    const b = await openBallot(t, sec);
    expect(b.electorate).to.include('Brand New NGO');
    const cast = await vote(t, { user, auth: (await bearerFor(t, user)).auth }, b.id, 'approve');
    expect(cast.status, JSON.stringify(cast.body)).to.equal(200);
    await request(t.app).post(`/api/v1/ballots/${b.id}/cancel`).set(...sec.auth).expect(200);
  });

  it('a second board account of the organisation (its name spelled otherwise) becomes an alternate, audited; a third too', async () => {
    const first = (await t.db('users').where({ email: 'first@newngo.example' }).first()) as TestUser;
    const before = await lastAuditId();
    const second = await make({ name: 'Second Delegate', email: 'second@newngo.example', organisation: ' brand new ngo', role: 'board' });
    expect(second.organisation_id).to.equal(first.organisation_id);
    const third = await make({ name: 'Third Delegate', email: 'third@newngo.example', organisation_id: first.organisation_id, role: 'board' });
    const ms = await membershipsOf(first.organisation_id!);
    expect(ms).to.have.length(1);
    expect(ms[0]).to.deep.include({ status: 'member', from: TODAY, principal: { id: first.id, name: 'First Delegate' } });
    expect(ms[0].alternates.map((a: { id: number }) => a.id)).to.have.members([second.id, third.id]);
    const changed = await auditOf('board.membership_changed', before);
    expect(changed).to.have.length(2);
    expect(changed[0]).to.deep.include({ actor_id: sec.user.id, subject_id: ms[0].id });
    expect(changed[0]!.data).to.deep.include({
      via: 'board_account',
      from: { status: 'member', from: TODAY, until: null, principal_user_id: first.id, alternate_user_ids: [] },
      to: { status: 'member', from: TODAY, until: null, principal_user_id: first.id, alternate_user_ids: [second.id] },
    });
    expect(await auditOf('board.membership_added', before)).to.have.length(0);
    expect(await auditOf('organisation.confirmed', before)).to.have.length(0);
    // the alternate votes too
    const b = await openBallot(t, sec);
    const cast = await vote(t, { user: second, auth: (await bearerFor(t, second)).auth }, b.id, 'disapprove', 'Clause 4 is unsafe.');
    expect(cast.status, JSON.stringify(cast.body)).to.equal(200);
    await request(t.app).post(`/api/v1/ballots/${b.id}/cancel`).set(...sec.auth).expect(200);
  });

  it('a membership holding today with no principal gets the account as principal', async () => {
    const org = (await request(t.app).post('/api/v1/organisations').set(...sec.auth).send({ name: 'Principal-less Org' }).expect(201)).body.organisation;
    await request(t.app).post('/api/v1/board/memberships').set(...sec.auth).send({ organisation_id: org.id, status: 'member', from: '2026-01-01' }).expect(201);
    const user = await make({ name: 'Now Principal', email: 'p@principalless.example', organisation_id: org.id, role: 'board' });
    const ms = await membershipsOf(org.id);
    expect(ms).to.have.length(1);
    expect(ms[0]).to.deep.include({ status: 'member', from: '2026-01-01', until: null, principal: { id: user.id, name: 'Now Principal' }, alternates: [] });
  });

  it('an observer stays an observer; the chair\'s organisation is not made a member', async () => {
    const org = (await request(t.app).post('/api/v1/organisations').set(...sec.auth).send({ name: 'Watching Org' }).expect(201)).body.organisation;
    await request(t.app).post('/api/v1/board/memberships').set(...sec.auth).send({ organisation_id: org.id, status: 'observer', from: '2026-01-01' }).expect(201);
    const p = await make({ name: 'Observer One', email: 'o1@watching.example', organisation_id: org.id, role: 'board' });
    const a = await make({ name: 'Observer Two', email: 'o2@watching.example', organisation_id: org.id, role: 'board' });
    const ms = await membershipsOf(org.id);
    expect(ms).to.have.length(1);
    expect(ms[0]).to.deep.include({ status: 'observer', from: '2026-01-01', principal: { id: p.id, name: 'Observer One' }, alternates: [{ id: a.id, name: 'Observer Two' }] });
    const board = (await request(t.app).get('/api/v1/board').expect(200)).body;
    expect(board.members.map((o: { name: string }) => o.name)).not.to.include('Watching Org');
    expect(board.observers.map((o: { name: string }) => o.name)).to.include('Watching Org');

    const chair = await createUser(t.db, { role: 'board', organisation: 'Chairing Org', name: 'The chair', boardMember: false });
    await makeChair(t.db, chair);
    await make({ name: 'Chair colleague', email: 'c@chairing.example', organisation_id: chair.organisation_id, role: 'board' });
    expect(await membershipsOf(chair.organisation_id!)).to.deep.equal([]);
  });

  it('a membership that begins later: the new one ends the day before', async () => {
    const org = (await request(t.app).post('/api/v1/organisations').set(...sec.auth).send({ name: 'Joining Later Org' }).expect(201)).body.organisation;
    await request(t.app).post('/api/v1/board/memberships').set(...sec.auth).send({ organisation_id: org.id, status: 'member', from: '2027-01-01' }).expect(201);
    const user = await make({ name: 'Early', email: 'early@later.example', organisation_id: org.id, role: 'board' });
    const ms = await membershipsOf(org.id);
    expect(ms.map((m: { from: string; until: string | null; principal: { id: number } | null }) => [m.from, m.until, m.principal?.id ?? null])).to.deep.equal([
      ['2027-01-01', null, null],
      [TODAY, '2026-12-31', user.id],
    ]);
  });

  it('a role change to board joins (once); a board account moved to another organisation joins that one', async () => {
    const reader = await make({ name: 'Promoted', email: 'promoted@rolechange.example', organisation: 'Role Change NGO', role: 'stakeholder' });
    expect(await membershipsOf(reader.organisation_id!)).to.deep.equal([]);
    expect(Boolean((await t.db('organisations').where({ id: reader.organisation_id }).first()).confirmed)).to.equal(false);
    const before = await lastAuditId();
    await request(t.app).patch(`/api/v1/users/${reader.id}`).set(...sec.auth).send({ role: 'board' }).expect(200);
    const ms = await membershipsOf(reader.organisation_id!);
    expect(ms).to.have.length(1);
    expect(ms[0]).to.deep.include({ status: 'member', from: TODAY, until: null, principal: { id: reader.id, name: 'Promoted' } });
    expect((await auditOf('board.membership_added', before)).map((e) => e.actor_id)).to.deep.equal([sec.user.id]);
    expect(await auditOf('organisation.confirmed', before)).to.have.length(1);
    // a change of name does nothing more
    await request(t.app).patch(`/api/v1/users/${reader.id}`).set(...sec.auth).send({ name: 'Promoted Delegate' }).expect(200);
    expect(await auditOf('board.membership_changed', before)).to.have.length(0);

    // moved: it leaves the old organisation's membership and joins the new one's
    const target = (await t.db('users').where({ email: 'first@newngo.example' }).first()) as TestUser;
    await request(t.app).patch(`/api/v1/users/${reader.id}`).set(...sec.auth).send({ organisation_id: target.organisation_id }).expect(200);
    expect((await membershipsOf(reader.organisation_id!))[0].principal).to.equal(null);
    const there = await membershipsOf(target.organisation_id!);
    expect(there[0].alternates.map((a: { id: number }) => a.id)).to.include(reader.id);
  });

  it('not for stakeholders, registration or disabled accounts', async () => {
    const st = await make({ name: 'Reader', email: 'reader@plain.example', organisation: 'Plain Readers', role: 'stakeholder' });
    expect(await membershipsOf(st.organisation_id!)).to.deep.equal([]);
    await request(t.app).post('/api/v1/register').send({ name: 'Self', email: 'self@selfreg.example', organisation: 'Self Registered Org', password: 'a good long passphrase' }).expect(202);
    const self = await t.db('users').where({ email: 'self@selfreg.example' }).first();
    expect(self.role).to.equal('stakeholder');
    expect(await membershipsOf(self.organisation_id)).to.deep.equal([]);
    expect(Boolean((await t.db('organisations').where({ id: self.organisation_id }).first()).confirmed)).to.equal(false);
    // disabled, then made board: no vote until the secretariat re-enables it and places it
    await request(t.app).patch(`/api/v1/users/${st.id}`).set(...sec.auth).send({ disabled: true }).expect(200);
    await request(t.app).patch(`/api/v1/users/${st.id}`).set(...sec.auth).send({ role: 'board' }).expect(200);
    expect(await membershipsOf(st.organisation_id!)).to.deep.equal([]);
  });

  it('the OpenAPI description of POST /users says so', async () => {
    const doc = (await request(t.app).get('/api/v1/openapi.json').expect(200)).body;
    expect(doc.paths['/users'].post.description).to.match(/`board` account votes for its organisation/).and.to.match(/joins the Board/).and.to.match(/alternate/);
    expect(doc.paths['/users/{id}'].patch.description).to.match(/joins the Board/);
  });
});
