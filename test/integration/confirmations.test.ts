import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, createUser } from '../helpers/auth.ts';
import { boardOf, openBallot, secretariat, vote, type Member } from '../helpers/ballots.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';

type App = Awaited<ReturnType<typeof testApp>>;
type Agent = Awaited<ReturnType<typeof agentFor>>;
/** The page's text as read: Handlebars escapes = and ' in what it prints. */
const read = (html: string) => html.replace(/&#x3D;/g, '=').replace(/&#x27;/g, "'");

/**
 * Destructive actions ask first (issue 11 item 7): the first step — a link, or the form posted without
 * confirm=yes — shows what will happen and changes nothing; only the confirm step acts.
 */
describe('destructive actions: a confirmation page first', () => {
  let t: App;
  let sec: Agent;
  let api: Member;
  let m: Record<string, Member>;
  before(async () => {
    t = await testApp();
    sec = await agentFor(t, 'secretariat');
    api = await secretariat(t);
    m = await boardOf(t, ['GICHD', 'UNDP', 'UNICEF']);
  });
  after(() => t.close());

  /** The confirmation page: what happens, what cannot be undone, a POST with CSRF and confirm=yes, a way back. */
  function expectConfirmation(html: string, action: string, back: string) {
    expect(html).to.contain(`<form method="post" action="${action}" class="confirm-form">`);
    expect(html).to.match(/<input type="hidden" name="_csrf" value="[^"]+">/);
    expect(html).to.contain('<input type="hidden" name="confirm" value="yes">');
    expect(html).to.contain(`href="${back}"`);
  }

  it('closing a ballot early: the link and a bare POST change nothing; the confirm step closes it', async () => {
    const b = await openBallot(t, api);
    await vote(t, m.GICHD!, b.id, 'approve');
    const page = await sec.agent.get(`/ballots/${b.id}`).expect(200);
    expect(page.text).to.contain(`href="/ballots/${b.id}/close/confirm"`);
    expect(page.text).to.not.contain(`action="/ballots/${b.id}/close"`);

    const ask = await sec.agent.get(`/ballots/${b.id}/close/confirm`).expect(200);
    expect(ask.text).to.contain(`Close ballot ${b.id} now?`);
    expect(read(ask.text)).to.contain('approve 1 of 1 votes cast = 100\u00a0% ≥ 66.7\u00a0%');
    expect(ask.text).to.contain('UNDP, UNICEF have not voted and could no longer vote.');
    expect(ask.text).to.contain('This cannot be undone');
    expectConfirmation(ask.text, `/ballots/${b.id}/close`, `/ballots/${b.id}`);

    const bare = await sec.agent.post(`/ballots/${b.id}/close`).type('form').send({ _csrf: sec.csrf }).expect(200);
    expect(bare.text).to.contain(`Close ballot ${b.id} now?`);
    expect(await t.db('ballots').where({ id: b.id }).first()).to.include({ closes_at: '2026-12-01T12:00:00.000Z', result: null });
    await request(t.app).get(`/ballots/${b.id}/close/confirm`).expect(303);
    await (await agentFor(t, 'board', { organisation: 'UNDP' })).agent.get(`/ballots/${b.id}/close/confirm`).expect(403);

    await sec.agent.post(`/ballots/${b.id}/close`).type('form').send({ _csrf: sec.csrf, confirm: 'yes' }).expect(303).expect('Location', `/ballots/${b.id}?done=closed`);
    expect((await t.db('ballots').where({ id: b.id }).first()).result).to.not.equal(null);
    // nothing left to confirm
    const late = await sec.agent.get(`/ballots/${b.id}/close/confirm`).expect(409);
    expect(late.text).to.contain('Only an open ballot can be closed');
  });

  it('cancelling a ballot: a bare POST asks; confirm=yes cancels', async () => {
    const b = await openBallot(t, api, {}, 4);
    const ask = await sec.agent.get(`/ballots/${b.id}/cancel/confirm`).expect(200);
    expect(ask.text).to.contain(`Cancel ballot ${b.id}?`);
    expect(ask.text).to.contain('stays a draft');
    expectConfirmation(ask.text, `/ballots/${b.id}/cancel`, `/ballots/${b.id}`);
    await sec.agent.post(`/ballots/${b.id}/cancel`).type('form').send({ _csrf: sec.csrf }).expect(200);
    expect((await t.db('ballots').where({ id: b.id }).first()).cancelled_at).to.equal(null);
    await sec.agent.post(`/ballots/${b.id}/cancel`).type('form').send({ _csrf: sec.csrf, confirm: 'yes' }).expect(303).expect('Location', `/ballots/${b.id}?done=cancelled`);
    expect((await t.db('ballots').where({ id: b.id }).first()).cancelled_at).to.not.equal(null);
    // the CSRF check still guards the final step
    await sec.agent.post(`/ballots/${b.id}/cancel`).type('form').send({ confirm: 'yes' }).expect(403);
  });

  it('cancelling a consultation: the link and a bare POST ask; confirm=yes cancels; extending does not ask', async () => {
    const cid = await sampleConsultationId(t.db);
    const page = await sec.agent.get(`/consultations/${cid}`).expect(200);
    expect(page.text).to.contain(`href="/consultations/${cid}/cancel/confirm"`);
    expect(page.text).to.not.contain('value="cancel"');
    const ask = await sec.agent.get(`/consultations/${cid}/cancel/confirm`).expect(200);
    expect(ask.text).to.contain(`Cancel consultation C-${cid}?`);
    expect(ask.text).to.contain('takes no more comments');
    expect(ask.text).to.contain('<input type="hidden" name="action" value="cancel">');
    expectConfirmation(ask.text, `/consultations/${cid}/change`, `/consultations/${cid}`);
    await sec.agent.post(`/consultations/${cid}/change`).type('form').send({ _csrf: sec.csrf, action: 'cancel' }).expect(200);
    expect((await t.db('consultations').where({ id: cid }).first()).cancelled_at).to.equal(null);
    await sec.agent.post(`/consultations/${cid}/change`).type('form').send({ _csrf: sec.csrf, action: 'extend', closes_at: '2027-09-30T12:00' }).expect(303);
    await (await agentFor(t, 'stakeholder')).agent.get(`/consultations/${cid}/cancel/confirm`).expect(403);
    await sec.agent.post(`/consultations/${cid}/change`).type('form').send({ _csrf: sec.csrf, action: 'cancel', confirm: 'yes' }).expect(303);
    expect((await t.db('consultations').where({ id: cid }).first()).cancelled_at).to.not.equal(null);
    await sec.agent.get(`/consultations/${cid}/cancel/confirm`).expect(409);
  });

  it('withdrawing a standard: the form leads to a page that names the date and the replacement; confirm=yes withdraws', async () => {
    await sec.agent.post('/admin/standards').type('form').send({ _csrf: sec.csrf, type: 'IMAS', number: '07.97', title: 'A standard to withdraw' }).expect(303);
    const bad = await sec.agent.post('/admin/standards/07.97/withdraw').type('form').send({ _csrf: sec.csrf, date: 'soon' }).expect(422);
    expect(bad.text).to.contain('id="date-error"');
    const unknown = await sec.agent.post('/admin/standards/07.97/withdraw').type('form').send({ _csrf: sec.csrf, date: '2026-12-31', replaced_by: '99.99' }).expect(422);
    expect(unknown.text).to.contain('id="replaced_by-error"');
    const ask = await sec.agent.post('/admin/standards/07.97/withdraw').type('form').send({ _csrf: sec.csrf, date: '2026-12-31', replaced_by: 'IMAS 07.11' }).expect(200);
    expect(ask.text).to.contain('Withdraw IMAS 07.97?');
    expect(ask.text).to.contain('is withdrawn on 31 December 2026, replaced by IMAS 07.11');
    expect(ask.text).to.contain('<input type="hidden" name="date" value="2026-12-31">');
    expect(ask.text).to.contain('<input type="hidden" name="replaced_by" value="IMAS 07.11">');
    expectConfirmation(ask.text, '/admin/standards/07.97/withdraw', '/admin/standards/07.97');
    expect((await t.db('standards').where({ ref: '07.97' }).first()).withdrawn_on).to.equal(null);
    await sec.agent.post('/admin/standards/07.97/withdraw').type('form').send({ _csrf: sec.csrf, date: '2026-12-31', replaced_by: 'IMAS 07.11', confirm: 'yes' }).expect(303);
    expect((await t.db('standards').where({ ref: '07.97' }).first()).withdrawn_on).to.equal('2026-12-31');
  });

  it('disabling an account: the link and a bare POST ask; confirm=yes disables; enabling does not ask', async () => {
    const user = await createUser(t.db, { role: 'stakeholder', name: 'Sam Stakeholder' });
    const page = await sec.agent.get(`/admin/users/${user.id}`).expect(200);
    expect(page.text).to.contain(`href="/admin/users/${user.id}/disable/confirm"`);
    const ask = await sec.agent.get(`/admin/users/${user.id}/disable/confirm`).expect(200);
    expect(ask.text).to.contain('Disable the account of Sam Stakeholder?');
    expect(ask.text).to.contain('API tokens are revoked');
    expectConfirmation(ask.text, `/admin/users/${user.id}/disable`, `/admin/users/${user.id}`);
    await sec.agent.post(`/admin/users/${user.id}/disable`).type('form').send({ _csrf: sec.csrf }).expect(200);
    expect((await t.db('users').where({ id: user.id }).first()).disabled_at).to.equal(null);
    await sec.agent.post(`/admin/users/${user.id}/disable`).type('form').send({ _csrf: sec.csrf, confirm: 'yes' }).expect(303);
    expect((await t.db('users').where({ id: user.id }).first()).disabled_at).to.not.equal(null);
    await sec.agent.post(`/admin/users/${user.id}/enable`).type('form').send({ _csrf: sec.csrf }).expect(303);
    expect((await t.db('users').where({ id: user.id }).first()).disabled_at).to.equal(null);
  });

  it('the JSON API acts at once, as before', async () => {
    const b = await openBallot(t, api, {}, 4);
    await request(t.app).post(`/api/v1/ballots/${b.id}/cancel`).set(...api.auth).expect(200);
  });
});
