/**
 * Issue 17 items 3 and 5: a Bearer token's lookup is remembered briefly, and yet a revoked token or a
 * disabled account is refused at once on the instance that did it, and within TOKEN_CACHE_MS on another
 * instance on the same database.
 */
import { expect } from 'chai';
import request from 'supertest';
import { siblingApp, testApp } from '../helpers/app.ts';
import { bearerFor } from '../helpers/auth.ts';
import { TOKEN_CACHE_MS, TokenCache } from '../../server/accounts/tokens.ts';
import { FakeClock } from '../../server/clock.ts';
import { TEST_NOW } from '../helpers/app.ts';

type App = Awaited<ReturnType<typeof testApp>>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function tokenQueries(t: { db: App['db'] }, fn: () => Promise<void>): Promise<number> {
  let n = 0;
  const on = (q: { sql: string }) => void (/api_tokens/.test(q.sql) && n++);
  t.db.on('query', on);
  try {
    await fn();
  } finally {
    t.db.removeListener('query', on);
  }
  return n;
}

describe('API tokens remembered briefly, refused at once where revoked', () => {
  let t: App;
  beforeEach(async () => {
    t = await testApp();
  });
  afterEach(() => t.close());

  it('calls within the bound cost no token query', async () => {
    const { auth } = await bearerFor(t, 'stakeholder');
    await request(t.handler).get('/api/v1/tokens').set(...auth).expect(200);
    const n = await tokenQueries(t, async () => {
      for (let i = 0; i < 5; i++) await request(t.handler).get('/api/v1/standards/07.11').set(...auth).expect(200);
    });
    expect(n).to.equal(0);
  });

  it('a token revoked on this instance is refused at the next call', async () => {
    const { auth } = await bearerFor(t, 'stakeholder');
    await request(t.handler).get('/api/v1/tokens').set(...auth).expect(200);
    await request(t.handler).delete('/api/v1/tokens/current').set(...auth).expect(204);
    await request(t.handler).get('/api/v1/tokens').set(...auth).expect(401);
  });

  it('an account disabled on this instance (any write to it) is refused at the next call', async () => {
    const { auth, user } = await bearerFor(t, 'stakeholder');
    await request(t.handler).get('/api/v1/tokens').set(...auth).expect(200);
    await t.db('users').where({ id: user.id }).update({ disabled_at: '2026-11-23T12:00:00.000Z' });
    await request(t.handler).get('/api/v1/tokens').set(...auth).expect(401);
  });

  it('an account disabled by the secretariat through the API is refused at once', async () => {
    const admin = await bearerFor(t, 'secretariat');
    const { auth, user } = await bearerFor(t, 'stakeholder');
    await request(t.handler).get('/api/v1/tokens').set(...auth).expect(200);
    await request(t.handler).patch(`/api/v1/users/${user.id}`).set(...admin.auth).send({ disabled: true }).expect(200);
    await request(t.handler).get('/api/v1/tokens').set(...auth).expect(401);
  });

  it('calls that find the entry expired together share one read, unless an account was written since it began', async () => {
    const { token } = await bearerFor(t, 'stakeholder');
    const ctx = { db: t.db, clock: new FakeClock(TEST_NOW) };
    // the lookups (a token's "last used" time is also written, at most once a minute)
    let reads = 0;
    const on = (q: { sql: string }) => void (/^select .*api_tokens/i.test(q.sql) && reads++);
    t.db.on('query', on);
    try {
      const cache = new TokenCache(t.db);
      const found = await Promise.all([cache.lookup(ctx, token), cache.lookup(ctx, token), cache.lookup(ctx, token)]);
      expect(found.map((f) => f?.tokenRow.name)).to.deep.equal(['test', 'test', 'test']);
      expect(reads).to.equal(1);

      const fresh = new TokenCache(t.db);
      const first = fresh.lookup(ctx, token);
      // A write to an account on this instance while that read is under way (as the app's query event shows it).
      t.db.emit('query', { sql: 'update "users" set "disabled_at" = ? where "id" = ?' });
      const second = fresh.lookup(ctx, token);
      await Promise.all([first, second]);
      expect(reads).to.equal(3);
    } finally {
      t.db.removeListener('query', on);
    }
  });

  it(`on another instance, a revoked token and a disabled account are refused within ${TOKEN_CACHE_MS} ms`, async () => {
    const other = await siblingApp(t);
    try {
      const revoked = await bearerFor(t, 'stakeholder');
      const disabled = await bearerFor(t, 'stakeholder');
      // Both remembered by the other instance.
      await request(other.handler).get('/api/v1/tokens').set(...revoked.auth).expect(200);
      await request(other.handler).get('/api/v1/tokens').set(...disabled.auth).expect(200);
      const at = Date.now();
      await request(t.handler).delete('/api/v1/tokens/current').set(...revoked.auth).expect(204);
      await t.db('users').where({ id: disabled.user.id }).update({ disabled_at: '2026-11-23T12:00:00.000Z' });
      await sleep(Math.max(0, TOKEN_CACHE_MS - (Date.now() - at)) + 50);
      await request(other.handler).get('/api/v1/tokens').set(...revoked.auth).expect(401);
      await request(other.handler).get('/api/v1/tokens').set(...disabled.auth).expect(401);
    } finally {
      await other.close();
    }
  });

  it("a standard's JSON before Express: the same bytes and headers as Express's; a revoked token refused at once there too", async () => {
    const { auth } = await bearerFor(t, 'stakeholder');
    const viaExpress = await request(t.app).get('/api/v1/standards/07.11').set(...auth).expect(200);
    const fast = await request(t.handler).get('/api/v1/standards/07.11').set(...auth).expect(200);
    expect(fast.text).to.equal(viaExpress.text);
    for (const h of ['content-type', 'content-length', 'content-security-policy', 'x-content-type-options', 'cross-origin-resource-policy']) expect(fast.headers[h], h).to.equal(viaExpress.headers[h]);
    await request(t.handler).delete('/api/v1/tokens/current').set(...auth).expect(204);
    await request(t.handler).get('/api/v1/standards/07.11').set(...auth).expect(401);
    await request(t.handler).get('/api/v1/standards/no-such').set('Authorization', 'Bearer imas_nonsense').expect(401);
  });

  it("the standard's JSON is the same from the cache, and follows a new revision and the reader's rights", async () => {
    const { auth } = await bearerFor(t, 'stakeholder');
    const board = await bearerFor(t, 'board');
    const first = await request(t.handler).get('/api/v1/standards/07.11').set(...auth).expect(200);
    const again = await request(t.handler).get('/api/v1/standards/07.11').set(...auth).expect(200);
    expect(again.text).to.equal(first.text);
    expect(again.headers['content-type']).to.equal('application/json; charset=utf-8');
    const anonymous = await request(t.handler).get('/api/v1/standards/07.11').expect(200);
    expect(anonymous.text).to.equal(first.text);
    const asBoard = await request(t.handler).get('/api/v1/standards/07.11').set(...board.auth).expect(200);
    // The Board reads unreleased drafts: at least as many versions as the public.
    expect(asBoard.body.versions.length).to.be.at.least(first.body.versions.length);
    await t.db('standards').where({ ref: '07.11' }).update({ title: 'A new title' }).increment('revision', 1);
    const after = await request(t.handler).get('/api/v1/standards/07.11').set(...auth).expect(200);
    expect(after.body.title).to.equal('A new title');
  });
});
