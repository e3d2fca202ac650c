import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, bearerFor, createUser, csrfFrom, signIn } from '../helpers/auth.ts';
import { sessionsWhere } from '../helpers/sessions.ts';

type App = Awaited<ReturnType<typeof testApp>>;
const MIN = 60_000;

describe('auth: session timeouts, CSRF, disabling', () => {
  let t: App;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  it('ends a session idle for more than 30 minutes (fake clock)', async () => {
    const { agent } = await agentFor(t, 'stakeholder');
    t.clock.advance(29 * MIN);
    await agent.get('/account').expect(200); // activity resets the idle timer
    t.clock.advance(29 * MIN);
    await agent.get('/account').expect(200);
    t.clock.advance(31 * MIN);
    const res = await agent.get('/account').expect(303);
    expect(res.headers.location).to.match(/^\/login\?next=/);
    const page = await agent.get(res.headers.location!).expect(200);
    expect(page.text).to.contain('Your session has ended');
  });

  it('ends any session 12 hours after sign-in, however active', async () => {
    const { agent } = await agentFor(t, 'board');
    for (let i = 0; i < 24; i++) {
      t.clock.advance(29 * MIN);
      await agent.get('/account').expect(200);
    }
    // 11 h 36 min so far
    t.clock.advance(25 * MIN);
    await agent.get('/account').expect(303);
  });

  it('refuses a form without a valid CSRF token, and a session-cookie API write without the header', async () => {
    const { agent, csrf, user } = await agentFor(t, 'stakeholder');
    const none = await agent.post('/account').type('form').send({ name: 'X', organisation: 'Y' }).expect(403);
    expect(none.text).to.contain('This form has expired');
    await agent.post('/account').type('form').send({ _csrf: 'forged', name: 'X', organisation: 'Y' }).expect(403);
    // the cookie alone does not make an API write
    const api = await agent.patch(`/api/v1/users/${user.id}`).send({ name: 'X' }).expect(403);
    expect(api.body.error.code).to.equal('csrf');
    await agent.patch(`/api/v1/users/${user.id}`).set('x-csrf-token', csrf).send({ name: 'Renamed' }).expect(200);
    await agent.post('/account').type('form').send({ _csrf: csrf, name: 'Again', organisation: 'Y' }).expect(303);
    // anonymous forms too (sign-in CSRF)
    await request(t.app).post('/login').type('form').send({ email: user.email, password: user.password }).expect(403);
  });

  it('an API read honours the session cookie it brings; without one it is anonymous and gets no cookie', async () => {
    const { agent, user } = await agentFor(t, 'stakeholder');
    const me = await agent.get('/api/v1/me').expect(200);
    expect(me.body.user.email).to.equal(user.email);
    await agent.head('/api/v1/me').expect(200);
    const anonymous = await request(t.app).get('/api/v1/me').expect(401);
    expect(anonymous.headers['set-cookie']).to.equal(undefined);
    const open = await request(t.app).get('/api/v1/standards').expect(200);
    expect(open.headers['set-cookie']).to.equal(undefined);
    // another cookie (the language) is no session
    await request(t.app).get('/api/v1/me').set('Cookie', 'lang=fr').expect(401);
  });

  it('changes nothing through GET', async () => {
    const { agent } = await agentFor(t, 'stakeholder');
    await agent.get('/logout').expect(404);
    await agent.get('/account').expect(200);
  });

  it('disabling a user ends their sessions and tokens at once', async () => {
    const { agent: admin, csrf } = await agentFor(t, 'secretariat');
    const { agent, user } = await agentFor(t, 'stakeholder');
    const { auth } = await bearerFor(t, user);
    await request(t.app).get('/api/v1/me').set(...auth).expect(200);
    await admin.post(`/admin/users/${user.id}/disable`).type('form').send({ _csrf: csrf, confirm: 'yes' }).expect(303);
    await agent.get('/account').expect(303);
    await request(t.app).get('/api/v1/me').set(...auth).expect(401);
    expect(await sessionsWhere(t.db, ['passport', 'user'], user.id)).to.have.length(0);
    // and they cannot sign in again until re-enabled
    const login = request.agent(t.app);
    const form = await login.get('/login');
    await login.post('/login').type('form').send({ _csrf: csrfFrom(form.text), email: user.email, password: user.password }).expect(401);
    await admin.post(`/admin/users/${user.id}/enable`).type('form').send({ _csrf: csrf }).expect(303);
    await signIn(request.agent(t.app), user);
    const audit = await t.db('audit_events').where({ subject_type: 'user', subject_id: String(user.id) }).pluck('action');
    expect(audit).to.include.members(['account.disabled', 'account.enabled', 'signin.failed', 'signin.succeeded']);
  });

  it('a password change needs the current one, checks the policy, and signs out the other sessions', async () => {
    const user = await createUser(t.db);
    const { agent: a1, csrf: c1 } = await agentFor(t, user);
    const { agent: a2 } = await agentFor(t, user);
    const wrong = await a1.post('/account/password').type('form').send({ _csrf: c1, current_password: 'nope', new_password: 'a brand new passphrase' }).expect(422);
    expect(wrong.text).to.contain('Your current password is not right.');
    const common = await a1.post('/account/password').type('form').send({ _csrf: c1, current_password: user.password, new_password: 'password123' }).expect(422);
    expect(common.text).to.contain('most common');
    await a1.post('/account/password').type('form').send({ _csrf: c1, current_password: user.password, new_password: 'a brand new passphrase' }).expect(303);
    await a1.get('/account').expect(200);
    await a2.get('/account').expect(303);
    await signIn(request.agent(t.app), { email: user.email, password: 'a brand new passphrase' });
  });

  it('the account page keeps bad input with a message beside the field', async () => {
    const { agent, csrf } = await agentFor(t, 'stakeholder');
    const res = await agent.post('/account').type('form').send({ _csrf: csrf, name: '', organisation: 'Kept Org' }).expect(422);
    expect(res.text).to.contain('Enter your name.');
    expect(res.text).to.contain('value="Kept Org"');
  });

  it('the secretariat creates accounts of any role (verified), changes a role, and cannot remove the last secretariat', async () => {
    const { agent, csrf, user: me } = await agentFor(t, 'secretariat');
    const bad = await agent.post('/admin/users').type('form').send({ _csrf: csrf, name: 'B', email: 'not-an-email', organisation: 'UNMAS', role: 'board' }).expect(422);
    expect(bad.text).to.contain('Enter an e-mail address like name@example.org.');
    expect(bad.text).to.contain('value="not-an-email"');
    await agent.post('/admin/users').type('form').send({ _csrf: csrf, name: 'Board One', email: 'Board.One@Example.org', organisation: 'UNMAS', role: 'board', password: 'board member passphrase' }).expect(303);
    const created = await t.db('users').where({ email: 'board.one@example.org' }).first();
    expect(created).to.include({ role: 'board', organisation: 'UNMAS' });
    expect(created.email_verified_at).to.be.a('string');
    const dup = await agent.post('/admin/users').type('form').send({ _csrf: csrf, name: 'B', email: 'board.one@example.org', organisation: 'UNMAS', role: 'board' }).expect(409);
    expect(dup.text).to.contain('already an account');
    await agent.post(`/admin/users/${created.id}`).type('form').send({ _csrf: csrf, name: 'Board One', organisation: 'GICHD', role: 'stakeholder' }).expect(303);
    expect(await t.db('users').where({ id: created.id }).first()).to.include({ role: 'stakeholder', organisation: 'GICHD' });
    const list = await agent.get('/admin/users').expect(200);
    expect(list.text).to.contain('board.one@example.org');
    // other secretariat accounts exist in this suite; disable them to test the last one
    await t.db('users').where({ role: 'secretariat' }).whereNot({ id: me.id }).update({ disabled_at: '2026-01-01T00:00:00Z' });
    const last = await agent.post(`/admin/users/${me.id}/disable`).type('form').send({ _csrf: csrf, confirm: 'yes' }).expect(409);
    expect(last.text).to.contain('last active secretariat account');
  });
});
