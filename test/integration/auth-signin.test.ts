import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { createUser, csrfFrom, signIn } from '../helpers/auth.ts';
import { sessionsWhere } from '../helpers/sessions.ts';

type App = Awaited<ReturnType<typeof testApp>>;
const cookieOf = (res: request.Response): string => {
  const c = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((x) => x.startsWith('imas.sid=') || x.startsWith('__Host-imas.sid='));
  return c ? c.split(';')[0]! : '';
};

describe('auth: sign-in and sign-out', () => {
  let t: App;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  it('shows the sign-in page with a CSRF token, and no session cookie on public pages', async () => {
    const res = await request(t.app).get('/login').expect(200);
    expect(res.text).to.contain('name="_csrf"');
    expect(res.text).to.contain('autocomplete="current-password"');
    const pub = await request(t.app).get('/standards').expect(200);
    expect(pub.headers['set-cookie']).to.equal(undefined);
  });

  it('signs in with e-mail and password, sets a safe cookie, and signs out destroying the session', async () => {
    const user = await createUser(t.db, { role: 'board', email: 'Board.Member@Example.org' });
    const agent = request.agent(t.app);
    const form = await agent.get('/login').expect(200);
    const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(form.text), email: 'board.member@example.org', password: user.password }).expect(303);
    expect(res.headers.location).to.equal('/me'); // issue 16: every role starts on "My work"
    const cookie = ([] as string[]).concat(res.headers['set-cookie'])[0]!;
    expect(cookie).to.match(/^imas\.sid=/);
    expect(cookie).to.match(/HttpOnly/i);
    expect(cookie).to.match(/SameSite=Lax/i);
    expect(cookie).not.to.match(/Secure/i); // PUBLIC_URL is http here
    const account = await agent.get('/account').expect(200);
    expect(account.text).to.contain(user.name);
    expect(account.text).to.contain('action="/logout"');
    const sessions = await t.db('sessions').count({ n: '*' }).first();
    expect(Number(sessions!.n)).to.be.greaterThan(0);
    const out = await agent.post('/logout').type('form').send({ _csrf: csrfFrom(account.text) }).expect(303);
    expect(out.headers.location).to.match(/^\/\?/);
    expect(await sessionsWhere(t.db, ['passport', 'user'], user.id)).to.have.length(0);
    await agent.get('/account').expect(303).expect('Location', '/login?next=%2Faccount');
  });

  it('regenerates the session id at sign-in (no fixation)', async () => {
    const user = await createUser(t.db);
    const agent = request.agent(t.app);
    // A plain visit stores no session (issue 9): one with a return path does, and that one must not survive sign-in.
    const form = await agent.get('/login?next=%2Fstandards').expect(200);
    const before = cookieOf(form);
    expect(before).to.not.equal('');
    const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(form.text), email: user.email, password: user.password }).expect(303);
    const after = cookieOf(res);
    expect(after).to.not.equal('');
    expect(after).to.not.equal(before);
    // the old id is no longer a session
    await request(t.app).get('/account').set('Cookie', before).expect(303);
    await request(t.app).get('/account').set('Cookie', after).expect(200);
  });

  it('returns to the page the user came from', async () => {
    const user = await createUser(t.db);
    const agent = request.agent(t.app);
    const first = await agent.get('/account?x=1').expect(303);
    expect(first.headers.location).to.equal('/login?next=%2Faccount%3Fx%3D1');
    const form = await agent.get(first.headers.location!).expect(200);
    const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(form.text), email: user.email, password: user.password }).expect(303);
    expect(res.headers.location).to.equal('/account?x=1');
    // never to another site
    const agent2 = request.agent(t.app);
    const f2 = await agent2.get('/login?next=//evil.example/').expect(200);
    const r2 = await agent2.post('/login').type('form').send({ _csrf: csrfFrom(f2.text), email: user.email, password: user.password }).expect(303);
    expect(r2.headers.location).to.equal('/me'); // issue 16: the start page, "My work"
  });

  it('refuses a wrong password or an unknown address with the same message, keeping the e-mail filled in', async () => {
    const user = await createUser(t.db);
    const agent = request.agent(t.app);
    const form = await agent.get('/login');
    const wrong = await agent.post('/login').type('form').send({ _csrf: csrfFrom(form.text), email: user.email, password: 'not the password' }).expect(401);
    expect(wrong.text).to.contain('The e-mail address or password is not right.');
    expect(wrong.text).to.contain(`value="${user.email}"`);
    expect(wrong.text).not.to.contain('not the password');
    const unknown = await agent.post('/login').type('form').send({ _csrf: csrfFrom(form.text), email: 'nobody@example.org', password: 'whatever it is' }).expect(401);
    expect(unknown.text).to.contain('The e-mail address or password is not right.');
    const empty = await agent.post('/login').type('form').send({ _csrf: csrfFrom(form.text), email: '', password: '' }).expect(422);
    expect(empty.text).to.contain('Enter your e-mail address.');
    expect(empty.text).to.contain('Enter your password.');
  });

  it('an unknown address costs about as long as a wrong password', async () => {
    // Real argon2 costs here (the suite's are too cheap to tell apart from request overhead).
    const { authenticate } = await import('../../server/accounts/service.ts');
    const { hashPassword } = await import('../../server/accounts/passwords.ts');
    const argon2 = { memoryCost: 19456, timeCost: 2 };
    const user = await createUser(t.db);
    await t.db('users').where({ id: user.id }).update({ password_hash: await hashPassword(user.password, argon2) });
    const ctx = { db: t.db, clock: t.clock, config: { publicUrl: t.config.publicUrl, argon2 }, mailer: { send: async () => {}, close() {} } };
    const time = async (email: string) => {
      const s = performance.now();
      const r = await authenticate(ctx, { email, password: 'wrong password here', via: 'form' });
      expect(r.ok).to.equal(false);
      return performance.now() - s;
    };
    await time('warm@example.org');
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i++) {
      known.push(await time(user.email));
      unknown.push(await time(`nobody${i}@example.org`));
    }
    const min = (a: number[]) => Math.min(...a);
    // Both verify one argon2 hash of the same cost; without the dummy hash an unknown address would be ~100 times faster.
    expect(min(unknown)).to.be.greaterThan(min(known) * 0.5);
  });

  it('a disabled user cannot sign in', async () => {
    const user = await createUser(t.db, { disabled: true });
    const agent = request.agent(t.app);
    const form = await agent.get('/login');
    await agent.post('/login').type('form').send({ _csrf: csrfFrom(form.text), email: user.email, password: user.password }).expect(401);
  });

  it('signIn() helper works and the header shows the name and the sign-out form', async () => {
    const user = await createUser(t.db, { role: 'secretariat' });
    const agent = request.agent(t.app);
    await signIn(agent, user);
    const home = await agent.get('/').expect(200);
    expect(home.text).to.contain(user.name);
    expect(home.text).to.contain('href="/admin"');
    const desk = await agent.get('/admin').expect(200);
    for (const link of ['/admin/standards', '/admin/users', '/admin/audit', '/consultations/new', '/ballots/new']) expect(desk.text).to.contain(`href="${link}"`);
  });
});

describe('auth: signing in from the header', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  it('returns the reader to the page they were on', async () => {
    const page = await request(t.app).get('/standards/07.11/versions').expect(200);
    expect(page.text).to.contain('href="/login?next=/standards/07.11/versions"');
    const user = await createUser(t.db, { role: 'stakeholder' });
    const agent = request.agent(t.app);
    const form = await agent.get('/login?next=/standards/07.11/versions').expect(200);
    const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(form.text), email: user.email, password: user.password }).expect(303);
    expect(res.headers.location).to.equal('/standards/07.11/versions');
  });
});
