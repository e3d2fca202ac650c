import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, bearerFor } from '../helpers/auth.ts';
import { circulate, propose, respond, seat, userOf } from '../helpers/proposals.ts';
import { htmlProblems } from '../helpers/html.ts';

type App = Awaited<ReturnType<typeof testApp>>;

/** The proposal pages without JavaScript: forms keep what was typed, refusals come back at the form. */
describe('proposals: pages and forms', () => {
  let t: App;
  let sec: { auth: [string, string] };
  before(async () => {
    t = await testApp();
    sec = await bearerFor(t, 'secretariat');
  });
  after(() => t.close());

  it('the log and a proposal are public; the form needs an account', async () => {
    await request(t.app).get('/proposals').expect(200);
    const res = await request(t.app).get('/proposals/new');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/login?next=%2Fproposals%2Fnew');
    await request(t.app).get('/proposals/999').expect(404);
    await request(t.app).get('/proposals/abc').expect(404);
  });

  it('refuses a form with problems at the fields, keeping what was typed (422)', async () => {
    const { agent, csrf } = await agentFor(t, 'stakeholder');
    const res = await agent.post('/proposals').type('form').send({ _csrf: csrf, kind: 'amendment', standard: '', title: 'My idea <b>', rationale: '', scope: 'Somewhere' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Enter the rationale.');
    expect(res.text).to.contain('Say whether the change is substantial');
    expect(res.text).to.contain('value="My idea &lt;b&gt;"');
    expect(res.text).to.contain('>Somewhere</textarea>');
    const noDoc = await agent.post('/proposals').type('form').send({ _csrf: csrf, kind: 'amendment', standard: '', title: 'My idea', rationale: 'Because.', scope: 'Somewhere', substantial: 'no' });
    expect(noDoc.status).to.equal(422);
    expect(noDoc.text).to.contain('Name the document the amendment concerns');
    const ok = await agent.post('/proposals').type('form').send({ _csrf: csrf, kind: 'amendment', standard: '07.11', title: 'My idea', rationale: 'Because.', scope: 'Somewhere', substantial: 'yes' });
    expect(ok.status).to.equal(303);
    expect(ok.headers.location).to.match(/^\/proposals\/\d+\?done=submitted$/);
    const page = await agent.get(ok.headers.location).expect(200);
    expect(page.text).to.contain('Your proposal is submitted');
    expect(page.text).to.contain('Yes: national standards or SOPs must change');
    expect(page.text).to.contain('Change the proposal');
  });

  it('the proposer edits until circulation; afterwards the edit form is gone and a post is refused with the reason', async () => {
    const proposer = await userOf(t, 'Edits Ltd', 'stakeholder');
    const p = await propose(t, proposer);
    const { agent, csrf } = await agentFor(t, proposer.user);
    const form = await agent.get(`/proposals/${p.id}/edit`).expect(200);
    expect(form.text).to.contain('Change proposal P-');
    await agent.post(`/proposals/${p.id}/edit`).type('form').send({ _csrf: csrf, kind: 'amendment', standard: '07.11', title: 'Edited title', rationale: 'R', scope: 'S', substantial: 'no' }).expect(303);
    await seat(t, ['Only Member']);
    await circulate(t, sec, p.id);
    const gone = await agent.get(`/proposals/${p.id}/edit`);
    expect(gone.status).to.equal(303);
    expect((await agent.get(`/proposals/${p.id}`).expect(200)).text).not.to.contain('Change the proposal');
    const late = await agent.post(`/proposals/${p.id}/edit`).type('form').send({ _csrf: csrf, kind: 'amendment', standard: '07.11', title: 'Late title', rationale: 'R', scope: 'S', substantial: 'no' });
    expect(late.status).to.equal(409);
    expect(late.text).to.contain('it can no longer be changed');
    expect(late.text).to.contain('value="Late title"');
  });

  it('a member organisation responds on the page; after the date the page says why it was refused', async () => {
    const board = await seat(t, ['Page Org A', 'Page Org B']);
    const proposer = await userOf(t, 'Page Proposer Org', 'stakeholder');
    const p = await propose(t, proposer, { title: 'Answered on the page' });
    await circulate(t, sec, p.id, '2026-11-23T12:10:00Z');
    const { agent, csrf } = await agentFor(t, board['Page Org A']!.user);
    const page = await agent.get(`/proposals/${p.id}`).expect(200);
    expect(page.text).to.match(/You respond for <strong>(<bdi>)?Page Org A/);
    await agent.post(`/proposals/${p.id}/response`).type('form').send({ _csrf: csrf, position: 'support', comment: 'Yes.' }).expect(303);
    const saved = t.clock.now();
    t.clock.set('2026-11-23T12:10:00Z');
    try {
      const late = await agent.post(`/proposals/${p.id}/response`).type('form').send({ _csrf: csrf, position: 'no_support', comment: 'Changed our mind.' });
      expect(late.status, late.text.replace(/[\s\S]*<main[^>]*>/, '').slice(0, 1500)).to.equal(409);
      expect(late.text).to.match(/Your response was not recorded: The response date of this proposal has passed|The Board&#x27;s decision on this proposal has been recorded/);
    } finally {
      t.clock.set(saved);
    }
    expect((await t.db('proposal_responses').where({ proposal_id: p.id }).first()).position).to.equal('support');
  });

  it('the secretariat drops a proposal after a confirmation page', async () => {
    const proposer = await userOf(t, 'Dropped Org', 'stakeholder');
    const p = await propose(t, proposer, { title: 'Dropped on the page' });
    const { agent, csrf } = await agentFor(t, 'secretariat');
    const empty = await agent.post(`/proposals/${p.id}/drop`).type('form').send({ _csrf: csrf, reason: '' });
    expect(empty.status).to.equal(422);
    expect(empty.text).to.contain('Enter the reason for dropping the proposal');
    const ask = await agent.post(`/proposals/${p.id}/drop`).type('form').send({ _csrf: csrf, reason: 'Duplicate of P-1.' });
    expect(ask.status).to.equal(200);
    expect(ask.text).to.contain(`Drop proposal P-${p.id}?`);
    expect(await t.db('proposals').where({ id: p.id }).first('dropped_at')).to.deep.equal({ dropped_at: null });
    const done = await agent.post(`/proposals/${p.id}/drop`).type('form').send({ _csrf: csrf, reason: 'Duplicate of P-1.', confirm: 'yes' });
    expect(done.status).to.equal(303);
    const page = await agent.get(`/proposals/${p.id}`).expect(200);
    expect(page.text).to.contain('Duplicate of P-1.');
    expect(page.text).to.contain('Dropped');
  });

  it('a new TNMA: the secretariat records the Steering Group, then the draft form asks for number and title', async () => {
    const board = await seat(t, ['TN Org']);
    const proposer = await userOf(t, 'TN Proposer', 'stakeholder');
    const p = await propose(t, proposer, { kind: 'new_tnma', standard: null, proposed_number: '12.10/02', title: 'Risk education in schools' });
    await circulate(t, sec, p.id);
    expect((await respond(t, board['TN Org']!, p.id, 'support')).status).to.equal(200);
    const { agent, csrf } = await agentFor(t, 'secretariat');
    const before = await agent.get(`/proposals/${p.id}`).expect(200);
    expect(before.text).to.contain('Record the approval');
    expect(before.text).not.to.contain('Create the draft from this proposal');
    await agent.post(`/proposals/${p.id}/steering-group`).type('form').send({ _csrf: csrf, approved_on: '2026-11-22' }).expect(303);
    const form = await agent.get(`/proposals/${p.id}/draft`).expect(200);
    expect(form.text).to.contain('value="12.10/02"');
    expect(form.text).to.contain('value="Risk education in schools"');
    const bad = await agent.post(`/proposals/${p.id}/draft`).type('form').send({ _csrf: csrf, number: '12.10/02', title: 'Risk education in schools', text: 'No heading here.' });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('No heading here.');
    expect(await t.db('standards').where({ ref: 'tnma-12.10-02' }).first()).to.equal(undefined);
    const ok = await agent.post(`/proposals/${p.id}/draft`).type('form').send({ _csrf: csrf, number: '12.10/02', title: 'Risk education in schools', text: '# 1 Scope\n\nSchools.\n' });
    expect(ok.status).to.equal(303);
    expect(ok.headers.location).to.equal('/admin/standards/tnma-12.10-02?done=draft&n=1');
  });

  it('a proposer\'s and a voter\'s data export lists their proposals and responses', async () => {
    const board = await seat(t, ['Export Org']);
    const proposer = await userOf(t, 'Export Proposer Org', 'stakeholder');
    const p = await propose(t, proposer, { title: 'Exported proposal' });
    await circulate(t, sec, p.id);
    expect((await respond(t, board['Export Org']!, p.id, 'no_support', 'Not needed.')).status).to.equal(200);
    const mine = await request(t.app).get(`/api/v1/users/${proposer.user.id}/export`).set(...proposer.auth);
    expect(mine.status, JSON.stringify(mine.body)).to.equal(200);
    expect(mine.body.proposals.map((x: { title: string }) => x.title)).to.deep.equal(['Exported proposal']);
    const theirs = await request(t.app).get(`/api/v1/users/${board['Export Org']!.user.id}/export`).set(...board['Export Org']!.auth).expect(200);
    expect(theirs.body.proposal_responses).to.have.length(1);
    expect(theirs.body.proposal_responses[0]).to.include({ proposal_id: p.id, position: 'no_support', comment: 'Not needed.' });
  });

  it('its pages are valid HTML: the log, the form, a proposal as the secretariat and as a voter sees it, the draft form', async () => {
    const board = await seat(t, ['Html Org']);
    const proposer = await userOf(t, 'Html Proposer', 'stakeholder');
    const p = await propose(t, proposer, { title: 'Valid <markup> & all' });
    await circulate(t, sec, p.id);
    expect((await respond(t, board['Html Org']!, p.id, 'support', 'Line one\nline two')).status).to.equal(200);
    const s = await agentFor(t, 'secretariat');
    const v = await agentFor(t, board['Html Org']!.user);
    // not supported yet: the draft form leads back to the proposal
    expect((await s.agent.get(`/proposals/${p.id}/draft`)).headers.location).to.equal(`/proposals/${p.id}`);
    const supported = await propose(t, proposer, { title: 'Supported for the draft form' });
    await circulate(t, sec, supported.id);
    // (the Board's count is tested elsewhere: here the decision is written straight in)
    await t.db('proposals').where({ id: supported.id }).update({ decision: 'supported', decided_at: '2026-11-23T12:00:00.000Z' });
    const pages: Array<[string, Awaited<ReturnType<typeof agentFor>>['agent'] | null]> = [
      ['/proposals', null],
      ['/proposals?status=circulated&kind=amendment&year=2026', null],
      [`/proposals/${p.id}`, null],
      [`/proposals/${p.id}`, s.agent],
      [`/proposals/${p.id}`, v.agent],
      ['/proposals/new?standard=07.11', s.agent],
      [`/proposals/${supported.id}/draft`, s.agent],
      [`/proposals/${supported.id}`, s.agent],
    ];
    for (const [url, agent] of pages) {
      const res = await (agent ?? request(t.app)).get(url).expect(200);
      const problems = await htmlProblems(res.text);
      expect(problems, `${url}:\n${problems.join('\n')}`).to.deep.equal([]);
    }
  });
});
