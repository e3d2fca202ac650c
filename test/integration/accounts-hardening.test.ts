import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, bearerFor, createUser, csrfFrom, signIn } from '../helpers/auth.ts';
import { hashPassword } from '../../server/auth/passwords.ts';
import type { Mail } from '../../server/mail/mailer.ts';

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
});
