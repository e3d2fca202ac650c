import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, bearerFor, createUser, csrfFrom, makeChair, TEST_PASSWORD, type TestUser } from '../helpers/auth.ts';
import { htmlProblems } from '../helpers/html.ts';
import { newDraft, openBallot, secretariat, vote, type Member } from '../helpers/ballots.ts';

type App = Awaited<ReturnType<typeof testApp>>;
const idOf = async (t: App, name: string): Promise<number> => (await t.db('organisations').whereRaw('lower(name) = lower(?)', [name]).whereNull('merged_into_id').first('id')).id;
const memberOf = async (t: App, user: TestUser): Promise<Member> => ({ user, auth: (await bearerFor(t, user)).auth });
const actions = async (t: App, action: string) => (await t.db('audit_events').where({ action }).select('data')).map((e: { data: string }) => JSON.parse(e.data) as Record<string, unknown>);

/** Issue 12 items 1, 2 and 7: the organisations register, Board membership, registration, the Board pages. */
describe('organisations: one record per organisation, one vote per member organisation', () => {
  let t: App;
  let sec: Member;
  before(async () => {
    t = await testApp();
    sec = await secretariat(t);
  });
  after(() => t.close());

  it('the same new organisation created several times at once: one record, the others told the name is taken (fuzz, PostgreSQL: 500)', async () => {
    // one server, the requests on connections of their own, so that they reach the check together
    const server = t.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as AddressInfo;
    try {
      for (let round = 0; round < 5; round++) {
        const name = `At Once NGO ${round}`;
        const posts = await Promise.all(
          Array.from({ length: 6 }, () =>
            fetch(`http://127.0.0.1:${port}/api/v1/organisations`, { method: 'POST', headers: { 'Content-Type': 'application/json', [sec.auth[0]]: sec.auth[1] }, body: JSON.stringify({ name, kind: 'ngo' }) }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error?: { message: string } } })),
          ),
        );
        expect(posts.map((r) => r.status).sort()).to.deep.equal([201, 422, 422, 422, 422, 422]);
        for (const r of posts.filter((x) => x.status === 422)) expect(r.body.error!.message).to.include(name);
        const list = (await request(t.app).get('/api/v1/organisations').set(...sec.auth).expect(200)).body.organisations as Array<{ name: string }>;
        expect(list.filter((o) => o.name === name)).to.have.length(1);
      }
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('matches case and spacing variants of a name to one record, through every API that takes a name', async () => {
    const a = await request(t.app).post('/api/v1/users').set(...sec.auth).send({ name: 'Principal', email: 'p@gichd.example', organisation: 'GICHD', role: 'board', password: TEST_PASSWORD }).expect(201);
    const b = await request(t.app).post('/api/v1/users').set(...sec.auth).send({ name: 'Alternate', email: 'a@gichd.example', organisation: '  gichd ', role: 'board', password: TEST_PASSWORD }).expect(201);
    await request(t.app).post('/api/v1/register').send({ name: 'Reader', email: 'r@gichd.example', organisation: 'Gichd', password: 'a good long passphrase' }).expect(202);
    expect(a.body.user).to.include({ organisation: 'GICHD' });
    expect(b.body.user).to.include({ organisation: 'GICHD', organisation_id: a.body.user.organisation_id });
    expect((await t.db('users').where({ email: 'r@gichd.example' }).first()).organisation_id).to.equal(a.body.user.organisation_id);
    expect(await t.db('organisations').whereRaw('lower(name) = ?', ['gichd']).count({ n: '*' }).first()).to.deep.equal({ n: 1 });
    // A name nobody confirmed: not in the public register until the secretariat confirms it.
    await request(t.app).post('/api/v1/register').send({ name: 'Loner', email: 'loner@example.org', organisation: 'Nobody Vouched NGO', password: 'a good long passphrase' }).expect(202);
    const record = await request(t.app).get(`/api/v1/organisations/${await idOf(t, 'Nobody Vouched NGO')}`).expect(404);
    expect(record.body.error.message).to.match(/no such organisation/);
    // The secretariat vouched for GICHD by making board accounts in it: confirmed, public.
    expect((await request(t.app).get(`/api/v1/organisations/${a.body.user.organisation_id}`).expect(200)).body.organisation).to.include({ name: 'GICHD', confirmed: true });
    const confirmed = await request(t.app).patch(`/api/v1/organisations/${a.body.user.organisation_id}`).set(...sec.auth).send({ confirmed: true, kind: 'ngo', short_name: 'GICHD' }).expect(200);
    expect(confirmed.body.organisation).to.include({ confirmed: true, kind: 'ngo' });
    expect((await request(t.app).get('/api/v1/organisations').expect(200)).body.organisations.map((o: { name: string }) => o.name)).to.include('GICHD');
  });

  it('principal and alternate of one organisation, spelled two ways, voting at once → one vote, both in the history', async () => {
    const orgId = await idOf(t, 'GICHD');
    const principal = (await t.db('users').where({ email: 'p@gichd.example' }).first()) as TestUser;
    const alternate = (await t.db('users').where({ email: 'a@gichd.example' }).first()) as TestUser;
    // Made through the API as board accounts, both joined: the first as principal, the second as alternate.
    const joined = (await request(t.app).get('/api/v1/board/memberships').set(...sec.auth).expect(200)).body.memberships.filter((x: { organisation: string }) => x.organisation === 'GICHD');
    expect(joined).to.have.length(1);
    expect(joined[0]).to.deep.include({ organisation: 'GICHD', status: 'member', from: '2026-11-23', until: null, principal: { id: principal.id, name: 'Principal' }, alternates: [{ id: alternate.id, name: 'Alternate' }] });
    // The secretariat can still date it back on /admin/board.
    const added = await request(t.app).put(`/api/v1/board/memberships/${joined[0].id}`).set(...sec.auth)
      .send({ status: 'member', from: '2026-01-01', principal_user_id: principal.id, alternates: [alternate.id] }).expect(200);
    expect(added.body.membership).to.deep.include({ organisation: 'GICHD', status: 'member', from: '2026-01-01', until: null, principal: { id: principal.id, name: 'Principal' } });
    const b = await openBallot(t, sec);
    expect(b.electorate).to.deep.equal(['GICHD']);
    expect(b.electorate_ids).to.deep.equal([orgId]);
    const [p, q] = await Promise.all([vote(t, await memberOf(t, principal), b.id, 'approve'), vote(t, await memberOf(t, alternate), b.id, 'disapprove', 'Clause 4 is unsafe.')]);
    expect([p.status, q.status]).to.deep.equal([200, 200]);
    const rows = await t.db('votes').where({ ballot_id: b.id });
    expect(rows).to.have.length(1);
    expect(rows[0].organisation_id).to.equal(orgId);
    const events = await t.db('vote_events').where({ ballot_id: b.id }).orderBy('id').select('cast_by', 'position');
    expect(events.map((e: { cast_by: number }) => e.cast_by)).to.have.members([principal.id, alternate.id]);
    // the last write stands
    expect(rows[0].position).to.equal(events.at(-1).position);
    const view = (await request(t.app).get(`/api/v1/ballots/${b.id}`).set(...sec.auth).expect(200)).body;
    expect(view.tally.approve + view.tally.disapprove).to.equal(1);
    expect(view.votes).to.have.length(1);
    expect(view.votes[0]).to.include({ organisation: 'GICHD', organisation_id: orgId });
    await request(t.app).post(`/api/v1/ballots/${b.id}/cancel`).set(...sec.auth).expect(200);
  });

  it('refuses voters who are not board accounts of the organisation, and an unconfirmed organisation', async () => {
    const other = await createUser(t.db, { role: 'board', organisation: 'Another NGO' });
    const m = (await request(t.app).get('/api/v1/board/memberships').set(...sec.auth).expect(200)).body.memberships.find((x: { organisation: string }) => x.organisation === 'GICHD');
    const bad = await request(t.app).put(`/api/v1/board/memberships/${m.id}`).set(...sec.auth).send({ status: 'member', from: '2026-01-01', principal_user_id: other.id, alternates: [] }).expect(422);
    expect(bad.body.error.fields.principal_user_id).to.match(/not an account of "GICHD"/);
    const reader = await t.db('users').where({ email: 'r@gichd.example' }).first();
    const notBoard = await request(t.app).put(`/api/v1/board/memberships/${m.id}`).set(...sec.auth).send({ status: 'member', from: '2026-01-01', principal_user_id: reader.id }).expect(422);
    expect(notBoard.body.error.fields.principal_user_id).to.match(/board role/);
    await request(t.app).post('/api/v1/register').send({ name: 'Typo', email: 'typo@example.org', organisation: 'Unheard Of Org', password: 'a good long passphrase' }).expect(202);
    const unconfirmed = await request(t.app).post('/api/v1/board/memberships').set(...sec.auth).send({ organisation_id: await idOf(t, 'Unheard Of Org'), status: 'member', from: '2026-01-01' }).expect(422);
    expect(unconfirmed.body.error.fields.organisation_id).to.match(/not confirmed/);
    const overlap = await request(t.app).post('/api/v1/board/memberships').set(...sec.auth).send({ organisation_id: await idOf(t, 'GICHD'), status: 'observer', from: '2026-06-01' }).expect(409);
    expect(overlap.body.error.message).to.match(/already on the Review Board/);
  });

  it('an account moved to another organisation is no longer its old one\'s voter', async () => {
    const mover = await createUser(t.db, { role: 'board', organisation: 'Moving NGO' });
    const m = await t.db('board_memberships').where({ organisation_id: mover.organisation_id }).first();
    expect(m.principal_user_id).to.equal(mover.id);
    const moved = await request(t.app).patch(`/api/v1/users/${mover.id}`).set(...sec.auth).send({ organisation: 'gichd' }).expect(200);
    expect(moved.body.user).to.include({ organisation: 'GICHD', organisation_id: await idOf(t, 'GICHD') });
    expect((await t.db('board_memberships').where({ id: m.id }).first()).principal_user_id).to.equal(null);
    // a board account cannot move itself: its organisation is the member it votes for
    const self = await request(t.app).patch(`/api/v1/users/${mover.id}`).set(...(await bearerFor(t, { ...mover, password: TEST_PASSWORD })).auth).send({ organisation: 'Moving NGO' }).expect(403);
    expect(self.body.error.message).to.match(/ask the secretariat/);
  });

  it('keeps the API to the secretariat: 401 without a token, 403 for others', async () => {
    await request(t.app).post('/api/v1/organisations').send({ name: 'X' }).expect(401);
    const st = await bearerFor(t, 'stakeholder');
    await request(t.app).post('/api/v1/organisations').set(...st.auth).send({ name: 'X' }).expect(403);
    await request(t.app).get('/api/v1/board/memberships').set(...st.auth).expect(403);
    await request(t.app).post('/api/v1/board/chairs').set(...st.auth).send({}).expect(403);
    const dup = await request(t.app).post('/api/v1/organisations').set(...sec.auth).send({ name: ' gichd' }).expect(422);
    expect(dup.body.error.fields.name).to.match(/already an organisation called "GICHD"/);
  });
});

