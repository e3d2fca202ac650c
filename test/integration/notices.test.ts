import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, csrfFrom } from '../helpers/auth.ts';
import { boardOf, openBallot, secretariat, vote, type Member } from '../helpers/ballots.ts';

type App = Awaited<ReturnType<typeof testApp>>;

/** Issue 11 item 3: an edition not yet in force says what it is; the secretariat's actions are confirmed. */
describe('notices: an edition not yet in force, not the current edition, confirmations', () => {
  let t: App;
  let sec: Member;
  let web: Awaited<ReturnType<typeof agentFor>>;
  let ballotId: number;
  before(async () => {
    t = await testApp();
    sec = await secretariat(t);
    const m = await boardOf(t, ['A', 'B', 'C']);
    ballotId = (await openBallot(t, sec)).id;
    for (const o of ['A', 'B', 'C']) await vote(t, m[o]!, ballotId, 'approve');
    await request(t.app).post(`/api/v1/ballots/${ballotId}/close`).set(...sec.auth).expect(200);
    web = await agentFor(t, sec.user);
  });
  after(() => t.close());

  it('publishing with a future in-force date lands on the new edition with a confirmation and says what it is', async () => {
    const res = await web.agent.post('/standards/07.11/versions/4/publish').type('form')
      .send({ _csrf: web.csrf, ballot_id: String(ballotId), edition: '3', amendment: '', in_force_from: '2027-01-01', summary: 'Third edition.' })
      .expect(303);
    expect(res.headers.location).to.equal('/standards/07.11/versions/4?done=published');
    const page = await web.agent.get(res.headers.location).expect(200);
    expect(page.text).to.match(/class="notice notice-done" role="status">Publication recorded/);
    expect(page.text).to.match(/Published on [^<]*2026; in force from 1 January 2027\./);
    expect(page.text).to.contain('Until then <a href="/standards/07.11">Edition 2</a> is in force.');
    expect(page.text).not.to.contain('This is not the current edition');
    // the page never links to itself
    expect(page.text).not.to.match(/href="\/standards\/07\.11\/versions\/4"/);
    expect(page.text).not.to.contain('Read it now');
  });

  it('an edition before the first one comes into force says that no edition is in force yet', async () => {
    const now = t.clock.now().toISOString();
    t.clock.set('2019-01-15T12:00:00.000Z');
    try {
      const page = await request(t.app).get('/standards/07.11/versions/1').expect(200);
      expect(page.text).to.contain('in force from 1 March 2019.');
      expect(page.text).to.contain('Until then no edition of IMAS 07.11 is in force.');
      expect(page.text).not.to.contain('This is not the current edition');
    } finally {
      t.clock.set(now);
    }
  });

  it('a superseded edition is marked in a style of its own, with a link to the current one', async () => {
    const page = await request(t.app).get('/standards/07.11/versions/1').expect(200);
    expect(page.text).to.match(/class="notice notice-old"[^>]*><p><strong class="notice-old-title">This is not the current edition\.<\/strong>/);
    expect(page.text).to.contain('The current edition is <a href="/standards/07.11">Edition 2</a>');
    // its own row of the amendment record is not a link to itself
    expect(page.text).not.to.match(/href="\/standards\/07\.11\/versions\/1"/);
  });

  it('the confirmation comes from a fixed table: unknown, prototype and anonymous lookups show nothing', async () => {
    for (const done of ['constructor', '__proto__', 'toString', 'hasOwnProperty', '<script>']) {
      const v = await web.agent.get(`/standards/07.11/versions/4?done=${encodeURIComponent(done)}`).expect(200);
      expect(v.text, done).not.to.contain('notice-done');
      expect(v.text, done).not.to.contain('[native code]');
      const b = await web.agent.get(`/ballots/${ballotId}?done=${encodeURIComponent(done)}`).expect(200);
      expect(b.text, done).not.to.contain('[native code]');
    }
    const anon = await request(t.app).get('/standards/07.11/versions/4?done=published').expect(200);
    expect(anon.text).not.to.contain('notice-done');
  });

  it('saving a draft lands on it with a confirmation', async () => {
    const form = await web.agent.get('/admin/standards/07.11/drafts/new');
    const text = '# 1 Scope\n\nThis standard applies.\n';
    const res = await web.agent.post('/admin/standards/07.11/drafts').type('form').send({ _csrf: csrfFrom(form.text), text, label: 'Draft 4', based_on: '4' });
    expect(res.status, res.text.slice(0, 2000)).to.equal(303);
    // it lands on the standard's page with the next steps (issue 11 item 8), which confirms the save
    expect(res.headers.location).to.match(/^\/admin\/standards\/07\.11\?done=draft&n=\d+$/);
    const page = await web.agent.get(res.headers.location).expect(200);
    expect(page.text).to.match(/is saved as a draft/);
    // opening a consultation on it
    const n = /n=(\d+)/.exec(res.headers.location)![1];
    const opened = await web.agent.post('/consultations').type('form').send({ _csrf: web.csrf, ref: '07.11', n, closes_at: '2027-12-31T00:00' }).expect(303);
    expect(opened.headers.location).to.match(/^\/consultations\/\d+\?done=opened$/);
    expect((await web.agent.get(opened.headers.location).expect(200)).text).to.contain('The consultation is set up.');
  });

  it("saving or closing someone's account lands on it with a confirmation", async () => {
    const other = await agentFor(t, 'stakeholder');
    const saved = await web.agent.post(`/admin/users/${other.user.id}`).type('form').send({ _csrf: web.csrf, name: 'Renamed', organisation: 'NGO', role: 'stakeholder' }).expect(303);
    expect((await web.agent.get(saved.headers.location).expect(200)).text).to.match(/notice-done" role="status">[^<]+</);
    const form = await web.agent.get(`/admin/users/${other.user.id}/close`).expect(200);
    const closed = await web.agent.post(`/admin/users/${other.user.id}/close`).type('form').send({ _csrf: csrfFrom(form.text) }).expect(303);
    expect(closed.headers.location).to.equal(`/admin/users/${other.user.id}?done=closed`);
    expect((await web.agent.get(closed.headers.location).expect(200)).text).to.contain('The account is closed');
    expect((await web.agent.get(`/admin/users/${other.user.id}?done=two-factor-off`).expect(200)).text).to.contain('Two-factor sign-in is off');
  });
});
