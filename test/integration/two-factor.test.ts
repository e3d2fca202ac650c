import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';
import request from 'supertest';
import { emptyDb, testApp, testDatabaseUrlOf } from '../helpers/app.ts';
import { HtmlValidate } from 'html-validate';
import { createDb } from '../../server/db.ts';
import { createUser, csrfFrom, currentCode, signIn, type TestUser } from '../helpers/auth.ts';
import { createApiToken } from '../../server/accounts/tokens.ts';
import { totpCodeAt } from '../../server/twofactor/totp.ts';
import { sessionsWhere } from '../helpers/sessions.ts';

type App = Awaited<ReturnType<typeof testApp>>;
type Agent = ReturnType<typeof request.agent>;

/** The key shown for typing into an app by hand. */
const secretOf = (html: string): string => {
  const m = /<code class="token secret-key">([A-Z2-7 ]+)<\/code>/.exec(html);
  if (!m) throw new Error('no secret on the page');
  return m[1]!.replace(/ /g, '');
};
const recoveryCodesOf = (html: string): string[] => [...html.matchAll(/<li><code class="token">([a-z2-7-]{19})<\/code><\/li>/g)].map((m) => m[1]!);

/** Password step only: the agent is left half signed in. */
async function password(agent: Agent, user: { email: string; password: string }, next = '') {
  const form = await agent.get(`/login${next ? `?next=${encodeURIComponent(next)}` : ''}`).expect(200);
  return agent.post('/login').type('form').send({ _csrf: csrfFrom(form.text), email: user.email, password: user.password });
}
async function code(agent: Agent, value: string) {
  const page = await agent.get('/login/code');
  if (page.status !== 200) return page;
  return agent.post('/login/code').type('form').send({ _csrf: csrfFrom(page.text), code: value });
}

/** Enrols a signed-in user through the account page; returns the secret and the recovery codes. */
async function enrol(t: App, agent: Agent): Promise<{ secret: string; recovery: string[] }> {
  const page = await agent.get('/account/two-factor').expect(200);
  const secret = secretOf(page.text);
  const res = await agent.post('/account/two-factor').type('form').send({ _csrf: csrfFrom(page.text), code: await totpCodeAt(secret, t.clock.now()) }).expect(201);
  return { secret, recovery: recoveryCodesOf(res.text) };
}

