import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, bearerFor, createUser, csrfFrom, signIn } from '../helpers/auth.ts';
import { hashPassword } from '../../server/accounts/passwords.ts';
import { insertEmailToken } from '../../server/accounts/repo.ts';
import type { Mail } from '../../server/mail/mailer.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';

type App = Awaited<ReturnType<typeof testApp>>;

/** A mailer that keeps what it is given. */
function keptMails() {
  const mails: Mail[] = [];
  return { mails, mailer: { send: async (m: Mail) => void mails.push(m), close() {} } };
}

describe('accounts hardening (issue 9)', () => {
  let t: App;
  const hashed: string[] = [];
  const { mails, mailer } = keptMails();
  before(async () => {
    // Counts the hashes of new passwords; the real argon2id at the test costs underneath.
    t = await testApp({ mailer, hashPassword: (p) => (hashed.push(p), hashPassword(p, { memoryCost: 1024, timeCost: 2 })) });
  });
  after(() => t.close());

  describe('registration does not tell, by time or by answer, which addresses have accounts', () => {
    it('the API hashes the password on both paths and answers the same', async () => {
      const existing = await createUser(t.db);
      const before = hashed.length;
      const sentBefore = mails.length;
      const fresh = await request(t.app).post('/api/v1/register').send({ name: 'New One', email: 'new.one@example.org', organisation: 'NGO', password: 'a long new passphrase' });
      expect(hashed.slice(before)).to.deep.equal(['a long new passphrase']);
      const known = await request(t.app).post('/api/v1/register').send({ name: 'Someone', email: existing.email, organisation: 'NGO', password: 'another passphrase here' });
      expect(hashed.slice(before)).to.deep.equal(['a long new passphrase', 'another passphrase here']);
      expect(known.status).to.equal(202);
      expect([known.status, known.body]).to.deep.equal([fresh.status, fresh.body]);
      // one mail each: a link to the new address, a note to the owner of the known one
      expect(mails.slice(sentBefore).map((m) => m.to)).to.deep.equal(['new.one@example.org', existing.email]);
      // and one write each: the new account (with its link) in one transaction, a note in the audit for the known one
      const tried = await t.db('audit_events').where({ action: 'account.register_existing', subject_id: String(existing.id) }).first();
      expect(tried).to.include({ actor_id: null });
    });

    it('the form hashes on both paths and shows the same page', async () => {
      const existing = await createUser(t.db);
      const agent = request.agent(t.app);
      const form = await agent.get('/register').expect(200);
      const before = hashed.length;
      const fresh = await agent.post('/register').type('form').send({ _csrf: csrfFrom(form.text), name: 'Form One', email: 'form.one@example.org', organisation: 'NGO', password: 'form passphrase one' });
      const known = await agent.post('/register').type('form').send({ _csrf: csrfFrom(form.text), name: 'Form Two', email: existing.email, organisation: 'NGO', password: 'form passphrase two' });
      expect(hashed.length - before).to.equal(2);
      expect(known.status).to.equal(fresh.status);
      expect(known.text).to.equal(fresh.text);
    });
  });

  describe('a password change or reset revokes the API tokens', () => {
    const me = (token: string) => request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`);

    it('a change on the account page: tokens made before get 401 after; the page and the mail say so', async () => {
      const user = await createUser(t.db);
      const { token } = await bearerFor(t, user);
      await me(token).expect(200);
      const { agent, csrf } = await agentFor(t, user);
      const sentBefore = mails.length;
      const res = await agent.post('/account/password').type('form').send({ _csrf: csrf, current_password: user.password, new_password: 'a changed passphrase' }).expect(303);
      const res401 = await me(token).expect(401);
      expect(res401.body.error.code).to.equal('unauthorized');
      const page = await agent.get(res.headers.location!).expect(200);
      expect(page.text).to.contain('API tokens revoked');
      expect(page.text).to.contain('You have no API tokens.');
      const mail = mails.slice(sentBefore).find((m) => m.to === user.email);
      expect(mail?.subject).to.equal('Your imas-review password has been changed');
      expect(mail?.text).to.contain('API tokens (1) revoked');
      const audit = await t.db('audit_events').where({ action: 'account.password_changed', subject_id: String(user.id) }).first();
      expect(JSON.parse(audit.data)).to.deep.include({ api_access_revoked: 1 }) // the number of tokens ('token' keys are kept out of the record);
    });

    it('a change through the API revokes every token, the one making the call included', async () => {
      const user = await createUser(t.db);
      const a = await bearerFor(t, user);
      const b = await bearerFor(t, user);
      await request(t.app).patch(`/api/v1/users/${user.id}`).set(...a.auth).send({ current_password: user.password, password: 'an api changed passphrase' }).expect(200);
      await me(a.token).expect(401);
      await me(b.token).expect(401);
      // a new one can be had with the new password
      const fresh = await request(t.app).post('/api/v1/tokens').send({ email: user.email, password: 'an api changed passphrase' }).expect(201);
      await me(fresh.body.token).expect(200);
    });

    it('a reset through the mailed link: tokens made before get 401 after; the mail and the pages say so', async () => {
      const user = await createUser(t.db);
      const { token } = await bearerFor(t, user);
      await me(token).expect(200);
      const agent = request.agent(t.app);
      const form = await agent.get('/forgot-password').expect(200);
      const sentBefore = mails.length;
      await agent.post('/forgot-password').type('form').send({ _csrf: csrfFrom(form.text), email: user.email }).expect(200);
      const mail = mails.slice(sentBefore).find((m) => m.to === user.email)!;
      expect(mail.text).to.contain('revokes its API tokens');
      const link = new URL(/https?:\/\/\S+/.exec(mail.text)![0]);
      const page = await agent.get(link.pathname + link.search).expect(200);
      expect(page.text).to.contain('revokes its API tokens');
      const done = await agent.post('/reset-password').type('form').send({ _csrf: csrfFrom(page.text), token: link.searchParams.get('token'), password: 'a reset passphrase' }).expect(200);
      expect(done.text).to.contain('API tokens revoked');
      await me(token).expect(401);
      await signIn(request.agent(t.app), { email: user.email, password: 'a reset passphrase' });
    });
  });

  describe('anonymous forms keep their CSRF protection without a stored session per visit', () => {
    const rows = async () => Number(((await t.db('sessions').count({ n: '*' }).first()) as { n: number }).n);
    const csrfCookie = (res: request.Response) => ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('imas.csrf='));

    it('50 visits of the sign-in, registration, forgotten and reset password pages add no session row', async () => {
      const user = await createUser(t.db);
      const reset = await insertEmailToken(t.db, user.id, 'reset', t.clock.now(), 3_600_000);
      const pages = ['/login', '/register', '/forgot-password', `/reset-password?token=${reset}`];
      const before = await rows();
      for (let i = 0; i < 50; i++) {
        const res = await request(t.app).get(pages[i % pages.length]!).expect(200);
        expect(res.text).to.match(/name="_csrf" value="[^"]+"/);
        expect(csrfCookie(res)).to.match(/HttpOnly/i).and.match(/SameSite=Strict/i);
        expect(([] as string[]).concat(res.headers['set-cookie'] ?? []).some((c) => c.startsWith('imas.sid='))).to.equal(false);
      }
      // one visitor coming back keeps its token (several tabs work)
      const agent = request.agent(t.app);
      const first = csrfFrom((await agent.get('/login')).text);
      expect(csrfFrom((await agent.get('/register')).text)).to.equal(first);
      expect(await rows()).to.equal(before);
    });

    it('over https the token cookie is __Host-, Secure and HttpOnly, like the session cookie', async () => {
      const https = await testApp({ env: { PUBLIC_URL: 'https://imas.test' } });
      try {
        const res = await request(https.app).get('/login').expect(200);
        const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('__Host-imas.csrf='));
        expect(cookie).to.match(/; Path=\/(;|$)/).and.match(/Secure/).and.match(/HttpOnly/).and.not.match(/Domain=/i);
      } finally {
        await https.close();
      }
    });

    it('a form posted without the token, with a wrong one, or with another visitor’s is refused 403; the right one works', async () => {
      const user = await createUser(t.db);
      const agent = request.agent(t.app);
      const token = csrfFrom((await agent.get('/login').expect(200)).text);
      const other = request.agent(t.app);
      const othersToken = csrfFrom((await other.get('/login').expect(200)).text);
      const creds = { email: user.email, password: user.password };
      for (const path of ['/login', '/register', '/forgot-password', '/reset-password', '/verify-email']) {
        expect((await agent.post(path).type('form').send({ ...creds })).status, `${path} without`).to.equal(403);
        expect((await agent.post(path).type('form').send({ ...creds, _csrf: token.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')) })).status, `${path} altered`).to.equal(403);
        expect((await agent.post(path).type('form').send({ ...creds, _csrf: othersToken })).status, `${path} another visitor's`).to.equal(403);
        // the token without its cookie
        expect((await request(t.app).post(path).type('form').send({ ...creds, _csrf: token })).status, `${path} no cookie`).to.equal(403);
      }
      // a pair made up by an attacker (cookie and field alike, but not signed with the server's key)
      const forged = `${'0'.repeat(64)}.${'1'.repeat(64)}`;
      const made = await request(t.app).post('/login').set('Cookie', `imas.csrf=${encodeURIComponent(forged)}`).type('form').send({ ...creds, _csrf: forged });
      expect(made.status).to.equal(403);
      expect(made.text).to.contain('did not come from this site');
      await agent.post('/forgot-password').type('form').send({ _csrf: token, email: user.email }).expect(200);
      const signedIn = await agent.post('/login').type('form').send({ ...creds, _csrf: token }).expect(303);
      expect(signedIn.headers.location).to.equal('/me'); // issue 16: the start page, "My work"
      // signed in, the session's token is needed: the anonymous one no longer does
      await agent.post('/account').type('form').send({ _csrf: token, name: 'X', organisation: 'Y' }).expect(403);
      const sessionToken = csrfFrom((await agent.get('/account').expect(200)).text);
      await agent.post('/account').type('form').send({ _csrf: sessionToken, name: 'X', organisation: 'Y' }).expect(303);
    });
  });

  describe('upload forms carry the CSRF token in the multipart body, never in the URL', () => {
    let cid: number;
    before(async () => {
      cid = await sampleConsultationId(t.db);
    });
    const sheet = () => Buffer.from('Clause,Type,Comments\n4.1,te,A comment from a sheet.\n');
    const comments = async () => Number(((await t.db('comments').count({ n: '*' }).first()) as { n: number }).n);

    it('the sheet upload: no token in the action; with the token in the body it imports, without it 403 and nothing written', async () => {
      const { agent, csrf } = await agentFor(t, 'stakeholder');
      const page = await agent.get(`/consultations/${cid}`).expect(200);
      const form = /<form[^>]*enctype="multipart\/form-data"[^>]*>[\s\S]*?<\/form>/.exec(page.text)![0];
      expect(form).to.match(/action="\/consultations\/\d+\/comments\/sheet"/);
      expect(page.text).not.to.match(/action="[^"]*_csrf/);
      expect(form).to.contain(`name="_csrf" value="${csrf}"`);
      const before = await comments();
      const url = `/consultations/${cid}/comments/sheet`;
      const none = await agent.post(url).attach('sheet', sheet(), 'c.csv').expect(403);
      expect(none.text).to.contain('did not come from this site');
      await agent.post(url).field('_csrf', 'wrong').attach('sheet', sheet(), 'c.csv').expect(403);
      // in the URL it is no longer read
      await agent.post(`${url}?_csrf=${encodeURIComponent(csrf)}`).attach('sheet', sheet(), 'c.csv').expect(403);
      expect(await comments()).to.equal(before);
      await agent.post(url).field('_csrf', csrf).attach('sheet', sheet(), 'c.csv').expect(303);
      expect(await comments()).to.equal(before + 1);
      // the API with a session: the header, as for every cookie-authenticated API write
      await agent.post(`/api/v1${url}`).attach('sheet', sheet(), 'c.csv').expect(403);
      await agent.post(`/api/v1${url}`).set('x-csrf-token', csrf).attach('sheet', sheet(), 'c.csv').expect(201);
      expect(await comments()).to.equal(before + 2);
    });

    it('the draft preview: no token in the action; with the token in the body it previews, without it 403', async () => {
      const { agent, csrf } = await agentFor(t, 'secretariat');
      const page = await agent.get('/admin/standards/07.11/drafts/new').expect(200);
      expect(page.text).to.contain('action="/admin/standards/07.11/drafts/preview"');
      expect(page.text).not.to.match(/action="[^"]*_csrf/);
      const url = '/admin/standards/07.11/drafts/preview';
      const md = Buffer.from('# 1 Scope\n\nThis standard applies.\n');
      await agent.post(url).attach('file', md, 'd.md').expect(403);
      await agent.post(`${url}?_csrf=${encodeURIComponent(csrf)}`).attach('file', md, 'd.md').expect(403);
      const ok = await agent.post(url).field('_csrf', csrf).attach('file', md, 'd.md').expect(200);
      expect(ok.text).to.contain('This standard applies.');
    });

    it('a multipart write to a route that does not read its body is refused, whatever the token (fails closed)', async () => {
      const { agent, csrf } = await agentFor(t, 'stakeholder');
      await agent.post('/logout').field('_csrf', csrf).expect(403);
      await agent.post('/account/verify-email').field('_csrf', csrf).expect(403);
      await agent.get('/account').expect(200); // still signed in
      // with the header it is checked up front, as before
      await agent.post('/logout').set('x-csrf-token', csrf).field('x', 'y').expect(303);
    });
  });
});
