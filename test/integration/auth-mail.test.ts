import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, createUser, csrfFrom, signIn } from '../helpers/auth.ts';
import { startSmtp } from '../helpers/mail.ts';

type App = Awaited<ReturnType<typeof testApp>>;
const HOUR = 3_600_000;
const pathOf = (link: string) => new URL(link).pathname + new URL(link).search;

describe('auth: links by e-mail (real local SMTP server)', () => {
  let t: App;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  before(async () => {
    smtp = await startSmtp();
    t = await testApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL: 'http://imas.test' } });
  });
  after(async () => {
    await t.close();
    await smtp.close();
  });

  async function followLink(path: string, expectStatus: number) {
    const agent = request.agent(t.app);
    const page = await agent.get(path).expect(expectStatus);
    return { agent, page };
  }

  it('registration mails a verification link: it works once, then says it was used; until then no commenting', async () => {
    const agent = request.agent(t.app);
    const form = await agent.get('/register').expect(200);
    const bad = await agent.post('/register').type('form').send({ _csrf: csrfFrom(form.text), name: 'Ana', email: 'ana@example.org', organisation: 'NGO', password: 'password' }).expect(422);
    expect(bad.text).to.contain('most common');
    expect(bad.text).to.contain('value="Ana"');
    expect(bad.text).to.contain('value="NGO"');
    const ok = await agent.post('/register').type('form').send({ _csrf: csrfFrom(form.text), name: 'Ana', email: 'Ana@Example.org', organisation: 'NGO', password: 'deminers clear the land' }).expect(200);
    expect(ok.text).to.contain('Check your inbox');
    const mail = await smtp.next('ana@example.org');
    expect(mail.link).to.match(/^http:\/\/imas\.test\/verify-email\?token=/);
    expect(mail.raw).not.to.contain('deminers clear the land');
    // signs in before verifying; the account page says it is not confirmed
    const { agent: signedIn } = await agentFor(t, { ...(await t.db('users').where({ email: 'ana@example.org' }).first()), password: 'deminers clear the land' });
    expect((await signedIn.get('/account')).text).to.contain('not confirmed yet');
    // GET shows a button and changes nothing
    const { agent: a, page } = await followLink(pathOf(mail.link!), 200);
    expect((await t.db('users').where({ email: 'ana@example.org' }).first()).email_verified_at).to.equal(null);
    const token = /name="token" value="([^"]+)"/.exec(page.text)![1];
    const done = await a.post('/verify-email').type('form').send({ _csrf: csrfFrom(page.text), token }).expect(200);
    expect(done.text).to.contain('Your e-mail address is confirmed.');
    expect((await t.db('users').where({ email: 'ana@example.org' }).first()).email_verified_at).to.be.a('string');
    expect((await signedIn.get('/account')).text).not.to.contain('not confirmed yet');
    // used
    const again = await followLink(pathOf(mail.link!), 400);
    expect(again.page.text).to.contain('already been used');
    await a.post('/verify-email').type('form').send({ _csrf: csrfFrom(page.text), token }).expect(400);
  });

  it('a verification link expires after 48 hours; a new one can be asked for', async () => {
    const user = await createUser(t.db, { verified: false });
    const { agent, csrf } = await agentFor(t, user);
    await agent.post('/account/verify-email').type('form').send({ _csrf: csrf }).expect(303);
    const mail = await smtp.next(user.email);
    t.clock.advance(49 * HOUR);
    try {
      const { page } = await followLink(pathOf(mail.link!), 400);
      expect(page.text).to.contain('expired');
    } finally {
      t.clock.advance(-49 * HOUR);
    }
  });

  it('a forgotten password is reset through a single-use link that expires; the answer never says whether the address exists', async () => {
    const user = await createUser(t.db, { email: 'rita@example.org' });
    const { agent: oldSession } = await agentFor(t, user);
    const agent = request.agent(t.app);
    const form = await agent.get('/forgot-password').expect(200);
    const known = await agent.post('/forgot-password').type('form').send({ _csrf: csrfFrom(form.text), email: 'Rita@example.org' }).expect(200);
    const unknown = await agent.post('/forgot-password').type('form').send({ _csrf: csrfFrom(form.text), email: 'nobody@example.org' }).expect(200);
    expect(known.text.replace(/value="[^"]*"/g, '')).to.equal(unknown.text.replace(/value="[^"]*"/g, ''));
    const mail = await smtp.next('rita@example.org');
    expect(mail.link).to.match(/\/reset-password\?token=/);
    const { agent: a, page } = await followLink(pathOf(mail.link!), 200);
    const token = /name="token" value="([^"]+)"/.exec(page.text)![1];
    const weak = await a.post('/reset-password').type('form').send({ _csrf: csrfFrom(page.text), token, password: 'short' }).expect(422);
    expect(weak.text).to.contain('at least 8 characters');
    await a.post('/reset-password').type('form').send({ _csrf: csrfFrom(page.text), token, password: 'a fresh new passphrase' }).expect(200);
    // every old session ended; the new password works; the old does not
    await oldSession.get('/account').expect(303);
    await signIn(request.agent(t.app), { email: user.email, password: 'a fresh new passphrase' });
    await request(t.app).post('/api/v1/tokens').send({ email: user.email, password: user.password }).expect(401);
    // reused
    const reused = await a.post('/reset-password').type('form').send({ _csrf: csrfFrom(page.text), token, password: 'yet another passphrase' }).expect(400);
    expect(reused.text).to.contain('already been used');
    // expired
    const f2 = await agent.get('/forgot-password');
    await agent.post('/forgot-password').type('form').send({ _csrf: csrfFrom(f2.text), email: 'rita@example.org' }).expect(200);
    const mail2 = await smtp.next('rita@example.org');
    t.clock.advance(HOUR + 1000);
    try {
      const { page: p2 } = await followLink(pathOf(mail2.link!), 400);
      expect(p2.text).to.contain('expired');
    } finally {
      t.clock.advance(-(HOUR + 1000));
    }
    const actions = await t.db('audit_events').where({ subject_type: 'user', subject_id: String(user.id) }).pluck('action');
    expect(actions).to.include.members(['account.reset_requested', 'account.password_reset']);
  });

  it('registering with a known address mails its owner instead of saying so', async () => {
    const user = await createUser(t.db);
    const agent = request.agent(t.app);
    const form = await agent.get('/register');
    const res = await agent.post('/register').type('form').send({ _csrf: csrfFrom(form.text), name: 'X', email: user.email, organisation: 'Y', password: 'some other passphrase' }).expect(200);
    expect(res.text).to.contain('Check your inbox');
    const mail = await smtp.next(user.email);
    expect(mail.raw).to.contain('already has an account');
  });

  it('an account made by the secretariat without a password gets a link to choose one', async () => {
    const { agent, csrf } = await agentFor(t, 'secretariat');
    await agent.post('/admin/users').type('form').send({ _csrf: csrf, name: 'Board Two', email: 'board.two@example.org', organisation: 'MAG', role: 'board', password: '' }).expect(303);
    const mail = await smtp.next('board.two@example.org');
    const { agent: a, page } = await followLink(pathOf(mail.link!), 200);
    const token = /name="token" value="([^"]+)"/.exec(page.text)![1];
    await a.post('/reset-password').type('form').send({ _csrf: csrfFrom(page.text), token, password: 'board two passphrase' }).expect(200);
    await signIn(request.agent(t.app), { email: 'board.two@example.org', password: 'board two passphrase' });
  });
});
