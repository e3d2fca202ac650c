import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { createUser, csrfFrom } from '../helpers/auth.ts';
import { startSmtp } from '../helpers/mail.ts';
import { startPageOf } from '../../server/auth/permissions.ts';

type App = Awaited<ReturnType<typeof testApp>>;
const pathOf = (link: string) => new URL(link).pathname + new URL(link).search;
// Handlebars writes = in attributes as &#x3D;.
const html = (res: request.Response) => res.text.replaceAll('&#x3D;', '=');

/** Issue 11 item 9: after registering or signing in, people land where they were, or on their role's start page. */
describe('landing after registration and sign-in', () => {
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

  async function signInFrom(path: string, user: { email: string; password: string }) {
    const agent = request.agent(t.app);
    const form = await agent.get(path).expect(200);
    const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(form.text), email: user.email, password: user.password }).expect(303);
    return res.headers.location;
  }

  it('the start page of every role is "My work" (issue 16), from the permissions table', () => {
    expect(startPageOf('stakeholder')).to.equal('/me');
    expect(startPageOf('board')).to.equal('/me');
    expect(startPageOf('secretariat')).to.equal('/me');
  });

  it('signing in from nowhere lands a stakeholder and a Board member on "My work"', async () => {
    expect(await signInFrom('/login', await createUser(t.db, { role: 'stakeholder' }))).to.equal('/me');
    expect(await signInFrom('/login', await createUser(t.db, { role: 'board' }))).to.equal('/me');
  });

  it('signing in from a page returns to it; a foreign address is ignored', async () => {
    expect(await signInFrom('/login?next=%2Fconsultations%2F7', await createUser(t.db))).to.equal('/consultations/7');
    expect(await signInFrom('/login?next=%2F%2Fevil.example', await createUser(t.db))).to.equal('/me');
    expect(await signInFrom('/login?next=https%3A%2F%2Fevil.example', await createUser(t.db))).to.equal('/me');
  });

  it('the way back survives registration, the confirmation mail and the sign-in', async () => {
    const login = await request(t.app).get('/login?next=%2Fconsultations%2F7').expect(200);
    expect(html(login)).to.contain('href="/register?next=%2Fconsultations%2F7"');
    const agent = request.agent(t.app);
    const form = await agent.get('/register?next=%2Fconsultations%2F7').expect(200);
    expect(form.text).to.contain('name="next" value="/consultations/7"');
    const done = await agent.post('/register').type('form')
      .send({ _csrf: csrfFrom(form.text), next: '/consultations/7', name: 'Ana', email: 'ana.back@example.org', organisation: 'NGO', password: 'deminers clear the land' })
      .expect(200);
    expect(html(done)).to.contain('href="/login?next=%2Fconsultations%2F7"');
    expect(html(done)).to.contain('href="/consultations/7"');
    const mail = await smtp.next('ana.back@example.org');
    expect(mail.link).to.match(/^http:\/\/imas\.test\/verify-email\?token=[^&]+&next=%2Fconsultations%2F7$/);
    const page = await agent.get(pathOf(mail.link!)).expect(200);
    expect(page.text).to.contain('name="next" value="/consultations/7"');
    const token = /name="token" value="([^"]+)"/.exec(page.text)![1];
    const verified = await agent.post('/verify-email').type('form').send({ _csrf: csrfFrom(page.text), token, next: '/consultations/7' }).expect(200);
    expect(html(verified)).to.contain('href="/login?next=%2Fconsultations%2F7"');
    expect(await signInFrom('/login?next=%2Fconsultations%2F7', { email: 'ana.back@example.org', password: 'deminers clear the land' })).to.equal('/consultations/7');
  });

  it('a way back that is not a local page is dropped at every step', async () => {
    const form = await request(t.app).get('/register?next=https%3A%2F%2Fevil.example').expect(200);
    expect(form.text).not.to.contain('evil.example');
    const verify = await request(t.app).post('/register').type('form').send({ next: '//evil.example' });
    expect(verify.text).not.to.contain('evil.example');
  });
});