describe('organisations: the electorate is the member organisations on the opening day', () => {
  let t: App;
  let sec: Member;
  let leaving: TestUser;
  let chairUser: TestUser;
  before(async () => {
    t = await testApp();
    sec = await secretariat(t);
    await createUser(t.db, { role: 'board', organisation: 'UNDP' });
    leaving = await createUser(t.db, { role: 'board', organisation: 'Leaving NGO' });
    // UNMAS: a member that also chairs (the chair's organisation does not vote); an observer
    await createUser(t.db, { role: 'board', organisation: 'UNMAS' });
    chairUser = await createUser(t.db, { role: 'board', organisation: 'UNMAS', name: 'Chair person', boardMember: false });
    await makeChair(t.db, chairUser);
    const observer = await createUser(t.db, { role: 'board', organisation: 'Observer Org', boardMember: false });
    await t.db('organisations').where({ id: observer.organisation_id }).update({ confirmed: true });
    await request(t.app).post('/api/v1/board/memberships').set(...sec.auth).send({ organisation_id: observer.organisation_id, status: 'observer', from: '2026-01-01', principal_user_id: observer.id }).expect(201);
  });
  after(() => t.close());

  it('leaves out observers and the chair, and says so on the Board page and API', async () => {
    const board = (await request(t.app).get('/api/v1/board').expect(200)).body;
    expect(board.members.map((o: { name: string }) => o.name)).to.deep.equal(['Leaving NGO', 'UNDP']);
    expect(board.observers).to.deep.equal([{ id: await idOf(t, 'Observer Org'), name: 'Observer Org', short_name: null, since: '2026-01-01' }]);
    expect(board.chair).to.include({ name: 'UNMAS', representative: 'Chair person', since: '2000-01-01' });
    const page = await request(t.app).get('/board').expect(200);
    expect(page.text).to.contain('Member organisations (2)');
    expect(page.text).to.contain('Observers (1)');
    expect(page.text).to.match(/UNMAS(<\/bdi>)?<\/a>, represented by/);
    const b = await openBallot(t, sec);
    expect(b.electorate).to.deep.equal(['Leaving NGO', 'UNDP']);
    const chair = await vote(t, await memberOf(t, chairUser), b.id, 'approve');
    expect(chair.status).to.equal(403);
    expect(chair.body.error.message).to.match(/chair/);
    const unmasMember = (await t.db('users').where({ organisation: 'UNMAS' }).whereNot({ id: chairUser.id }).first()) as TestUser;
    expect((await vote(t, await memberOf(t, unmasMember), b.id, 'approve')).status).to.equal(403);
    const observer = (await t.db('users').where({ organisation: 'Observer Org' }).first()) as TestUser;
    expect((await vote(t, await memberOf(t, observer), b.id, 'approve')).status).to.equal(403);
    await request(t.app).post(`/api/v1/ballots/${b.id}/cancel`).set(...sec.auth).expect(200);
  });

  it('a membership that ends between two ballots: in the first electorate, not in the second', async () => {
    const m = (await request(t.app).get('/api/v1/board/memberships').set(...sec.auth).expect(200)).body.memberships.find((x: { organisation: string }) => x.organisation === 'Leaving NGO');
    await request(t.app).put(`/api/v1/board/memberships/${m.id}`).set(...sec.auth).send({ status: 'member', from: m.from, until: '2026-11-23', principal_user_id: leaving.id }).expect(200);
    const first = await openBallot(t, sec);
    expect(first.electorate).to.include('Leaving NGO');
    expect((await vote(t, await memberOf(t, leaving), first.id, 'disapprove', 'Not ready.')).status).to.equal(200);
    await request(t.app).post(`/api/v1/ballots/${first.id}/close`).set(...sec.auth).expect(200);
    t.clock.set('2026-11-24T09:00:00.000Z');
    const second = await openBallot(t, sec, {}, (await newDraft(t)).n);
    expect(second.electorate).to.deep.equal(['UNDP']);
    const refused = await vote(t, await memberOf(t, leaving), second.id, 'approve');
    expect(refused.status).to.equal(403);
    // the ended membership cannot be deleted: it put the organisation in an electorate
    const del = await request(t.app).delete(`/api/v1/board/memberships/${m.id}`).set(...sec.auth).expect(409);
    expect(del.body.error.message).to.match(/end it/);
    await request(t.app).post(`/api/v1/ballots/${second.id}/cancel`).set(...sec.auth).expect(200);
  });

  it("lists an organisation's positions and reasons on closed ballots only", async () => {
    const orgId = await idOf(t, 'Leaving NGO');
    const api = (await request(t.app).get(`/api/v1/organisations/${orgId}`).expect(200)).body;
    expect(api.voting_record).to.have.length(1);
    expect(api.voting_record[0]).to.include({ designation: 'IMAS 07.11', position: 'disapprove', reason: 'Not ready.' });
    expect(api.board.memberships[0]).to.include({ status: 'member', until: '2026-11-23', current: false });
    const page = await request(t.app).get(`/organisations/${orgId}`).expect(200);
    expect(page.text).to.contain('Not ready.');
    expect(page.text).to.contain('disapprove');
    // UNDP was in two electorates: the closed ballot (did not vote) is listed; the open one is not, nor its vote
    const undp = await idOf(t, 'UNDP');
    const undpUser = (await t.db('users').where({ organisation_id: undp }).first()) as TestUser;
    const open = await openBallot(t, sec, {}, (await newDraft(t)).n);
    expect((await vote(t, await memberOf(t, undpUser), open.id, 'disapprove', 'A secret until the close.')).status).to.equal(200);
    const before = (await request(t.app).get(`/api/v1/organisations/${undp}`).expect(200)).body.voting_record;
    expect(before.map((r: { position: string | null }) => r.position)).to.deep.equal([null]);
    expect((await request(t.app).get(`/organisations/${undp}`).expect(200)).text).not.to.contain('A secret until the close.');
    await request(t.app).post(`/api/v1/ballots/${open.id}/close`).set(...sec.auth).expect(200);
    const after = (await request(t.app).get(`/api/v1/organisations/${undp}`).expect(200)).body.voting_record;
    expect(after[0]).to.include({ ballot_id: open.id, position: 'disapprove', reason: 'A secret until the close.' });
  });

  it('sets a new chair from a day: the one in office hands over the day before, audited', async () => {
    const undp = await idOf(t, 'UNDP');
    const res = await request(t.app).post('/api/v1/board/chairs').set(...sec.auth).send({ organisation_id: undp, from: '2026-12-01' }).expect(201);
    expect(res.body.chair).to.include({ organisation: 'UNDP', from: '2026-12-01', until: null });
    const chairs = (await request(t.app).get('/api/v1/board/memberships').set(...sec.auth).expect(200)).body.chairs;
    expect(chairs.find((c: { organisation: string }) => c.organisation === 'UNMAS')).to.include({ until: '2026-11-30' });
    const later = (await request(t.app).get('/api/v1/board?on=2026-12-01').expect(200)).body;
    expect(later.chair).to.include({ name: 'UNDP' });
    expect(later.members.map((o: { name: string }) => o.name)).to.deep.equal(['UNMAS']);
    expect((await actions(t, 'board.chair_set'))[0]).to.include({ organisation: 'UNDP', from: '2026-12-01' });
    expect(await actions(t, 'board.membership_changed')).to.have.length(1);
  });
});