describe('two-factor sign-in', () => {
  let t: App;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  it('enrols from the account page: a QR code and the key, confirmed by a code; recovery codes shown once, stored hashed', async () => {
    const user = await createUser(t.db, { role: 'board' });
    const agent = request.agent(t.app);
    await signIn(agent, user);
    const account = await agent.get('/account').expect(200);
    expect(account.text).to.contain('href="/account/two-factor"');
    expect(account.text).to.contain('Turn on two-factor sign-in');

    const page = await agent.get('/account/two-factor').expect(200);
    expect(page.headers['cache-control']).to.equal('no-store');
    // (Handlebars writes the base64 padding "=" as &#x3D;, which the browser reads back as "=")
    expect(page.text).to.match(/<img class="qr" src="data:image\/svg\+xml;base64,[A-Za-z0-9+/]+(&#x3D;)*" alt="QR code/);
    expect(page.headers['content-security-policy']).to.match(/img-src 'self' data:/);
    const secret = secretOf(page.text);
    expect(secret).to.match(/^[A-Z2-7]{32}$/);
    // the QR code carries the same key
    const svg = /src="data:image\/svg\+xml;base64,([^"]+)"/.exec(page.text)![1]!;
    expect(Buffer.from(svg.replace(/&#x3D;/g, '='), 'base64').toString()).to.match(/^<svg/);
    // a reload shows the same key (the app may have scanned it already); it is stored encrypted
    expect(secretOf((await agent.get('/account/two-factor')).text)).to.equal(secret);
    const row = await t.db('totp_secrets').where({ user_id: user.id }).first();
    expect(row.confirmed_at).to.equal(null);
    expect(row.secret_encrypted).to.not.contain(secret);

    // a wrong code: still off
    const wrong = await agent.post('/account/two-factor').type('form').send({ _csrf: csrfFrom(page.text), code: '000000' }).expect(422);
    expect(wrong.text).to.contain('The code is not right');
    expect(secretOf(wrong.text)).to.equal(secret);

    const ok = await agent.post('/account/two-factor').type('form').send({ _csrf: csrfFrom(page.text), code: await totpCodeAt(secret, t.clock.now()) }).expect(201);
    expect(ok.headers['cache-control']).to.equal('no-store');
    const codes = recoveryCodesOf(ok.text);
    expect(codes).to.have.length(10);
    const stored = await t.db('recovery_codes').where({ user_id: user.id }).pluck('code_hash');
    expect(stored).to.have.length(10);
    for (const c of codes) expect(stored.join(' ')).to.not.contain(c.replace(/-/g, ''));
    // never shown again: not the key, not the codes
    const after = await agent.get('/account/two-factor').expect(200);
    expect(after.text).to.not.contain(secret.slice(0, 4) + ' ' + secret.slice(4, 8));
    expect(after.text).to.not.contain(codes[0]);
    expect(after.text).to.contain('10 unused recovery codes');
    expect((await agent.get('/account')).text).to.contain('Recovery codes, or turn it off');
    const audit = await t.db('audit_events').where({ action: 'twofactor.enrolled', subject_id: String(user.id) }).first();
    expect(audit).to.not.equal(undefined);
    expect(audit.data).to.not.contain(secret);
  });

  // Found by the fuzz test's bursts: five enrolment pages at once made two pending secrets for one
  // account, and the second insert failed (500).
  it('enrolment pages opened at once: all answer, all show the one key stored, and it can be confirmed', async () => {
    const user = await createUser(t.db, { role: 'stakeholder' });
    const agent = request.agent(t.app);
    await signIn(agent, user);
    const pages = await Promise.all(Array.from({ length: 6 }, () => agent.get('/account/two-factor')));
    expect(pages.map((p) => p.status)).to.deep.equal([200, 200, 200, 200, 200, 200]);
    const secrets = new Set(pages.map((p) => secretOf(p.text)));
    expect(secrets.size).to.equal(1);
    expect(await t.db('totp_secrets').where({ user_id: user.id }).count({ n: '*' }).first()).to.deep.include({ n: 1 });
    const [secret] = [...secrets];
    await agent.post('/account/two-factor').type('form').send({ _csrf: csrfFrom(pages[5]!.text), code: await totpCodeAt(secret!, t.clock.now()) }).expect(201);
  });

  it('signs in in two steps; half signed in grants nothing; the return path is kept; a code works once', async () => {
    const user = await createUser(t.db, { role: 'stakeholder' });
    const setup = request.agent(t.app);
    await signIn(setup, user);
    const { secret } = await enrol(t, setup);

    const agent = request.agent(t.app);
    const first = await password(agent, user, '/standards/07.11/versions');
    expect(first.status).to.equal(303);
    expect(first.headers.location).to.equal('/login/code');
    // half signed in: anonymous everywhere
    await agent.get('/account').expect(303).expect('Location', /^\/login/);
    await agent.get('/api/v1/me').expect(401);
    await agent.get('/account/two-factor').expect(303);
    const sessions = await sessionsWhere(t.db, ['twoFactor', 'userId'], user.id);
    expect(sessions).to.have.length(1);
    expect(sessions[0]!.passport?.user).to.equal(undefined);

    const page = await agent.get('/login/code').expect(200);
    expect(page.text).to.contain('autocomplete="one-time-code"');
    const bad = await agent.post('/login/code').type('form').send({ _csrf: csrfFrom(page.text), code: '123456' }).expect(401);
    expect(bad.text).to.contain('The code is not right');
    const empty = await agent.post('/login/code').type('form').send({ _csrf: csrfFrom(page.text), code: '' }).expect(422);
    expect(empty.text).to.contain('Enter the 6-digit code');
    t.clock.advance(30_000); // the code of the enrolment is spent: the next period's
    const good = await agent.post('/login/code').type('form').send({ _csrf: csrfFrom(page.text), code: await totpCodeAt(secret, t.clock.now()) }).expect(303);
    expect(good.headers.location).to.equal('/standards/07.11/versions');
    expect((await agent.get('/account').expect(200)).text).to.contain(user.name);
    const failed = await t.db('audit_events').where({ action: 'twofactor.failed', subject_id: String(user.id) }).count({ n: '*' }).first();
    expect(Number(failed!.n)).to.equal(1);

    // the same code again, from another browser: refused (a code is good once)
    const other = request.agent(t.app);
    await password(other, user);
    expect((await code(other, await totpCodeAt(secret, t.clock.now()))).status).to.equal(401);
    await other.get('/account').expect(303);
    // the half-signed-in state ends after five minutes
    t.clock.advance(5 * 60_000 + 1000);
    const late = await code(other, await totpCodeAt(secret, t.clock.now()));
    expect(late.status).to.equal(303);
    expect(late.headers.location).to.equal('/login');
    await other.get('/account').expect(303);
  });

  it('a recovery code signs in once, and is audited', async () => {
    const user = await createUser(t.db, { role: 'board' });
    const setup = request.agent(t.app);
    await signIn(setup, user);
    const { recovery } = await enrol(t, setup);
    const agent = request.agent(t.app);
    await password(agent, user);
    const res = await code(agent, recovery[3]!.toUpperCase());
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/account/two-factor?done=recovery');
    expect((await agent.get(res.headers.location!).expect(200)).text).to.contain('9 unused recovery codes');
    const used = await t.db('audit_events').where({ action: 'twofactor.recovery_code_used', subject_id: String(user.id) }).first();
    expect(JSON.parse(used.data)).to.include({ remaining: 9 });
    const again = request.agent(t.app);
    await password(again, user);
    expect((await code(again, recovery[3]!)).status).to.equal(401);
  });

  it('new recovery codes need a current code and replace the old ones; turning it off needs a code or the password', async () => {
    const user = await createUser(t.db, { role: 'stakeholder' });
    const agent = request.agent(t.app);
    const csrf = await signIn(agent, user);
    const { secret, recovery } = await enrol(t, agent);
    await agent.post('/account/two-factor/recovery-codes').type('form').send({ _csrf: csrf, code: '' }).expect(422);
    t.clock.advance(30_000);
    const renewed = await agent.post('/account/two-factor/recovery-codes').type('form').send({ _csrf: csrf, code: await totpCodeAt(secret, t.clock.now()) }).expect(201);
    const fresh = recoveryCodesOf(renewed.text);
    expect(fresh).to.have.length(10);
    expect(fresh).to.not.include(recovery[0]);
    expect(await t.db('audit_events').where({ action: 'twofactor.recovery_codes_renewed', subject_id: String(user.id) }).first()).to.not.equal(undefined);

    const none = await agent.post('/account/two-factor/disable').type('form').send({ _csrf: csrf }).expect(422);
    expect(none.text).to.contain('Enter a current code, a recovery code or your password');
    await agent.post('/account/two-factor/disable').type('form').send({ _csrf: csrf, password: 'not my password' }).expect(422);
    await agent.post('/account/two-factor/disable').type('form').send({ _csrf: csrf, disable_code: recovery[0] }).expect(422); // an old one
    await agent.post('/account/two-factor/disable').type('form').send({ _csrf: csrf, password: user.password }).expect(303).expect('Location', '/account/two-factor?done=off');
    expect(await t.db('totp_secrets').where({ user_id: user.id }).first()).to.equal(undefined);
    expect(await t.db('recovery_codes').where({ user_id: user.id }).first()).to.equal(undefined);
    const off = await t.db('audit_events').where({ action: 'twofactor.disabled', subject_id: String(user.id) }).first();
    expect(JSON.parse(off.data)).to.deep.equal({ with: 'password' });
    // and the next sign-in is one step again
    expect((await password(request.agent(t.app), user)).headers.location).to.equal('/me'); // issue 16: the start page, "My work"
  });

  it('a secretariat account without it is sent to enrol before anything else; the API refuses it', async () => {
    const user = await createUser(t.db, { role: 'secretariat', twoFactor: false });
    const agent = request.agent(t.app);
    const first = await password(agent, user, '/admin');
    expect(first.status).to.equal(303);
    expect(first.headers.location).to.equal('/admin'); // signed in: no code to ask for yet
    for (const path of ['/admin', '/account', '/standards', '/', '/admin/users/new']) {
      await agent.get(path).expect(303).expect('Location', '/account/two-factor');
    }
    const page = await agent.get('/account/two-factor').expect(200);
    expect(page.text).to.contain('Secretariat accounts must use two-factor sign-in');
    expect(page.text).to.not.contain('Not now');
    const csrf = csrfFrom(page.text);
    await agent.post('/admin/users').type('form').send({ _csrf: csrf, name: 'X', email: 'x@example.org', organisation: 'Y', role: 'board' }).expect(303).expect('Location', '/account/two-factor');
    expect(await t.db('users').where({ email: 'x@example.org' }).first()).to.equal(undefined);
    await agent.get('/static/style.css').expect(200);
    // the API, with the session or a token made before the rule
    const api = await agent.get('/api/v1/me').expect(403);
    expect(api.body.error.code).to.equal('two_factor_required');
    expect(api.body.error.message).to.contain('enrol in two-factor sign-in first');
    const { token } = await createApiToken({ db: t.db, clock: t.clock }, user, 'old');
    const viaToken = await request(t.app).get('/api/v1/users').set('Authorization', `Bearer ${token}`).expect(403);
    expect(viaToken.body.error.message).to.contain('enrol in two-factor sign-in first');

    // enrolling lets everything through
    const secret = secretOf(page.text);
    await agent.post('/account/two-factor').type('form').send({ _csrf: csrf, code: await totpCodeAt(secret, t.clock.now()) }).expect(201);
    await agent.get('/admin').expect(200);
    await request(t.app).get('/api/v1/users').set('Authorization', `Bearer ${token}`).expect(200);
  });

  it('a secretariat account that turns it off is sent to enrol again; sign-out stays open', async () => {
    const user = await createUser(t.db, { role: 'secretariat' });
    const agent = request.agent(t.app);
    const csrf = await signIn(agent, user);
    await agent.get('/admin').expect(200);
    await agent.post('/account/two-factor/disable').type('form').send({ _csrf: csrf, disable_code: await currentCode(user.email) }).expect(303);
    await agent.get('/admin').expect(303).expect('Location', '/account/two-factor');
    await agent.post('/logout').type('form').send({ _csrf: csrf }).expect(303).expect('Location', /^\/\?/);
    await agent.get('/account').expect(303).expect('Location', /^\/login/);
  });

  it('POST /api/v1/tokens needs the code of a user who has it; refuses a secretariat account without it', async () => {
    const user: TestUser = await createUser(t.db, { role: 'secretariat' });
    const none = await request(t.app).post('/api/v1/tokens').send({ email: user.email, password: user.password }).expect(401);
    expect(none.body.error.message).to.contain('"code"');
    await request(t.app).post('/api/v1/tokens').send({ email: user.email, password: user.password, code: '000000' }).expect(401);
    // a right code with a wrong password is still refused
    await request(t.app).post('/api/v1/tokens').send({ email: user.email, password: 'wrong password', code: await currentCode(user.email) }).expect(401);
    const ok = await request(t.app).post('/api/v1/tokens').send({ email: user.email, password: user.password, code: await currentCode(user.email) }).expect(201);
    await request(t.app).get('/api/v1/users').set('Authorization', `Bearer ${ok.body.token}`).expect(200);

    const bare = await createUser(t.db, { role: 'secretariat', twoFactor: false });
    const refused = await request(t.app).post('/api/v1/tokens').send({ email: bare.email, password: bare.password }).expect(403);
    expect(refused.body.error.message).to.contain('enrol in two-factor sign-in first');
    expect(await t.db('api_tokens').where({ user_id: bare.id }).first()).to.equal(undefined);
    // others without it: as before
    const board = await createUser(t.db, { role: 'board' });
    await request(t.app).post('/api/v1/tokens').send({ email: board.email, password: board.password }).expect(201);
  });

  it('the secretariat turns it off for someone who lost their device and recovery codes; so does the shell', async () => {
    const { agent, csrf } = await (async () => {
      const admin = await createUser(t.db, { role: 'secretariat' });
      const a = request.agent(t.app);
      return { agent: a, csrf: await signIn(a, admin) };
    })();
    const user = await createUser(t.db, { role: 'board', twoFactor: true });
    const page = await agent.get(`/admin/users/${user.id}`).expect(200);
    expect(page.text).to.contain(`action="/admin/users/${user.id}/two-factor/disable"`);
    await agent.post(`/admin/users/${user.id}/two-factor/disable`).type('form').send({ _csrf: csrf }).expect(303);
    expect(await t.db('totp_secrets').where({ user_id: user.id }).first()).to.equal(undefined);
    expect((await agent.get(`/admin/users/${user.id}`)).text).to.not.contain('two-factor/disable');
    await agent.post(`/admin/users/${user.id}/two-factor/disable`).type('form').send({ _csrf: csrf }).expect(409);
    await agent.post('/admin/users/999999/two-factor/disable').type('form').send({ _csrf: csrf }).expect(404);
    const event = await t.db('audit_events').where({ action: 'twofactor.disabled', subject_id: String(user.id) }).first();
    expect(JSON.parse(event.data)).to.deep.equal({ with: 'secretariat' });
    expect((await password(request.agent(t.app), user)).headers.location).to.equal('/me'); // issue 16: the start page, "My work"
    // others may not
    const board = request.agent(t.app);
    const boardCsrf = await signIn(board, await createUser(t.db, { role: 'board' }));
    await board.post(`/admin/users/${user.id}/two-factor/disable`).type('form').send({ _csrf: boardCsrf }).expect(403);

    // npm run user:two-factor-off, for the last secretariat account
    const db = await emptyDb();
    const url = testDatabaseUrlOf(db);
    const sec = await createUser(db, { role: 'secretariat' });
    await db.destroy();
    const run = promisify(execFile);
    const out = await run(process.execPath, ['--import', 'tsx', 'server/cli/two-factor-off.ts', '--email', sec.email], { env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent' } });
    expect(out.stdout).to.contain('they enrol again at their next sign-in');
    const after = createDb(url);
    try {
      expect(await after('totp_secrets').where({ user_id: sec.id }).first()).to.equal(undefined);
      expect(await after('audit_events').where({ action: 'twofactor.disabled', subject_id: String(sec.id) }).first()).to.not.equal(undefined);
    } finally {
      await after.destroy();
    }
  });

  it('the OpenAPI document describes the code of POST /tokens and its 403', async () => {
    const doc = (await request(t.app).get('/api/v1/openapi.json').expect(200)).body;
    const post = doc.paths['/tokens'].post;
    expect(post.requestBody.content['application/json'].schema.properties).to.have.property('code');
    expect(post.responses).to.have.property('403');
  });
});

describe('two-factor sign-in: valid HTML', () => {
  // The rules of test/integration/html.test.ts.
  const validator = new HtmlValidate({
    extends: ['html-validate:standard', 'html-validate:a11y'],
    rules: {
      'no-inline-style': 'error', 'valid-id': ['error', { relaxed: true }], 'doctype-style': 'off', 'require-sri': 'off', 'long-title': 'off',
      'no-trailing-whitespace': 'off', 'attribute-boolean-style': 'off', 'void-style': 'off', 'no-redundant-role': 'off', 'text-content': 'off',
    },
  });
  const valid = async (html: string) => {
    const report = await validator.validateString(html);
    const problems = report.results.flatMap((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
    expect(problems, problems.join('\n')).to.deep.equal([]);
  };
  let t: App;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  it('the code page, the enrolment page, the recovery codes, the page once on, the admin page', async () => {
    const user = await createUser(t.db, { role: 'secretariat', twoFactor: false });
    const agent = request.agent(t.app);
    await password(agent, user);
    const page = await agent.get('/account/two-factor').expect(200);
    await valid(page.text);
    await valid((await agent.post('/account/two-factor').type('form').send({ _csrf: csrfFrom(page.text), code: 'x' }).expect(422)).text);
    const done = await agent.post('/account/two-factor').type('form').send({ _csrf: csrfFrom(page.text), code: await totpCodeAt(secretOf(page.text), t.clock.now()) }).expect(201);
    await valid(done.text);
    await valid((await agent.get('/account/two-factor').expect(200)).text);
    await valid((await agent.get(`/admin/users/${user.id}`).expect(200)).text);
    const other = request.agent(t.app);
    await password(other, user);
    await valid((await other.get('/login/code').expect(200)).text);
    await valid((await code(other, '000000')).text);
  });
});

// The limiters keep real time: short real windows here (design.md §9).
describe('two-factor sign-in: lockout', () => {
  let t: App;
  before(async () => {
    t = await testApp({ env: { TRUST_PROXY: 'true' }, authLimits: { failuresPerAccountAndIp: 3, failureWindowSec: 60, blockSec: 1, failuresPerIp: 50, requestsPerIp: 1000 } });
  });
  after(() => t.close());
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const from = (agent: Agent, ip: string) => ({
    password: async (user: TestUser) => {
      const form = await agent.get('/login').set('X-Forwarded-For', ip);
      return agent.post('/login').set('X-Forwarded-For', ip).type('form').send({ _csrf: csrfFrom(form.text), email: user.email, password: user.password });
    },
    code: async (value: string) => {
      const page = await agent.get('/login/code').set('X-Forwarded-For', ip);
      return agent.post('/login/code').set('X-Forwarded-For', ip).type('form').send({ _csrf: csrfFrom(page.text), code: value });
    },
  });

  it('wrong codes count as failed sign-ins: the account is blocked from that address, even with the right code', async () => {
    const user = await createUser(t.db, { role: 'secretariat' });
    const a = from(request.agent(t.app), '203.0.113.30');
    expect((await a.password(user)).headers.location).to.equal('/login/code');
    for (let i = 0; i < 3; i++) expect((await a.code('000000')).status).to.equal(401);
    const blocked = await a.code(await currentCode(user.email));
    expect(blocked.status).to.equal(429);
    expect(blocked.text).to.contain('Too many attempts');
    expect((await from(request.agent(t.app), '203.0.113.30').password(user)).status).to.equal(429);
    // the API too
    const api = await request(t.app).post('/api/v1/tokens').set('X-Forwarded-For', '203.0.113.30').send({ email: user.email, password: user.password, code: await currentCode(user.email) });
    expect(api.status).to.equal(429);
    // from elsewhere the user gets in; here, once the block ends
    const b = from(request.agent(t.app), '198.51.100.30');
    await b.password(user);
    expect((await b.code(await currentCode(user.email))).status).to.equal(303);
    await sleep(1200);
    const c = from(request.agent(t.app), '203.0.113.30');
    await c.password(user);
    expect((await c.code(await currentCode(user.email))).status).to.equal(303);
  });

  it('the right password does not reset the count of wrong codes; wrong codes on the API count too', async () => {
    const user = await createUser(t.db, { role: 'secretariat' });
    const ip = '203.0.113.31';
    const a = from(request.agent(t.app), ip);
    await a.password(user);
    expect((await a.code('111111')).status).to.equal(401);
    const b = from(request.agent(t.app), ip);
    expect((await b.password(user)).headers.location).to.equal('/login/code');
    expect((await b.code('222222')).status).to.equal(401);
    const api = await request(t.app).post('/api/v1/tokens').set('X-Forwarded-For', ip).send({ email: user.email, password: user.password, code: '333333' });
    expect(api.status).to.equal(401);
    expect((await b.code(await currentCode(user.email))).status).to.equal(429);
  });

  it('wrong codes or passwords on the account page count too; input that could never be a code does not', async () => {
    const user = await createUser(t.db, { role: 'secretariat' });
    const agent = request.agent(t.app);
    const csrf = await signIn(agent, user);
    const ip = '203.0.113.32';
    const disable = (body: Record<string, string>) => agent.post('/account/two-factor/disable').set('X-Forwarded-For', ip).type('form').send({ _csrf: csrf, ...body });
    for (let i = 0; i < 4; i++) expect((await disable({ disable_code: 'not a code' })).status).to.equal(422);
    expect((await disable({})).status).to.equal(422);
    expect((await disable({ disable_code: '000000' })).status).to.equal(422);
    expect((await disable({ password: 'not the password' })).status).to.equal(422);
    expect((await agent.post('/account/two-factor/recovery-codes').set('X-Forwarded-For', ip).type('form').send({ _csrf: csrf, code: 'aaaa-bbbb-cccc-dddd' })).status).to.equal(422);
    const blocked = await disable({ password: user.password });
    expect(blocked.status).to.equal(429);
    expect(await t.db('totp_secrets').where({ user_id: user.id }).first()).to.not.equal(undefined);
  });
});
