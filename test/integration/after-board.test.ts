import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, bearerFor, csrfFrom } from '../helpers/auth.ts';
import { boardOf, openBallot, secretariat, vote, type Member } from '../helpers/ballots.ts';
import { verifyChain } from '../../server/audit/service.ts';

type App = Awaited<ReturnType<typeof testApp>>;

/** Approves 07.11 version 4 (the draft of Edition 3): a ballot opened and closed on 2026-11-23. */
async function approveDraft(t: App, sec: Member, m: Record<string, Member>): Promise<number> {
  const b = await openBallot(t, sec);
  for (const o of Object.keys(m)) expect((await vote(t, m[o]!, b.id, 'approve')).status).to.equal(200);
  const closed = await request(t.app).post(`/api/v1/ballots/${b.id}/close`).set(...sec.auth).expect(200);
  expect(closed.body.result).to.equal('approved');
  return b.id;
}

describe('after the Board: Steering Group acceptance and UN endorsement (issue 12 item 6)', () => {
  let t: App;
  let sec: Member;
  let m: Record<string, Member>;
  let ballotId: number;
  before(async () => {
    t = await testApp();
    sec = await secretariat(t);
    m = await boardOf(t, ['A', 'B', 'C']);
  });
  after(() => t.close());

  const steps = (body: Record<string, unknown>, auth: [string, string] = sec.auth) => request(t.app).post('/api/v1/standards/07.11/versions/4/steps').set(...auth).send(body);

  it('refuses steps on a draft the Board has not approved (409)', async () => {
    const res = await steps({ step: 'steering_group', date: '2026-11-23' });
    expect(res.status).to.equal(409);
    expect(res.body.error.message).to.match(/is draft: only what the Review Board approved/);
  });

  it('only the secretariat records steps', async () => {
    ballotId = await approveDraft(t, sec, m);
    expect((await steps({ step: 'steering_group', date: '2026-11-23' }, m.A!.auth)).status).to.equal(403);
    const stakeholder = await bearerFor(t, 'stakeholder');
    expect((await steps({ step: 'steering_group', date: '2026-11-23' }, stakeholder.auth)).status).to.equal(403);
    expect((await request(t.app).post('/api/v1/standards/07.11/versions/4/steps').send({ step: 'steering_group', date: '2026-11-23' })).status).to.equal(401);
    expect((await request(t.app).get('/api/v1/standards/07.11/versions/4/steps').set(...m.A!.auth)).status).to.equal(403);
    const board = await agentFor(t, m.A!.user);
    expect((await board.agent.get('/standards/07.11/versions/4/steps')).status).to.equal(403);
    expect(await t.db('versions').whereNotNull('sg_accepted_on').count({ n: '*' }).first()).to.deep.include({ n: 0 });
  });

  it('checks dates and order: 422 for a bad or impossible date, 409 for the endorsement before the Steering Group', async () => {
    t.clock.set('2026-11-25T09:00:00.000Z');
    const first = await steps({ step: 'endorsement', date: '2026-11-24' });
    expect(first.status).to.equal(409);
    expect(first.body.error.message).to.match(/Steering Group's acceptance first/);
    const bad = await steps({ step: 'acceptance', date: '2026-02-30' });
    expect(bad.status).to.equal(422);
    expect(bad.body.error.fields).to.have.keys(['step', 'date']);
    const future = await steps({ step: 'steering_group', date: '2026-11-26' });
    expect(future.status).to.equal(422);
    expect(future.body.error.fields.date).to.match(/future/);
    const early = await steps({ step: 'steering_group', date: '2026-11-22' });
    expect(early.status).to.equal(422);
    expect(early.body.error.fields.date).to.match(/before the Review Board approved version 4, on 2026-11-23/);
  });

  it("records the Steering Group's acceptance once", async () => {
    const res = await steps({ step: 'steering_group', date: '2026-11-24', note: 'SG meeting of 24 November' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body).to.deep.include({ ref: '07.11', n: 4, state: 'approved', approved_on: '2026-11-23', approving_ballot_id: ballotId, steering_group: { on: '2026-11-24', note: 'SG meeting of 24 November' }, endorsement: null, awaiting_endorsement: false, next: 'endorsement' });
    const again = await steps({ step: 'steering_group', date: '2026-11-25' });
    expect(again.status).to.equal(409);
    expect(again.body.error.message).to.match(/already recorded, on 2026-11-24/);
  });

  it('publishes "with immediate effect, awaiting endorsement": the page, the history and the API say so', async () => {
    const pub = await request(t.app).post('/api/v1/standards/07.11/versions/4/publish').set(...sec.auth)
      .send({ edition: 3, in_force_from: '2026-11-25', summary: 'Third edition.', awaiting_endorsement: true });
    expect(pub.status, JSON.stringify(pub.body)).to.equal(200);
    expect(pub.body.awaiting_endorsement).to.equal(true);
    const v = await request(t.app).get('/api/v1/standards/07.11/versions/4').expect(200);
    expect(v.body).to.include({ awaiting_endorsement: true, endorsed_on: null, steering_group_accepted_on: '2026-11-24', steering_group_note: 'SG meeting of 24 November' });
    const std = await request(t.app).get('/api/v1/standards/07.11').expect(200);
    expect(std.body.current).to.include({ n: 4, awaiting_endorsement: true, endorsed_on: null });
    expect(std.body.versions.find((x: { n: number }) => x.n === 3)).to.include({ awaiting_endorsement: false });
    const page = await request(t.app).get('/standards/07.11').expect(200);
    expect(page.text).to.contain('Published with immediate effect, awaiting endorsement.');
    expect(page.text).to.contain('the Steering Group accepted it on 24 November 2026');
    const history = await request(t.app).get('/standards/07.11/versions').expect(200);
    expect(history.text).to.contain('<span class="badge badge-awaiting">awaiting endorsement</span>');
    const feed = await request(t.app).get('/feeds/publications.atom').expect(200);
    expect(feed.text).to.contain('Published with immediate effect, awaiting endorsement by the UN (IACG-MA).');
  });

  it('records the endorsement through the page, after a confirmation that states the order of the dates', async () => {
    expect((await steps({ step: 'endorsement', date: '2026-11-23' })).body.error.fields.date).to.match(/before the Steering Group's acceptance, on 2026-11-24/);
    const s = await agentFor(t, sec.user);
    // the ballot page leads to the steps after approval
    const ballotPage = await s.agent.get(`/ballots/${ballotId}`).expect(200);
    expect(ballotPage.text).to.contain('href="/standards/07.11/versions/4/steps"');
    const form = await s.agent.get('/standards/07.11/versions/4/steps').expect(200);
    expect(form.text).to.contain('Record the UN endorsement (IACG-MA)');
    expect(form.text).to.contain('<input type="hidden" name="step" value="endorsement">');
    const wrong = await s.agent.post('/standards/07.11/versions/4/steps').type('form').send({ _csrf: csrfFrom(form.text), step: 'endorsement', date: '2026-12-31', note: 'Letter 123' }).expect(422);
    expect(wrong.text).to.contain('The date cannot be in the future');
    expect(wrong.text).to.contain('value="2026-12-31"');
    expect(wrong.text).to.contain('Letter 123');
    const ask = await s.agent.post('/standards/07.11/versions/4/steps').type('form').send({ _csrf: csrfFrom(form.text), step: 'endorsement', date: '2026-11-25', note: 'IACG-MA letter 123' }).expect(200);
    expect(ask.text).to.match(/approved [^<]* on 23 November 2026[\s\S]*Steering Group accepted it on 24 November 2026[\s\S]*IACG-MA\): 25 November 2026/);
    expect(await t.db('versions').whereNotNull('endorsed_on').count({ n: '*' }).first()).to.deep.include({ n: 0 });
    const done = await s.agent.post('/standards/07.11/versions/4/steps').type('form')
      .send({ _csrf: csrfFrom(ask.text), step: 'endorsement', date: '2026-11-25', note: 'IACG-MA letter 123', confirm: 'yes' });
    expect(done.status, done.text.slice(0, 300)).to.equal(303);
    expect(done.headers.location).to.equal('/standards/07.11/versions/4?done=endorsed');
    expect((await s.agent.get(done.headers.location!)).text).to.contain('The UN endorsement (IACG-MA) is recorded.');
  });

  it('once endorsed, the page, the history and the API show the endorsement date and no longer "awaiting"', async () => {
    const v = await request(t.app).get('/api/v1/standards/07.11/versions/4').expect(200);
    expect(v.body).to.include({ awaiting_endorsement: false, endorsed_on: '2026-11-25', endorsement_note: 'IACG-MA letter 123' });
    const std = await request(t.app).get('/api/v1/standards/07.11').expect(200);
    expect(std.body.current).to.include({ awaiting_endorsement: false, endorsed_on: '2026-11-25' });
    const page = await request(t.app).get('/standards/07.11').expect(200);
    expect(page.text).not.to.contain('awaiting endorsement');
    expect(page.text).to.contain('Endorsed by the UN (IACG-MA) on 25 November 2026');
    const history = await request(t.app).get('/standards/07.11/versions').expect(200);
    expect(history.text).to.contain('<span class="badge">endorsed 25 November 2026</span>');
    expect((await steps({ step: 'endorsement', date: '2026-11-25' })).status).to.equal(409);
  });

  it('every step is in the audit chain', async () => {
    const rows = await t.db('audit_events').whereIn('action', ['version.steering_group_accept', 'version.endorse']).orderBy('id');
    expect(rows.map((r: { action: string }) => r.action)).to.deep.equal(['version.steering_group_accept', 'version.endorse']);
    expect(JSON.parse(rows[1].data)).to.include({ ref: '07.11', n: 4, step: 'endorsement', on: '2026-11-25', note: 'IACG-MA letter 123', approved_on: '2026-11-23' });
    expect(await verifyChain(t.db)).to.include({ ok: true });
  });
});

describe('publication and endorsement: existing publish calls unchanged; no "awaiting" once endorsed', () => {
  let t: App;
  let sec: Member;
  before(async () => {
    t = await testApp();
    sec = await secretariat(t);
    await approveDraft(t, sec, await boardOf(t, ['A', 'B']));
  });
  after(() => t.close());

  it('refuses "awaiting endorsement" when the endorsement is recorded (422), and publishes without the field as before', async () => {
    for (const step of ['steering_group', 'endorsement']) {
      await request(t.app).post('/api/v1/standards/07.11/versions/4/steps').set(...sec.auth).send({ step, date: '2026-11-23' }).expect(201);
    }
    const body = { edition: 3, in_force_from: '2026-11-23', summary: 'Third edition.' };
    const claim = await request(t.app).post('/api/v1/standards/07.11/versions/4/publish').set(...sec.auth).send({ ...body, awaiting_endorsement: true });
    expect(claim.status).to.equal(422);
    expect(claim.body.error.fields.awaiting_endorsement).to.match(/already recorded, on 2026-11-23/);
    const bad = await request(t.app).post('/api/v1/standards/07.11/versions/4/publish').set(...sec.auth).send({ ...body, awaiting_endorsement: 'perhaps' });
    expect(bad.status).to.equal(422);
    const ok = await request(t.app).post('/api/v1/standards/07.11/versions/4/publish').set(...sec.auth).send(body);
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
    expect(ok.body.awaiting_endorsement).to.equal(false);
    const v = await request(t.app).get('/api/v1/standards/07.11/versions/4').expect(200);
    expect(v.body).to.include({ state: 'published', awaiting_endorsement: false, endorsed_on: '2026-11-23' });
  });
});