describe('organisations: registration chooses one, or "other", which the secretariat confirms or merges', () => {
  let t: App;
  let sec: Member;
  before(async () => {
    t = await testApp();
    sec = await secretariat(t);
    await request(t.app).post('/api/v1/organisations').set(...sec.auth).send({ name: 'HALO Trust', kind: 'ngo' }).expect(201);
    await request(t.app).post('/api/v1/organisations').set(...sec.auth).send({ name: 'Hidden Draft Org', confirmed: false }).expect(201);
  });
  after(() => t.close());

  const registerPage = async (body: Record<string, string>) => {
    const agent = request.agent(t.app);
    const form = await agent.get('/register').expect(200);
    return { form, res: await agent.post('/register').type('form').send({ _csrf: csrfFrom(form.text), name: 'Ana', password: 'a good long passphrase', ...body }) };
  };

  it('offers the confirmed organisations and "other"; choosing one joins its record', async () => {
    const halo = await idOf(t, 'HALO Trust');
    const { form, res } = await registerPage({ email: 'ana@halo.example', organisation_id: String(halo) });
    expect(form.text).to.contain(`<option value="${halo}">HALO Trust</option>`);
    expect(form.text).not.to.contain('Hidden Draft Org');
    expect(form.text).to.contain('<option value="other">');
    expect(res.status).to.equal(200);
    expect((await t.db('users').where({ email: 'ana@halo.example' }).first()).organisation_id).to.equal(halo);
    // an unconfirmed record cannot be chosen by its id
    const hidden = await registerPage({ email: 'ana2@halo.example', organisation_id: String(await idOf(t, 'Hidden Draft Org')) });
    expect(hidden.res.status).to.equal(422);
    expect(hidden.res.text).to.contain('Choose an organisation from the list');
  });

  it('"other: name it" makes an unconfirmed record (never a Board member); no name is refused at the field', async () => {
    const none = await registerPage({ email: 'bo@field.example', organisation_id: 'other', organisation_other: '' });
    expect(none.res.status).to.equal(422);
    expect(none.res.text).to.contain('Name your organisation.');
    const ok = await registerPage({ email: 'bo@field.example', organisation_id: 'other', organisation_other: ' Field  Demining ' });
    expect(ok.res.status).to.equal(200);
    const org = await t.db('organisations').where({ name: 'Field Demining' }).first();
    expect(org.confirmed).to.equal(0);
    expect((await t.db('users').where({ email: 'bo@field.example' }).first()).organisation_id).to.equal(org.id);
    expect(await t.db('board_memberships').where({ organisation_id: org.id }).count({ n: '*' }).first()).to.deep.equal({ n: 0 });
    expect((await actions(t, 'organisation.created')).find((d) => d.name === 'Field Demining')).to.include({ confirmed: false, via: 'registration' });
    // the same name again, spelled otherwise, is the same record
    await request(t.app).post('/api/v1/register').send({ name: 'Cy', email: 'cy@field.example', organisation: 'field demining', password: 'a good long passphrase' }).expect(202);
    expect((await t.db('users').where({ email: 'cy@field.example' }).first()).organisation_id).to.equal(org.id);
  });

  it('the secretariat confirms one on the register page', async () => {
    const s = await agentFor(t, 'secretariat');
    const page = await s.agent.get('/admin/organisations').expect(200);
    const waiting = page.text.slice(page.text.indexOf('id="unconfirmed"'), page.text.indexOf('id="add"'));
    expect(waiting).to.contain('Field Demining');
    expect(waiting).to.contain('Hidden Draft Org');
    expect(waiting).not.to.match(/HALO Trust(<\/bdi>)?<\/a>/);
    const id = await idOf(t, 'Field Demining');
    await s.agent.post(`/admin/organisations/${id}/confirm`).type('form').send({ _csrf: s.csrf }).expect(303);
    expect((await t.db('organisations').where({ id }).first()).confirmed).to.equal(1);
    expect((await request(t.app).get('/register').expect(200)).text).to.contain('Field Demining');
    expect((await actions(t, 'organisation.confirmed')).length).to.equal(1);
  });

  it('merging moves accounts, Board membership and votes; the old name leads to the record it was merged into', async () => {
    // "HALO" was typed at registration, became a board account's organisation, a member, and voted
    const typo = await createUser(t.db, { role: 'board', organisation: 'The HALO Trust', name: 'Halo delegate' });
    const b = await openBallot(t, sec);
    expect(b.electorate).to.deep.equal(['The HALO Trust']);
    expect((await vote(t, await memberOf(t, typo), b.id, 'approve')).status).to.equal(200);
    const from = await idOf(t, 'The HALO Trust');
    const into = await idOf(t, 'HALO Trust');
    const s = await agentFor(t, 'secretariat');
    const self = await s.agent.post(`/admin/organisations/${from}/merge`).type('form').send({ _csrf: s.csrf, into: String(from) }).expect(422);
    expect(self.text).to.contain('Choose another organisation');
    const revision = async () => Number((await t.db('standards').where({ ref: '07.11' }).first('revision')).revision);
    const before = await revision();
    await s.agent.post(`/admin/organisations/${from}/merge`).type('form').send({ _csrf: s.csrf, into: String(into) }).expect(303);
    expect(await revision()).to.be.greaterThan(before);
    expect((await t.db('users').where({ id: typo.id }).first())).to.include({ organisation_id: into, organisation: 'HALO Trust' });
    expect((await t.db('board_memberships').where({ organisation_id: into })).length).to.equal(1);
    const view = (await request(t.app).get(`/api/v1/ballots/${b.id}`).set(...sec.auth).expect(200)).body;
    expect(view.electorate).to.deep.equal(['HALO Trust']);
    expect(view.votes[0]).to.include({ organisation: 'HALO Trust', position: 'approve' });
    // the merged delegate still votes, for the record it now belongs to
    expect((await vote(t, await memberOf(t, typo), b.id, 'abstain')).status).to.equal(200);
    expect(await t.db('votes').where({ ballot_id: b.id }).count({ n: '*' }).first()).to.deep.equal({ n: 1 });
    await request(t.app).post('/api/v1/register').send({ name: 'Dee', email: 'dee@halo.example', organisation: 'the halo trust', password: 'a good long passphrase' }).expect(202);
    expect((await t.db('users').where({ email: 'dee@halo.example' }).first()).organisation_id).to.equal(into);
    expect((await actions(t, 'organisation.merged'))[0]).to.include({ from_name: 'The HALO Trust', into_name: 'HALO Trust', users: 1, votes_moved: 1 });
    expect((await request(t.app).get('/api/v1/organisations').expect(200)).body.organisations.map((o: { name: string }) => o.name)).not.to.include('The HALO Trust');
    expect((await request(t.app).get(`/organisations/${from}`).expect(301)).headers.location).to.equal(`/organisations/${into}`);
    // renamed to the spelling merged into it: the record answers to it itself
    await request(t.app).patch(`/api/v1/organisations/${into}`).set(...sec.auth).send({ name: 'The HALO Trust' }).expect(200);
    expect((await t.db('users').where({ id: typo.id }).first()).organisation).to.equal('The HALO Trust');
    await request(t.app).patch(`/api/v1/organisations/${into}`).set(...sec.auth).send({ name: 'HALO Trust' }).expect(200);
    await request(t.app).post(`/api/v1/ballots/${b.id}/cancel`).set(...sec.auth).expect(200);
  });

  it('tells the secretariat what the migration merged, until dismissed', async () => {
    const org = await idOf(t, 'HALO Trust');
    const [ins] = await t.db('organisation_notices').insert({ organisation_id: org, kind: 'migrated', spellings: JSON.stringify(['HALO Trust', 'halo trust ']), created_at: '2026-11-23T00:00:00Z' }).returning('id');
    const id = typeof ins === 'object' ? (ins as { id: number }).id : (ins as number);
    const s = await agentFor(t, 'secretariat');
    const page = await s.agent.get('/admin/organisations').expect(200);
    expect(page.text).to.contain('these spellings became one organisation');
    expect(page.text).to.contain('halo trust ');
    await s.agent.post(`/admin/organisations/notices/${id}/dismiss`).type('form').send({ _csrf: s.csrf }).expect(303);
    expect((await s.agent.get('/admin/organisations').expect(200)).text).not.to.contain('these spellings became one organisation');
    expect(await actions(t, 'organisation.notice_dismissed')).to.have.length(1);
  });

  it('sets the Board on its admin page: a membership, then its voters', async () => {
    const s = await agentFor(t, 'secretariat');
    const field = await idOf(t, 'Field Demining');
    const voter = await createUser(t.db, { role: 'board', organisation: 'Field Demining', boardMember: false });
    const page = await s.agent.get('/admin/board').expect(200);
    expect(page.text).to.contain('Add a membership');
    const bad = await s.agent.post('/admin/board/memberships').type('form').send({ _csrf: s.csrf, organisation_id: String(field), status: 'member', from: '2026-13-01' }).expect(422);
    expect(bad.text).to.contain('Enter the first day as a date');
    expect(bad.text).to.contain('value="2026-13-01"');
    const made = await s.agent.post('/admin/board/memberships').type('form').send({ _csrf: s.csrf, organisation_id: String(field), status: 'member', from: '2026-11-01' });
    expect(made.status, made.text.replace(/[\s\S]*<main[^>]*>/, '').slice(0, 1500)).to.equal(303);
    const edit = await s.agent.get(made.headers.location!).expect(200);
    expect(edit.text).to.contain(voter.name);
    const saved = await s.agent.post(made.headers.location!.replace(/\?.*/, '')).type('form').send({ _csrf: s.csrf, status: 'member', from: '2026-11-01', until: '', principal_user_id: String(voter.id) });
    expect(saved.status, saved.text.replace(/[\s\S]*<main[^>]*>/, '').slice(0, 1500)).to.equal(303);
    expect((await request(t.app).get('/api/v1/board').expect(200)).body.members.map((o: { name: string }) => o.name)).to.include('Field Demining');
    expect((await actions(t, 'board.membership_added')).find((d) => d.organisation === 'Field Demining')).to.include({ status: 'member', from: '2026-11-01' });
  });
});

