import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, csrfFrom } from '../helpers/auth.ts';
import { boardOf, secretariat, type Member } from '../helpers/ballots.ts';
import { laterDraft, sampleConsultationId } from '../helpers/consultations.ts';

type App = Awaited<ReturnType<typeof testApp>>;

/**
 * Issue 12 item 5: "a ballot opened beside 9 comments without dispositions, with no warning". The sample
 * consultation on 07.11 version 4 takes 9 comments and closes; a second draft based on version 4 goes to
 * ballot: refused while any comment lacks a disposition, unless the secretariat overrides with a reason.
 */
describe('ballot order: no ballot beside an unfinished consultation', () => {
  let t: App;
  let sec: Member;
  let board: Record<string, Member>;
  let consultation: number;
  let draft: { n: number; id: number };
  const comments: number[] = [];
  before(async () => {
    t = await testApp();
    sec = await secretariat(t);
    board = await boardOf(t, ['GICHD', 'UNDP']);
    consultation = await sampleConsultationId(t.db);
    draft = await laterDraft(t.db);
  });
  after(() => t.close());

  const open = (n: number, body: Record<string, unknown> = {}, auth = sec.auth) =>
    request(t.app).post(`/api/v1/standards/07.11/versions/${n}/ballots`).set(...auth).send({ closes_at: '2026-12-10T12:00:00Z', ...body });

  it('refuses a ballot on the draft while its consultation is open (409, naming it)', async () => {
    const res = await open(4);
    expect(res.status).to.equal(409);
    expect(res.body.error.message).to.contain(`consultation C-${consultation} on version 4`);
    expect(res.body.error.message).to.contain('is still open');
  });

  it('refuses a ballot on a later draft based on it: 9 comments without a disposition, after the close', async () => {
    for (let i = 1; i <= 10; i++) {
      const c = await request(t.app).post(`/api/v1/consultations/${consultation}/comments`).set(...sec.auth)
        .send({ clause: null, type: 'technical', comment: `Comment ${i} on the draft.`, on_behalf_of: `Organisation ${i}` });
      expect(c.status, JSON.stringify(c.body)).to.equal(201);
      comments.push(c.body.id);
    }
    // one is withdrawn: it needs no disposition
    await request(t.app).delete(`/api/v1/comments/${comments.pop()}`).set(...sec.auth).expect((r) => expect(r.status).to.be.oneOf([200, 204]));
    const still = await open(draft.n);
    expect(still.status).to.equal(409);
    expect(still.body.error.message).to.match(/is still open and 9 comments have no disposition/);
    await request(t.app).patch(`/api/v1/consultations/${consultation}`).set(...sec.auth).send({ close: true }).expect(200);
    const res = await open(draft.n);
    expect(res.status).to.equal(409);
    expect(res.body.error.message).to.contain(`consultation C-${consultation} on version 4 (Draft Edition 3 for consultation): 9 comments have no disposition`);
    expect(await t.db('ballots').count({ n: '*' }).first()).to.deep.include({ n: 0 });
  });

  it('the page form says which consultation and how many comments, with links, and keeps the input', async () => {
    const s = await agentFor(t, sec.user);
    const form = await s.agent.get('/ballots/new').expect(200);
    expect(form.text).not.to.contain('name="override_reason"');
    const res = await s.agent.post('/ballots').type('form')
      .send({ _csrf: s.csrf, version: `07.11|${draft.n}`, closes_at: '2026-12-10T12:00', rule: 'majority', quorum: '0.5' })
      .expect(409);
    expect(res.text).to.contain(`<a href="/consultations/${consultation}">Consultation C-${consultation}</a>`);
    expect(res.text).to.contain(`<a href="/consultations/${consultation}/comments?disposition=none">9 comments without a disposition</a>`);
    expect(res.text).to.contain('name="override_reason"');
    expect(res.text).to.match(/<option value="majority" selected>/);
  });

  it('only the secretariat opens ballots, and a Board member cannot override', async () => {
    const res = await open(draft.n, { override_reason: 'We are in a hurry.' }, board.GICHD!.auth);
    expect(res.status).to.equal(403);
  });

  it('one comment left without a disposition still holds it back', async () => {
    for (const id of comments.slice(0, 8)) {
      await request(t.app).patch(`/api/v1/comments/${id}`).set(...sec.auth).send({ disposition: 'noted', response: 'Noted.' }).expect(200);
    }
    const res = await open(draft.n);
    expect(res.status).to.equal(409);
    expect(res.body.error.message).to.contain('1 comment has no disposition');
  });

  it('the secretariat overrides with a reason: stored, shown on the page and in the API, audited', async () => {
    const s = await agentFor(t, sec.user);
    const page = await s.agent.get('/ballots/new');
    const reason = 'The Board meets on 10 December; the last disposition is pending a translation.';
    const res = await s.agent.post('/ballots').type('form')
      .send({ _csrf: csrfFrom(page.text), version: `07.11|${draft.n}`, closes_at: '2026-12-10T12:00', rule: 'iso', quorum: '0.5', override_reason: reason });
    expect(res.status, res.text.slice(0, 500)).to.equal(303);
    const id = Number(/\/ballots\/(\d+)/.exec(res.headers.location!)![1]);
    const shown = await s.agent.get(`/ballots/${id}`).expect(200);
    expect(shown.text).to.contain('Opened out of order.');
    expect(shown.text).to.contain(reason);
    expect(shown.text).to.contain('had 1 comment without a disposition');
    const api = await request(t.app).get(`/api/v1/ballots/${id}`).set(...sec.auth).expect(200);
    expect(api.body.override_reason).to.equal(reason);
    expect(api.body.override_blocking).to.deep.equal([{ consultation_id: consultation, n: 4, label: 'Draft Edition 3 for consultation', state: 'closed', not_closed: false, undisposed: 1 }]);
    const event = await t.db('audit_events').where({ action: 'ballot.open', subject_id: String(id) }).first();
    expect(JSON.parse(event.data).override).to.deep.equal({ reason, blocking: api.body.override_blocking });
    await request(t.app).post(`/api/v1/ballots/${id}/cancel`).set(...sec.auth).expect(200);
  });

  it('once every comment has a disposition the ballot opens in order, with no override recorded', async () => {
    await request(t.app).patch(`/api/v1/comments/${comments[8]}`).set(...sec.auth).send({ disposition: 'accepted', response: 'Done.' }).expect(200);
    const res = await open(draft.n, { override_reason: 'Not needed.' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.override_reason).to.equal(null);
    expect(res.body.override_blocking).to.deep.equal([]);
    const event = await t.db('audit_events').where({ action: 'ballot.open', subject_id: String(res.body.id) }).first();
    expect(JSON.parse(event.data)).not.to.have.property('override');
  });
});
