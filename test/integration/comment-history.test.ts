import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, bearerFor, createUser } from '../helpers/auth.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';

type App = Awaited<ReturnType<typeof testApp>>;
type Agent = Awaited<ReturnType<typeof agentFor>>;

/** Issue 11 item 6 and the first half of item 2: comment edits leave a trace, withdrawing asks, nothing is preset. */
describe('comments: history, withdrawal, no preset values', () => {
  let t: App;
  let cid: number;
  let stake: Agent;
  let sec: Agent;
  before(async () => {
    t = await testApp();
    cid = await sampleConsultationId(t.db);
    stake = await agentFor(t, await createUser(t.db, { organisation: 'History NGO' }));
    sec = await agentFor(t, 'secretariat');
  });
  after(() => t.close());

  async function submit(comment: string, clause = '8.2'): Promise<number> {
    const posted = await stake.agent.post(`/consultations/${cid}/comments`).type('form').send({ _csrf: stake.csrf, clause, type: 'technical', comment }).expect(303);
    return Number(/\/comments\/(\d+)/.exec(posted.headers.location)![1]);
  }

  it('an edit shows "edited" beside "submitted" everywhere and keeps the earlier text for the secretariat only', async () => {
    const id = await submit('First thoughts on depth.');
    const fresh = await stake.agent.get(`/comments/${id}`).expect(200);
    expect(fresh.text).not.to.contain('edited');
    const api = await bearerFor(t, 'secretariat');
    expect((await request(t.app).get(`/api/v1/comments/${id}`).set(...api.auth).expect(200)).body).to.include({ edited_at: null });

    // saving the same text again is not an edit
    await stake.agent.post(`/comments/${id}`).type('form').send({ _csrf: stake.csrf, clause: '8.2', type: 'technical', comment: 'First thoughts on depth.' }).expect(303);
    expect((await t.db('comments').where({ id }).first()).edited_at).to.equal(null);

    t.clock.advance(5 * 60 * 1000);
    await stake.agent.post(`/comments/${id}`).type('form').send({ _csrf: stake.csrf, clause: '8.3', type: 'editorial', comment: 'Second thoughts on depth.', proposed_change: 'Say 20 cm.' }).expect(303);
    const row = await t.db('comments').where({ id }).first();
    expect(row.edited_at).to.not.equal(null);
    expect(String(row.submitted_at)).to.not.equal(String(row.edited_at));

    const own = await stake.agent.get(`/comments/${id}`).expect(200);
    expect(own.text).to.match(/<dd>\d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d UTC; edited \d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d UTC<\/dd>/);
    expect(own.text).to.contain('Second thoughts on depth.');
    expect(own.text).not.to.contain('First thoughts on depth.');
    expect(own.text).not.to.contain('Earlier texts');
    const receipts = await stake.agent.get(`/consultations/${cid}`).expect(200);
    expect(receipts.text).to.match(/submitted [^<]+ UTC, edited [^<]+ UTC/);
    const matrix = await stake.agent.get(`/consultations/${cid}/comments?clause=8.3`).expect(200);
    expect(matrix.text).to.match(/<span class="hint">edited [^<]+ UTC<\/span>/);
    const json = await request(t.app).get(`/api/v1/comments/${id}`).set(...api.auth).expect(200);
    expect(json.body.edited_at).to.equal(new Date(row.edited_at).toISOString());

    // the secretariat sees the earlier text on the page and through the API; a stakeholder, even the author, does not
    const secPage = await sec.agent.get(`/comments/${id}`).expect(200);
    expect(secPage.text).to.contain('Earlier texts (1)');
    expect(secPage.text).to.contain('First thoughts on depth.');
    const revs = await request(t.app).get(`/api/v1/comments/${id}/revisions`).set(...api.auth).expect(200);
    expect(revs.body.revisions).to.have.length(1);
    expect(revs.body.revisions[0]).to.include({ clause: '8.2', type: 'technical', comment: 'First thoughts on depth.', proposed_change: null, replaced_at: json.body.edited_at });
    const author = await bearerFor(t, 'stakeholder');
    await request(t.app).get(`/api/v1/comments/${id}/revisions`).set(...author.auth).expect(403);
    await request(t.app).get(`/api/v1/comments/${id}/revisions`).expect(401);

    // the API edits the same way: a second revision, oldest first
    const stakeApi = await bearerFor(t, stake.user);
    await request(t.app).patch(`/api/v1/comments/${id}`).set(...stakeApi.auth).send({ comment: 'Third thoughts.' }).expect(200);
    const two = await request(t.app).get(`/api/v1/comments/${id}/revisions`).set(...api.auth).expect(200);
    expect(two.body.revisions.map((r: { comment: string }) => r.comment)).to.deep.equal(['First thoughts on depth.', 'Second thoughts on depth.']);
  });

  it('withdrawing asks first: a bare POST shows what happens and changes nothing; confirm=yes withdraws', async () => {
    const id = await submit('Withdraw me later.');
    const ask = await stake.agent.post(`/comments/${id}/withdraw`).type('form').send({ _csrf: stake.csrf }).expect(200);
    expect(ask.text).to.match(/Withdraw comment C-\d+-\d+\?/);
    expect(ask.text).to.contain('It stays in the record, marked withdrawn');
    expect(ask.text).to.contain(`<form method="post" action="/comments/${id}/withdraw" class="confirm-form">`);
    expect(ask.text).to.contain('<input type="hidden" name="confirm" value="yes">');
    expect(ask.text).to.contain(`href="/comments/${id}"`);
    expect((await t.db('comments').where({ id }).first()).withdrawn_at).to.equal(null);
    // someone else's comment: no confirmation page either
    const other = await agentFor(t, 'stakeholder');
    await other.agent.post(`/comments/${id}/withdraw`).type('form').send({ _csrf: other.csrf }).expect(404);
    await stake.agent.post(`/comments/${id}/withdraw`).type('form').send({ _csrf: stake.csrf, confirm: 'yes' }).expect(303).expect('Location', `/comments/${id}?done=withdrawn`);
    expect((await t.db('comments').where({ id }).first()).withdrawn_at).to.not.equal(null);
    // nothing left to confirm
    await stake.agent.post(`/comments/${id}/withdraw`).type('form').send({ _csrf: stake.csrf }).expect(409);
  });

  it('the comment form presets no type; submitting without one comes back with the message at the field', async () => {
    const page = await stake.agent.get(`/consultations/${cid}`).expect(200);
    expect(page.text).to.contain('name="type" value="technical"');
    expect(page.text).not.to.match(/name="type" value="\w+" checked/);
    const res = await stake.agent.post(`/consultations/${cid}/comments`).type('form').send({ _csrf: stake.csrf, clause: '8.2', comment: 'No type chosen.' }).expect(422);
    expect(res.text).to.contain('Choose the type of comment');
    expect(res.text).to.contain('No type chosen.');
  });

  it('the disposition forms preset nothing and say the rule beforehand; a refused one comes back filled in, from the matrix or the comment page', async () => {
    const id = await submit('Depth should follow the threat.');
    const matrix = await sec.agent.get(`/consultations/${cid}/comments?clause=8.2`).expect(200);
    const page = await sec.agent.get(`/comments/${id}`).expect(200);
    for (const html of [matrix.text, page.text]) {
      expect(html).to.contain('<option value="">Choose…</option>');
      expect(html).not.to.match(/<option value="accepted" selected>/);
      expect(html).to.contain('A rejection or partial acceptance needs a response.');
    }
    expect(page.text).to.contain('id="response-hint"');
    expect(page.text).to.contain('aria-describedby="response-hint"');
    expect(matrix.text).to.contain(`aria-describedby="rh-${id}"`);

    // From the matrix: the matrix again, as filtered, with this comment's form open, filled in, the message at the field.
    const back = `/consultations/${cid}/comments?clause=8.2`;
    expect(matrix.text).to.contain(`action="/comments/${id}/disposition#comment-${id}"`);
    const none = await sec.agent.post(`/comments/${id}/disposition`).type('form').send({ _csrf: sec.csrf, disposition: '', response: 'Keep this text.', back }).expect(422);
    expect(none.text).to.contain('<table class="comment-matrix stack">');
    expect(none.text).to.contain(`<input type="hidden" name="back" value="${back.replace('=', '&#x3D;')}">`);
    expect(none.text).to.contain(`<details class="dispose" open>`);
    expect(none.text).to.contain(`id="de-${id}">Choose a disposition`);
    expect(none.text).to.contain('Keep this text.</textarea>');
    const rej = await sec.agent.post(`/comments/${id}/disposition`).type('form').send({ _csrf: sec.csrf, disposition: 'rejected', response: '', back }).expect(422);
    expect(rej.text).to.contain('<table class="comment-matrix stack">');
    expect(rej.text).to.contain(`id="re-${id}">Explain the disposition`);
    expect(rej.text).to.contain(`aria-describedby="rh-${id} re-${id}"`);
    expect(rej.text).to.match(/<option value="rejected" selected>/);
    // From the comment page: that page again
    const res = await sec.agent.post(`/comments/${id}/disposition`).type('form').send({ _csrf: sec.csrf, disposition: 'rejected', response: '' }).expect(422);
    expect(res.text).to.contain('id="response-error">Explain the disposition');
    expect(res.text).to.match(/<option value="rejected" selected>/);
    expect(res.text).to.contain('aria-describedby="response-hint response-error"');
    const none2 = await sec.agent.post(`/comments/${id}/disposition`).type('form').send({ _csrf: sec.csrf, disposition: '', response: 'Keep this too.' }).expect(422);
    expect(none2.text).to.contain('id="disposition-error">Choose a disposition');
    expect(none2.text).to.contain('Keep this too.');
    expect((await t.db('comments').where({ id }).first()).disposition).to.equal(null);
  });
});