describe('organisations: the pages are valid HTML', () => {
  let t: App;
  const urls: string[] = [];
  before(async () => {
    t = await testApp();
    const sec = await secretariat(t);
    const member = await createUser(t.db, { role: 'board', organisation: 'Valid NGO' });
    await createUser(t.db, { role: 'board', organisation: 'Valid NGO', name: 'Its alternate' });
    const chair = await createUser(t.db, { role: 'board', organisation: 'UNMAS', boardMember: false });
    await makeChair(t.db, chair);
    const b = await openBallot(t, sec);
    await vote(t, await memberOf(t, member), b.id, 'disapprove', 'Reasons <with> "quotes".');
    await request(t.app).post(`/api/v1/ballots/${b.id}/close`).set(...sec.auth).expect(200);
    await t.db('organisation_notices').insert({ organisation_id: member.organisation_id, kind: 'migrated', spellings: JSON.stringify(['Valid NGO', 'valid ngo']), created_at: '2026-11-23T00:00:00Z' });
    const m = await t.db('board_memberships').where({ organisation_id: member.organisation_id }).first('id');
    const c = await t.db('board_chairs').first('id');
    urls.push('/board', '/organisations', `/organisations/${member.organisation_id}`, '/admin/organisations', `/admin/organisations/${member.organisation_id}`, '/admin/board', `/admin/board/memberships/${m.id}`, `/admin/board/chairs/${c.id}`, '/admin/users/new', `/admin/users/${member.id}`, '/account', '/register');
  });
  after(() => t.close());

  it('the public, account and secretariat pages of the register and the Board', async () => {
    const s = await agentFor(t, 'secretariat');
    for (const url of urls) {
      const res = await s.agent.get(url);
      expect(res.status, url).to.equal(200);
      const problems = await htmlProblems(res.text);
      expect(problems, `${url}\n${problems.join('\n')}`).to.deep.equal([]);
    }
  });
});
