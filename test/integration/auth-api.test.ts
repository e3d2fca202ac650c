import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { bearerFor, createUser } from '../helpers/auth.ts';

type App = Awaited<ReturnType<typeof testApp>>;

describe('auth: API tokens and accounts API', () => {
  let t: App;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  it('POST /api/v1/tokens gives 201 {token, user}; the token works as Bearer and is stored hashed', async () => {
    const user = await createUser(t.db, { role: 'board' });
    const res = await request(t.app).post('/api/v1/tokens').send({ email: user.email.toUpperCase(), password: user.password }).expect(201);
    expect(res.body.token).to.match(/^imas_/);
    expect(res.body.user).to.include({ id: user.id, email: user.email, role: 'board', email_verified: true });
    expect(res.body.user).not.to.have.property('password_hash');
    const stored = await t.db('api_tokens').where({ user_id: user.id }).first();
    expect(stored.token_hash).to.have.length(64);
    expect(stored.token_hash).not.to.contain(res.body.token);
    const me = await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${res.body.token}`).expect(200);
    expect(me.body.user.id).to.equal(user.id);
    // no audit row holds the token
    const audit = await t.db('audit_events').pluck('data');
    expect(audit.join(' ')).not.to.contain(res.body.token);
  });

  it('wrong credentials → 401, bad input → 422 with fields, bad token → 401', async () => {
    const user = await createUser(t.db);
    const r401 = await request(t.app).post('/api/v1/tokens').send({ email: user.email, password: 'wrong password' }).expect(401);
    expect(r401.body.error.code).to.equal('unauthorized');
    const r422 = await request(t.app).post('/api/v1/tokens').send({ email: '' }).expect(422);
    expect(r422.body.error.fields).to.have.keys(['email', 'password']);
    await request(t.app).get('/api/v1/me').set('Authorization', 'Bearer imas_nope').expect(401).expect('WWW-Authenticate', /invalid_token/);
    await request(t.app).get('/api/v1/me').expect(401);
  });

  it('DELETE /api/v1/tokens/current revokes the token in use; tokens are listed and revocable by id', async () => {
    const { token, user, auth } = await bearerFor(t, 'stakeholder');
    const other = await bearerFor(t, user);
    const list = await request(t.app).get('/api/v1/tokens').set(...auth).expect(200);
    expect(list.body.tokens).to.have.length(2);
    expect(JSON.stringify(list.body)).not.to.contain(token);
    await request(t.app).delete('/api/v1/tokens/current').set(...auth).expect(204);
    await request(t.app).get('/api/v1/me').set(...auth).expect(401);
    await request(t.app).get('/api/v1/me').set(...other.auth).expect(200);
    const id = (await t.db('api_tokens').where({ token_hash: (await import('../../server/accounts/repo.ts')).sha256(other.token) }).first()).id;
    // someone else cannot revoke it
    const stranger = await bearerFor(t, 'board');
    await request(t.app).delete(`/api/v1/tokens/${id}`).set(...stranger.auth).expect(404);
    await request(t.app).delete(`/api/v1/tokens/${id}`).set(...other.auth).expect(204);
    await request(t.app).get('/api/v1/me').set(...other.auth).expect(401);
    const actions = await t.db('audit_events').where({ subject_type: 'api_token' }).pluck('action');
    expect(actions).to.include.members(['token.created', 'token.revoked']);
  });

  it('the account page creates a token, shows it once, and revokes it', async () => {
    const { agentFor } = await import('../helpers/auth.ts');
    const { agent, csrf } = await agentFor(t, 'stakeholder');
    const res = await agent.post('/account/tokens').type('form').send({ _csrf: csrf, name: 'my script' }).expect(201);
    const token = /<code class="token">([^<]+)<\/code>/.exec(res.text)![1]!;
    await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(200);
    const page = await agent.get('/account').expect(200);
    expect(page.text).to.contain('my script');
    expect(page.text).not.to.contain(token);
    const id = /action="\/account\/tokens\/(\d+)\/revoke"/.exec(page.text)![1];
    await agent.post(`/account/tokens/${id}/revoke`).type('form').send({ _csrf: csrf }).expect(303);
    await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(401);
  });

  it('POST /api/v1/register answers 202 the same way for a new and a known address', async () => {
    const a = await request(t.app).post('/api/v1/register').send({ name: 'New One', email: 'new.one@example.org', organisation: 'NGO', password: 'a good long passphrase' }).expect(202);
    const b = await request(t.app).post('/api/v1/register').send({ name: 'New One', email: 'new.one@example.org', organisation: 'NGO', password: 'a good long passphrase' }).expect(202);
    expect(a.body).to.deep.equal(b.body);
    const u = await t.db('users').where({ email: 'new.one@example.org' });
    expect(u).to.have.length(1);
    expect(u[0]).to.include({ role: 'stakeholder', email_verified_at: null });
    const bad = await request(t.app).post('/api/v1/register').send({ name: '', email: 'x', organisation: 'NGO', password: 'short' }).expect(422);
    expect(bad.body.error.fields).to.have.keys(['name', 'email', 'password']);
  });

  it('POST and PATCH /api/v1/users: secretariat manages; users change only their own account', async () => {
    const sec = await bearerFor(t, 'secretariat');
    const created = await request(t.app).post('/api/v1/users').set(...sec.auth).send({ name: 'Alt', email: 'alt@example.org', organisation: 'UNMAS', role: 'board', password: 'alternate member passphrase' }).expect(201);
    expect(created.body.user).to.include({ role: 'board', email_verified: true });
    await request(t.app).post('/api/v1/users').set(...sec.auth).send({ name: 'Alt', email: 'alt@example.org', organisation: 'UNMAS', role: 'board' }).expect(409);
    await request(t.app).post('/api/v1/users').set(...sec.auth).send({ name: 'Alt', email: 'x@example.org', organisation: 'UNMAS', role: 'king' }).expect(422);
    const id = created.body.user.id;
    const patched = await request(t.app).patch(`/api/v1/users/${id}`).set(...sec.auth).send({ role: 'stakeholder', organisation: 'GICHD' }).expect(200);
    expect(patched.body.user).to.include({ role: 'stakeholder', organisation: 'GICHD' });
    const self = await bearerFor(t, 'stakeholder');
    await request(t.app).patch(`/api/v1/users/${self.user.id}`).set(...self.auth).send({ role: 'secretariat' }).expect(422);
    await request(t.app).patch(`/api/v1/users/${id}`).set(...self.auth).send({ name: 'x' }).expect(403);
    const own = await request(t.app).patch(`/api/v1/users/${self.user.id}`).set(...self.auth).send({ name: 'Me Myself' }).expect(200);
    expect(own.body.user.name).to.equal('Me Myself');
    await request(t.app).patch(`/api/v1/users/${self.user.id}`).set(...self.auth).send({ password: 'a new passphrase here' }).expect(422);
    await request(t.app).patch(`/api/v1/users/${self.user.id}`).set(...self.auth).send({ current_password: self.user.password, password: 'a new passphrase here' }).expect(200);
    await request(t.app).post('/api/v1/tokens').send({ email: self.user.email, password: 'a new passphrase here' }).expect(201);
    const disabled = await request(t.app).patch(`/api/v1/users/${self.user.id}`).set(...sec.auth).send({ disabled: true }).expect(200);
    expect(disabled.body.user.disabled).to.equal(true);
    await request(t.app).get('/api/v1/me').set(...self.auth).expect(401);
  });

  it('the audit API lists events for the secretariat without secrets', async () => {
    const sec = await bearerFor(t, 'secretariat');
    const res = await request(t.app).get('/api/v1/audit?limit=500').set(...sec.auth).expect(200);
    expect(res.body.events.length).to.be.greaterThan(5);
    const text = JSON.stringify(res.body);
    expect(text).not.to.match(/"(password|current_password|token)"\s*:|imas_[A-Za-z0-9_-]{20}/);
  });
});
