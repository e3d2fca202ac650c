import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { createUser, bearerFor, makeChair, type TestUser } from '../helpers/auth.ts';
import { boardOf, newDraft, openBallot, secretariat, vote, type Member } from '../helpers/ballots.ts';

type App = Awaited<ReturnType<typeof testApp>>;
const ORGS = ['GICHD', 'UNDP', 'UNICEF', 'UNOPS', 'NMAA Cambodia'];

describe('ballots API: open, vote, live state, close', () => {
  let t: App;
  let sec: Member;
  let m: Record<string, Member>;
  let chair: TestUser;
  before(async () => {
    t = await testApp();
    sec = await secretariat(t);
    m = await boardOf(t, ORGS);
    // an alternate of GICHD, a disabled account of another organisation, and the chair (does not vote)
    await createUser(t.db, { role: 'board', organisation: 'Disabled Org', disabled: true });
    chair = await createUser(t.db, { role: 'board', organisation: 'UNMAS', name: 'The chair', boardMember: false });
    await makeChair(t.db, chair);
  });
  after(() => t.close());

  it('opens a ballot with the Board organisations as the electorate (not the chair, not disabled accounts)', async () => {
    const b = await openBallot(t, sec);
    expect(b).to.include({ ref: '07.11', n: 4, rule: 'iso', quorum: 0.5, state: 'open', result: null, opens_at: '2026-11-23T12:00:00.000Z', closes_at: '2026-12-01T12:00:00.000Z' });
    expect(b.electorate).to.deep.equal([...ORGS].sort());
    expect(b.tally).to.deep.equal({ approve: 0, disapprove: 0, abstain: 0, recuse: 0, not_voted: 5, outdated: 0 });
    expect((b.needed as { messages: string[] }).messages).to.deep.equal(['needs 1 more approval', 'quorum: 0 of 5 have voted, 3 more needed (3 required)']);
    // one open ballot per version
    const again = await request(t.app).post('/api/v1/standards/07.11/versions/4/ballots').set(...sec.auth).send({ closes_at: '2026-12-05T00:00:00Z' });
    expect(again.status).to.equal(409);
    expect(again.body.error.message).to.match(/already has an open ballot/);
    await request(t.app).post(`/api/v1/ballots/${b.id}/cancel`).set(...sec.auth).expect(200);
  });

  it('validates the opening: closing time, rule, quorum; refuses published versions', async () => {
    const bad = await request(t.app).post('/api/v1/standards/07.11/versions/4/ballots').set(...sec.auth).send({ closes_at: 'tomorrow', rule: 'unanimity', quorum: 2 });
    expect(bad.status).to.equal(422);
    expect(bad.body.error.fields).to.have.keys(['closes_at', 'rule', 'quorum']);
    const past = await request(t.app).post('/api/v1/standards/07.11/versions/4/ballots').set(...sec.auth).send({ closes_at: '2026-11-01T00:00:00Z' });
    expect(past.status).to.equal(409);
    const pub = await request(t.app).post('/api/v1/standards/07.11/versions/3/ballots').set(...sec.auth).send({ closes_at: '2026-12-01T00:00:00Z' });
    expect(pub.status).to.equal(409);
    expect(pub.body.error.message).to.match(/published: only a draft/);
    await request(t.app).post('/api/v1/standards/07.11/versions/99/ballots').set(...sec.auth).send({ closes_at: '2026-12-01T00:00:00Z' }).expect(404);
    const board = await request(t.app).post('/api/v1/standards/07.11/versions/4/ballots').set(...m.GICHD!.auth).send({ closes_at: '2026-12-01T00:00:00Z' });
    expect(board.status).to.equal(403);
  });

  it('votes: reasons required to disapprove; changeable until the close; every cast kept', async () => {
    const b = await openBallot(t, sec, { rule: 'iso' });
    const noReason = await vote(t, m.UNDP!, b.id, 'disapprove');
    expect(noReason.status).to.equal(422);
    expect(noReason.body.error.fields).to.have.property('reason');
    await vote(t, m.UNDP!, b.id, 'disapprove', 'Clause 5.2 buffer is not justified.').then((r) => expect(r.status).to.equal(200));
    await vote(t, m.GICHD!, b.id, 'approve').then((r) => expect(r.status).to.equal(200));
    const r = await vote(t, m.UNDP!, b.id, 'approve');
    expect(r.status).to.equal(200);
    expect(r.body.tally).to.deep.include({ approve: 2, disapprove: 0, not_voted: 3 });
    expect(r.body.votes.map((v: { organisation: string; position: string }) => [v.organisation, v.position])).to.deep.equal([['GICHD', 'approve'], ['UNDP', 'approve']]);
    expect(r.body.not_voted).to.deep.equal(['NMAA Cambodia', 'UNICEF', 'UNOPS']);
    expect(r.body.needed.messages).to.deep.equal(['the iso rule is met', 'quorum: 2 of 5 have voted, 1 more needed (3 required)']);
    const h = await request(t.app).get(`/api/v1/ballots/${b.id}/history`).set(...sec.auth).expect(200);
    expect(h.body.events.map((e: { organisation: string; position: string }) => `${e.organisation}:${e.position}`)).to.deep.equal(['UNDP:disapprove', 'GICHD:approve', 'UNDP:approve']);
    // the chair, a stakeholder and a board member outside the electorate cannot vote
    const chairAuth = (await bearerFor(t, chair)).auth;
    const c = await request(t.app).put(`/api/v1/ballots/${b.id}/vote`).set(...chairAuth).send({ position: 'approve' });
    expect(c.status).to.equal(403);
    expect(c.body.error.message).to.match(/chair/);
    const st = await bearerFor(t, 'stakeholder');
    await request(t.app).put(`/api/v1/ballots/${b.id}/vote`).set(...st.auth).send({ position: 'approve' }).expect(403);
    const late = await bearerFor(t, 'board', { organisation: 'Joined Later' });
    const l = await request(t.app).put(`/api/v1/ballots/${b.id}/vote`).set(...late.auth).send({ position: 'approve' });
    expect(l.status).to.equal(403);
    expect(l.body.error.message).to.match(/not a member organisation/);
    await request(t.app).post(`/api/v1/ballots/${b.id}/cancel`).set(...sec.auth).expect(200);
    // its membership ends before the next ballots open
    await t.db('board_memberships').where({ organisation_id: late.user.organisation_id }).update({ until_date: '2026-11-22' });
  });

  it('principal and alternate of one organisation vote at once → one vote', async () => {
    const b = await openBallot(t, sec);
    const alt = await bearerFor(t, 'board', { organisation: 'UNICEF', name: 'UNICEF alternate' });
    const [a, c] = await Promise.all([vote(t, m.UNICEF!, b.id, 'approve'), request(t.app).put(`/api/v1/ballots/${b.id}/vote`).set(...alt.auth).send({ position: 'abstain' })]);
    expect(a.status).to.equal(200);
    expect(c.status).to.equal(200);
    const rows = await t.db('votes').where({ ballot_id: b.id });
    expect(rows).to.have.length(1);
    expect(rows[0].organisation_id).to.equal(m.UNICEF!.user.organisation_id);
    expect(await t.db('vote_events').where({ ballot_id: b.id }).count({ n: '*' }).first()).to.deep.equal({ n: 2 });
    await request(t.app).post(`/api/v1/ballots/${b.id}/cancel`).set(...sec.auth).expect(200);
    await t.db('users').where({ id: alt.user.id }).delete().catch(() => undefined);
  });

  it('50 parallel votes by one member → one vote row and 50 history rows', async () => {
    const b = await openBallot(t, sec);
    const positions = ['approve', 'abstain', 'recuse'];
    const res = await Promise.all(Array.from({ length: 50 }, (_, i) => vote(t, m.UNOPS!, b.id, positions[i % 3]!)));
    expect(res.map((r) => r.status)).to.deep.equal(Array(50).fill(200));
    expect(await t.db('votes').where({ ballot_id: b.id }).count({ n: '*' }).first()).to.deep.equal({ n: 1 });
    expect(await t.db('vote_events').where({ ballot_id: b.id }).count({ n: '*' }).first()).to.deep.equal({ n: 50 });
    const last = await t.db('vote_events').where({ ballot_id: b.id }).orderBy('id', 'desc').first();
    const row = await t.db('votes').where({ ballot_id: b.id }).first();
    expect(row.position).to.equal(last.position);
    expect(await t.db('audit_events').where({ action: 'ballot.vote', subject_id: String(b.id) }).count({ n: '*' }).first()).to.deep.equal({ n: 50 });
    await request(t.app).post(`/api/v1/ballots/${b.id}/cancel`).set(...sec.auth).expect(200);
  });

  it('a vote after the close is refused with 409 and nothing is written; the result is frozen by the first read', async () => {
    const b = await openBallot(t, sec, { closes_at: '2026-11-24T12:00:00Z' });
    for (const o of ['GICHD', 'UNDP', 'UNICEF']) expect((await vote(t, m[o]!, b.id, 'approve')).status).to.equal(200);
    const before = await t.db('vote_events').count({ n: '*' }).first();
    t.clock.set('2026-11-24T12:00:00.000Z'); // exactly closes_at: closed
    const late = await vote(t, m.UNOPS!, b.id, 'disapprove', 'Too late.');
    expect(late.status).to.equal(409);
    expect(late.body.error.message).to.match(/closed/);
    expect(await t.db('vote_events').count({ n: '*' }).first()).to.deep.equal(before);
    expect(await t.db('votes').where({ ballot_id: b.id, organisation_id: m.UNOPS!.user.organisation_id }).first()).to.equal(undefined);
    // the refused vote's transaction found it closed: the result was written, once
    const row = await t.db('ballots').where({ id: b.id }).first();
    expect(row.result).to.equal('approved');
    expect(row.close_hash).to.match(/^[0-9a-f]{64}$/);
    const closeEvents = await t.db('audit_events').where({ action: 'ballot.close', subject_id: String(b.id) });
    expect(closeEvents).to.have.length(1);
    expect(closeEvents[0].hash).to.equal(row.close_hash);
    // reads change nothing more
    const got = await request(t.app).get(`/api/v1/ballots/${b.id}`).expect(200);
    expect(got.body).to.include({ state: 'closed', result: 'approved', close_hash: row.close_hash });
    expect(got.body.needed).to.equal(null);
    expect(await t.db('audit_events').where({ action: 'ballot.close', subject_id: String(b.id) }).count({ n: '*' }).first()).to.deep.equal({ n: 1 });
    const v = await t.db('versions as v').join('standards as s', 's.id', 'v.standard_id').where({ 's.ref': '07.11', 'v.n': 4 }).first('v.state');
    expect(v.state).to.equal('approved');
    // after the close named positions and reasons are public
    const pub = await request(t.app).get(`/api/v1/ballots/${b.id}`).expect(200);
    expect(pub.body.votes.map((x: { organisation: string }) => x.organisation)).to.deep.equal(['GICHD', 'UNDP', 'UNICEF']);
    expect(pub.body.votes[0].cast_by).to.equal(null);
    // no more changes: close, cancel, extend → 409
    await request(t.app).post(`/api/v1/ballots/${b.id}/close`).set(...sec.auth).expect(409);
    await request(t.app).post(`/api/v1/ballots/${b.id}/cancel`).set(...sec.auth).expect(409);
    await request(t.app).patch(`/api/v1/ballots/${b.id}`).set(...sec.auth).send({ closes_at: '2027-01-01T00:00:00Z' }).expect(409);
    // time only moves forward in this suite; put the draft back for the next tests
    await t.db('versions').where({ state: 'approved' }).update({ state: 'draft' });
  });

  it('an open ballot is hidden from the public and stakeholders', async () => {
    const b = await openBallot(t, sec);
    await request(t.app).get(`/api/v1/ballots/${b.id}`).expect(404);
    const st = await bearerFor(t, 'stakeholder');
    await request(t.app).get(`/api/v1/ballots/${b.id}`).set(...st.auth).expect(404);
    const seen = await request(t.app).get(`/api/v1/ballots/${b.id}`).set(...m.GICHD!.auth).expect(200);
    expect(seen.body.state).to.equal('open');
    const list = await request(t.app).get('/api/v1/ballots').expect(200);
    expect(list.body.open).to.deep.equal([]);
    expect(list.body.closed.length).to.be.greaterThan(0);
    await request(t.app).post(`/api/v1/ballots/${b.id}/cancel`).set(...sec.auth).expect(200);
  });

  it('extends and closes early (closes_at = now), freezing the result with a quorum missed', async () => {
    const b = await openBallot(t, sec);
    await request(t.app).patch(`/api/v1/ballots/${b.id}`).set(...sec.auth).send({ closes_at: '2026-11-30T00:00:00Z' }).expect(409);
    const ext = await request(t.app).patch(`/api/v1/ballots/${b.id}`).set(...sec.auth).send({ closes_at: '2026-12-10T00:00:00Z' }).expect(200);
    expect(ext.body.closes_at).to.equal('2026-12-10T00:00:00.000Z');
    await vote(t, m.GICHD!, b.id, 'approve');
    t.clock.set('2026-11-25T08:00:00.000Z');
    const closed = await request(t.app).post(`/api/v1/ballots/${b.id}/close`).set(...sec.auth).expect(200);
    expect(closed.body).to.include({ state: 'closed', result: 'no_quorum', closes_at: '2026-11-25T08:00:00.000Z' });
    const v = await t.db('versions as v').join('standards as s', 's.id', 'v.standard_id').where({ 's.ref': '07.11', 'v.n': 4 }).first('v.state');
    expect(v.state).to.equal('draft'); // no decision: it stays a draft
  });

  it('moves an open ballot to a newer draft: older votes are outdated (shown, not counted)', async () => {
    const b = await openBallot(t, sec);
    await vote(t, m.GICHD!, b.id, 'approve');
    await vote(t, m.UNDP!, b.id, 'disapprove', 'Needs a clearer clause 4.');
    const five = await newDraft(t, 4);
    const unrelated = await newDraft(t, 3); // based on the edition, not on the draft
    const bad = await request(t.app).post(`/api/v1/ballots/${b.id}/move`).set(...sec.auth).send({ n: unrelated.n });
    expect(bad.status).to.equal(409);
    expect(bad.body.error.message).to.match(/not based on version 4/);
    const moved = await request(t.app).post(`/api/v1/ballots/${b.id}/move`).set(...sec.auth).send({ n: five.n }).expect(200);
    expect(moved.body).to.include({ n: five.n });
    expect(moved.body.tally).to.deep.include({ approve: 0, disapprove: 0, outdated: 2, not_voted: 3 });
    expect(moved.body.outdated).to.deep.equal(['GICHD', 'UNDP']);
    expect(moved.body.votes.find((x: { organisation: string }) => x.organisation === 'GICHD')).to.include({ n: 4, outdated: true });
    const again = await vote(t, m.GICHD!, b.id, 'approve');
    expect(again.body.tally).to.deep.include({ approve: 1, outdated: 1 });
    expect(again.body.votes.find((x: { organisation: string }) => x.organisation === 'GICHD')).to.include({ n: five.n, outdated: false });
    const moves = await t.db('audit_events').where({ action: 'ballot.move' });
    expect(JSON.parse(moves[0].data)).to.include({ from_n: 4, to_n: five.n });
    await request(t.app).post(`/api/v1/ballots/${b.id}/cancel`).set(...sec.auth).expect(200);
  });

  it('describes its routes in the OpenAPI document', async () => {
    const doc = (await request(t.app).get('/api/v1/openapi.json').expect(200)).body;
    for (const p of ['/standards/{ref}/versions/{n}/ballots', '/ballots/{id}', '/ballots/{id}/vote', '/ballots/{id}/close', '/ballots/{id}/cancel', '/ballots/{id}/move', '/standards/{ref}/versions/{n}/publish']) {
      expect(doc.paths, p).to.have.property(p);
    }
    expect(doc.paths['/ballots/{id}/vote']).to.have.property('put');
  });
});
