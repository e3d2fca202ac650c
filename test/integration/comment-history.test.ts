import { expect } from 'chai';
import { testApp } from '../helpers/app.ts';
import { agentFor, createUser } from '../helpers/auth.ts';
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

    // not chosen
    const none = await sec.agent.post(`/comments/${id}/disposition`).type('form').send({ _csrf: sec.csrf, disposition: '', response: 'Keep this text.', back: `/consultations/${cid}/comments?clause=8.2` }).expect(422);
    expect(none.text).to.contain('id="disposition-error">Choose a disposition');
    expect(none.text).to.contain('Keep this text.');
    // rejected without a response, from the matrix and from the comment page: the comment's page, filled in, the message at the field
    for (const back of [`/consultations/${cid}/comments?clause=8.2`, undefined]) {
      const res = await sec.agent.post(`/comments/${id}/disposition`).type('form').send({ _csrf: sec.csrf, disposition: 'rejected', response: '', ...(back ? { back } : {}) }).expect(422);
      expect(res.text).to.contain('id="response-error">Explain the disposition');
      expect(res.text).to.match(/<option value="rejected" selected>/);
      expect(res.text).to.contain('aria-describedby="response-hint response-error"');
    }
    expect((await t.db('comments').where({ id }).first()).disposition).to.equal(null);
  });
});
