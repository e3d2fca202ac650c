import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, createUser, csrfFrom } from '../helpers/auth.ts';
import { SAMPLE, sampleConsultationId } from '../helpers/consultations.ts';

type App = Awaited<ReturnType<typeof testApp>>;
const XSS = '<script>alert(1)</script><img src=x onerror=alert(2)> **bold** [x](javascript:alert(3))';

describe('consultation pages', () => {
  let t: App;
  let cid: number;
  before(async () => {
    t = await testApp();
    cid = await sampleConsultationId(t.db);
  });
  after(() => t.close());

  it('lists open and past consultations', async () => {
    const res = await request(t.app).get('/consultations').expect(200);
    expect(res.text).to.contain('Open now');
    expect(res.text).to.contain(`href="/consultations/${cid}"`);
    expect(res.text).to.contain('IMAS 07.11');
  });

  it('shows the draft clause by clause with counts, the instructions and the deadline in UTC; the public is asked to sign in', async () => {
    const res = await request(t.app).get(`/consultations/${cid}`).expect(200);
    expect(res.text).to.contain('30 June 2027, 23:59 UTC');
    expect(res.text).to.contain('Comment on a clause by quoting its number');
    expect(res.text).to.contain('id="clause-7.4"');
    expect(res.text).to.contain('DRAFT — not for use');
    expect(res.text).to.match(/Sign in<\/a> or <a href="\/register\?next=\/consultations\/\d+">register<\/a> to comment/); // issue 11 item 9: the way back
    expect(res.text).not.to.contain('Comment on this clause');
  });

  it('a verified stakeholder comments through the form of a clause and gets a receipt; markup in comments is inert', async () => {
    const { agent } = await agentFor(t, 'stakeholder', { organisation: 'Field NGO' });
    const page = await agent.get(`/consultations/${cid}`).expect(200);
    expect(page.text.match(/Comment on this clause/g)!.length).to.be.greaterThan(30);
    const csrf = csrfFrom(page.text);
    const res = await agent.post(`/consultations/${cid}/comments`).type('form').send({ _csrf: csrf, clause: '7.4', type: 'technical', comment: XSS, proposed_change: '"><svg onload=alert(4)>' }).expect(303);
    expect(res.headers.location).to.match(/^\/comments\/\d+\?done=received$/);
    const receipt = await agent.get(res.headers.location).expect(200);
    expect(receipt.text).to.match(new RegExp(`Its reference is C-${cid}-\\d+`));
    // times read as on the other pages, not as ISO timestamps
    expect(receipt.text).to.match(/<dd>\d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d UTC<\/dd>/);
    expect(receipt.text).to.contain('closes (30 June 2027, 23:59 UTC)');
    for (const html of [receipt.text, (await agent.get(`/consultations/${cid}/comments`).expect(200)).text]) {
      expect(html).not.to.contain('<script>alert(1)');
      expect(html).not.to.contain('<img src=x');
      expect(html).not.to.contain('<svg onload');
      expect(html).not.to.contain('href="javascript:');
      expect(html).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
    const counted = await agent.get(`/consultations/${cid}`).expect(200);
    expect(counted.text).to.contain('Your comments');
  });

  it('a form problem re-renders the page with the clause form open, the input kept and the message beside it', async () => {
    const { agent } = await agentFor(t, 'stakeholder');
    const csrf = csrfFrom((await agent.get(`/consultations/${cid}`)).text);
    const res = await agent.post(`/consultations/${cid}/comments`).type('form').send({ _csrf: csrf, clause: '5.1', type: 'technical', comment: '', proposed_change: 'keep me' }).expect(422);
    expect(res.text).to.contain('Write your comment.');
    expect(res.text).to.contain('keep me');
    expect(res.text).to.contain('<details class="comment-form" id="comment-form-c-5.1" open>');
    expect(res.text).to.contain('check <a href="#comment-form-c-5.1">the form marked below</a>');
    // the browser comes back to the form it sent, however far down the draft
    expect(res.text).to.contain('action="/consultations/' + cid + '/comments#comment-form-c-5.1"');
  });

  it('an unverified user is told to confirm the address; outside the window a clear 409 page', async () => {
    const unverified = await agentFor(t, 'stakeholder', { verified: false });
    const page = await unverified.agent.get(`/consultations/${cid}`).expect(200);
    expect(page.text).to.contain('Confirm your e-mail address to comment');
    const res = await unverified.agent.post(`/consultations/${cid}/comments`).type('form').send({ _csrf: unverified.csrf, clause: '1', type: 'editorial', comment: 'x' }).expect(403);
    expect(res.text).to.contain('Confirm your e-mail address');
    // (sessions end after 30 idle minutes by the same clock: sign in after moving it)
    t.clock.set(SAMPLE.closes_at);
    try {
    const { agent, csrf } = await agentFor(t, 'stakeholder');
    const late = await agent.post(`/consultations/${cid}/comments`).type('form').send({ _csrf: csrf, clause: '1', type: 'editorial', comment: 'late' }).expect(409);
    expect(late.text).to.contain('This consultation closed on 30 June 2027 23:59 UTC');
    const closedPage = await request(t.app).get(`/consultations/${cid}`).expect(200);
    expect(closedPage.text).to.contain('Read the consultation report');
    const report = await request(t.app).get(`/consultations/${cid}/report`).expect(200);
    expect(report.text).to.contain('Consultation report');
    expect(report.text).not.to.contain('Record a disposition');
    } finally {
      t.clock.set('2026-11-23T12:00:00.000Z');
    }
    await request(t.app).get(`/consultations/${cid}/report`).expect(409);
    await request(t.app).get(`/consultations/${cid}/comments`).expect(303);
  });

  it('the secretariat records a disposition from the matrix and the stakeholder sees it', async () => {
    const stake = await agentFor(t, await createUser(t.db, { organisation: 'Mine Action NGO' }));
    let csrf = csrfFrom((await stake.agent.get(`/consultations/${cid}`)).text);
    const posted = await stake.agent.post(`/consultations/${cid}/comments`).type('form').send({ _csrf: csrf, clause: '8.2', type: 'technical', comment: 'Depth should follow the threat.' }).expect(303);
    const id = /\/comments\/(\d+)/.exec(posted.headers.location)![1];
    const sec = await agentFor(t, 'secretariat');
    const matrix = await sec.agent.get(`/consultations/${cid}/comments?clause=8.2`).expect(200);
    expect(matrix.text).to.contain('Record a disposition');
    csrf = csrfFrom(matrix.text);
    const done = await sec.agent.post(`/comments/${id}/disposition`).type('form').send({ _csrf: csrf, disposition: 'accepted', response: 'Changed in the next draft.', back: `/consultations/${cid}/comments?clause=8.2` }).expect(303);
    expect(done.headers.location).to.equal(`/consultations/${cid}/comments?clause=8.2&done=disposed#comment-${id}`);
    const seen = await stake.agent.get(`/comments/${id}`).expect(200);
    expect(seen.text).to.contain('Accepted');
    expect(seen.text).to.contain('Changed in the next draft.');
    expect(seen.text).not.to.contain('Change your comment');
  });

  it('imports a sheet through the page (CSRF token in the multipart body), and reports bad rows by number', async () => {
    const { agent, csrf } = await agentFor(t, 'stakeholder');
    const page = await agent.get(`/consultations/${cid}`).expect(200);
    const action = /action="(\/consultations\/\d+\/comments\/sheet)"/.exec(page.text)![1]!;
    const bad = await agent.post(action).field('_csrf', csrf).attach('sheet', Buffer.from('Clause,Type,Comments\n4.1,te,ok\n77.7,te,nowhere\n'), 'c.csv').expect(422);
    expect(bad.text).to.contain('row 3');
    expect(bad.text).to.contain('no clause 77.7');
    // the rows in error are shown, not folded away in a closed <details>
    expect(bad.text).to.contain('<details class="comment-form" id="sheet-upload" open>');
    expect(page.text).to.contain('<details class="comment-form" id="sheet-upload">');
    const ok = await agent.post(action).field('_csrf', csrf).attach('sheet', Buffer.from('Clause,Type,Comments\n4.1,te,ok\n4.2,ed,fine\n'), 'c.csv').expect(303);
    expect(ok.headers.location).to.equal(`/consultations/${cid}?done=imported&added=2&updated=0&unchanged=0`);
    expect((await agent.get(ok.headers.location).expect(200)).text).to.contain('2 comments added, 0 updated, 0 unchanged');
  });

  it('the secretariat opens, extends and closes a consultation through the forms', async () => {
    const sec = await agentFor(t, 'secretariat');
    const form = await sec.agent.get('/consultations/new?ref=07.11&n=4').expect(200);
    const csrf = csrfFrom(form.text);
    const clash = await sec.agent.post('/consultations').type('form').send({ _csrf: csrf, ref: '07.11', n: '4', closes_at: '2027-01-01T00:00' }).expect(409);
    expect(clash.text).to.contain('already has a consultation');
    const bad = await sec.agent.post('/consultations').type('form').send({ _csrf: csrf, ref: '07.11', n: '4', closes_at: 'soon' }).expect(422);
    expect(bad.text).to.contain('as a date and time in UTC');
    const page = await sec.agent.get(`/consultations/${cid}`).expect(200);
    expect(page.text).to.contain('Manage this consultation');
    await sec.agent.post(`/consultations/${cid}/change`).type('form').send({ _csrf: csrf, action: 'extend', closes_at: '2027-09-30T12:00' }).expect(303);
    expect((await t.db('consultations').where({ id: cid }).first()).closes_at).to.equal('2027-09-30T12:00:00.000Z');
    await sec.agent.post(`/consultations/${cid}/change`).type('form').send({ _csrf: csrf, action: 'close' }).expect(303);
    const after = await request(t.app).get(`/consultations/${cid}`).expect(200);
    expect(after.text).to.contain('state-closed');
    await request(t.app).get(`/consultations/new`).expect(303);
    await (await agentFor(t, 'stakeholder')).agent.get('/consultations/new').expect(403);
  });
});

describe('consultation pages: a later draft', () => {
  it('links to the comments of the earlier consultation shown on the new draft, each with where its clause is now', async () => {
    const { laterDraft } = await import('../helpers/consultations.ts');
    const t = await testApp();
    try {
      const cid = await sampleConsultationId(t.db);
      const stake = await agentFor(t, 'stakeholder');
      let csrf = csrfFrom((await stake.agent.get(`/consultations/${cid}`)).text);
      await stake.agent.post(`/consultations/${cid}/comments`).type('form').send({ _csrf: csrf, clause: '4.1', type: 'technical', comment: 'NMAA duties.' }).expect(303);
      await stake.agent.post(`/consultations/${cid}/comments`).type('form').send({ _csrf: csrf, clause: '9.4', type: 'technical', comment: 'Liability.' }).expect(303);
      const { n } = await laterDraft(t.db);
      const sec = await agentFor(t, 'secretariat');
      csrf = sec.csrf;
      const opened = await sec.agent.post('/consultations').type('form').send({ _csrf: csrf, ref: '07.11', n: String(n), closes_at: '2027-12-31T00:00' });
      expect(opened.status).to.equal(303);
      const page = await stake.agent.get(opened.headers.location).expect(200);
      expect(page.text).to.contain('Comments on earlier drafts');
      const link = `/consultations/${cid}/comments?version=${n}`;
      expect(page.text.replace(/&#x3D;/g, '=')).to.contain(`href="${link}"`);
      const matrix = await stake.agent.get(link).expect(200);
      expect(matrix.text).to.contain('was 4.1, now 4.2');
      expect(matrix.text).to.contain('clause removed');
    } finally {
      await t.close();
    }
  });
});
