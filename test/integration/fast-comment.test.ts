/**
 * Issue 17: comments POSTed with a Bearer token are taken before Express (server/consultations/fast-comment.ts).
 * Two instances on two identical databases, the same requests in the same order: one listens with the
 * handler (the fast path first), the other with the API app alone (what answered every Bearer call
 * before). Status, headers (all but Date, in their order) and body must be the same bytes, the rows
 * and the audit chain the same; the fast path must have taken the plain cases and handed the others on.
 */
import { expect } from 'chai';
import http from 'node:http';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createHandler, isBearerApiCall } from '../../server/app.ts';
import { FakeClock } from '../../server/clock.ts';
import { loadConfig } from '../../server/config.ts';
import { createDb, type Db } from '../../server/db.ts';
import { createLogger } from '../../server/logger.ts';
import { PageCache } from '../../server/http/page-cache.ts';
import { TOKEN_CACHE_MS } from '../../server/accounts/tokens.ts';
import { flushComments } from '../../server/consultations/writer.ts';
import { BODY_LIMIT } from '../../server/consultations/fast-comment.ts';
import { clockOfDb, TEST_NOW, testDatabaseUrlOf, testDb } from '../helpers/app.ts';
import { bearerFor, createUser } from '../helpers/auth.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';

interface Answer {
  status: number;
  headers: string[];
  body: Buffer;
}
interface Instance {
  db: Db;
  port: number;
  lines: Array<Record<string, unknown>>;
  close: () => Promise<void>;
}
type Req = { path?: string; headers?: Record<string, string>; body?: Buffer | string; chunked?: boolean; slow?: boolean };

/** An app on `db` listening with its handler (fast paths first) or with Express alone, as the handler dispatches (Bearer calls to the API app). */
async function listen(db: Db, via: 'handler' | 'express'): Promise<Instance> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l));
      cb();
    },
  });
  const logger = createLogger('debug', sink);
  const clock = clockOfDb.get(db) ?? new FakeClock(TEST_NOW);
  const { handler, app, bearerApp } = createHandler({ db, clock, config, logger, pageCache: new PageCache('test') });
  const server = http.createServer(via === 'handler' ? handler : (req, res) => (isBearerApiCall(req) ? bearerApp(req, res) : app(req, res)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { db, port: (server.address() as AddressInfo).port, lines, close: () => new Promise((r) => server.close(() => r())) };
}

function send(port: number, r: Req): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = r.body === undefined ? undefined : Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body);
    const headers: Record<string, string> = { 'Content-Type': 'application/json', ...r.headers };
    if (body && !r.chunked) headers['Content-Length'] = String(body.length);
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: r.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) if (res.rawHeaders[i]!.toLowerCase() !== 'date') raw.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
        resolve({ status: res.statusCode!, headers: raw, body: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
    if (body && r.slow) {
      // with its Content-Length, in two parts some time apart: the body is not all there when the fast path looks
      req.write(body.subarray(0, 10));
      setTimeout(() => req.end(body.subarray(10)), 30);
    } else if (body && r.chunked) {
      // two chunks, Transfer-Encoding: chunked
      req.write(body.subarray(0, 5));
      req.end(body.subarray(5));
    } else req.end(body);
  });
}

describe('comments POSTed with a Bearer token, before Express (issue 17)', function () {
  this.timeout(120_000);
  let fast: Instance;
  let slow: Instance;
  let cid: number;
  // one user and token of each kind per instance: the same ids on both databases
  const tokens: Record<'fast' | 'slow', Record<string, string>> = { fast: {}, slow: {} };

  before(async () => {
    const [a, b] = await Promise.all([testDb({ auditKey: loadConfig({ NODE_ENV: 'test' }).auditKey }), testDb({ auditKey: loadConfig({ NODE_ENV: 'test' }).auditKey })]);
    for (const [db, side] of [[a, 'fast'], [b, 'slow']] as const) {
      clockOfDb.set(db, new FakeClock(TEST_NOW));
      const app = { app: null as never, db };
      const mk = async (key: string, opts: Parameters<typeof createUser>[1]) => {
        tokens[side][key] = (await bearerFor(app, await createUser(db, { email: `${key}@fast.example`, name: `Fast ${key}`, organisation: `Org ${key}`, ...opts }))).token;
      };
      await mk('alice', { role: 'stakeholder' });
      await mk('unverified', { role: 'stakeholder', verified: false });
      await mk('sec', { role: 'secretariat' });
      await mk('sec2fa', { role: 'secretariat', twoFactor: false });
    }
    cid = await sampleConsultationId(a);
    expect(await sampleConsultationId(b)).to.equal(cid);
    fast = await listen(a, 'handler');
    slow = await listen(b, 'express');
  });
  after(async () => {
    await fast?.close();
    await slow?.close();
    await fast?.db.destroy();
    await slow?.db.destroy();
  });

  const path = () => `/api/v1/consultations/${cid}/comments`;
  const fastLines = () => fast.lines.filter((l) => l.fast === true && l.msg === 'request completed');

  /** The same request to both; their answers must be the same bytes. Returns the fast side's answer and whether the fast path took it. */
  async function both(who: string | null, r: Req & { auth?: string }): Promise<{ answer: Answer; taken: boolean }> {
    const before = fastLines().length;
    const withAuth = (side: 'fast' | 'slow'): Req => ({
      path: path(),
      ...r,
      headers: { ...(who ? { Authorization: `Bearer ${tokens[side][who] ?? who}` } : {}), ...r.headers },
    });
    const f = await send(fast.port, withAuth('fast'));
    const s = await send(slow.port, withAuth('slow'));
    expect(f.status, `${f.body}`).to.equal(s.status);
    expect(f.headers).to.deep.equal(s.headers);
    expect(f.body.toString('utf8')).to.equal(s.body.toString('utf8'));
    return { answer: f, taken: fastLines().length > before };
  }

  const good = { clause: '7.4', paragraph: 'second sentence', type: 'te', comment: 'The buffer should be 100 m everywhere.', proposed_change: 'Replace 50 m by 100 m.' };

  it('takes a plain comment and answers it as Express does, byte for byte', async () => {
    const one = await both('alice', { body: JSON.stringify(good) });
    expect(one.answer.status).to.equal(201);
    expect(one.taken).to.equal(true);
    expect(one.answer.headers).to.include.members(['Content-Type: application/json; charset=utf-8', 'X-Content-Type-Options: nosniff']);
    expect(one.answer.headers.some((h) => h.startsWith('Content-Security-Policy: '))).to.equal(true);
    const general = await both('alice', { body: JSON.stringify({ clause: null, type: 'ed', comment: 'Good draft overall.' }), headers: { 'Content-Type': 'application/json; charset=utf-8' } });
    expect(general.answer.status).to.equal(201);
    expect(general.taken).to.equal(true);
    // a secretariat account enrolled in a second factor, entering a comment for an organisation
    const behalf = await both('sec', { body: JSON.stringify({ ...good, on_behalf_of: { organisation: 'UNICEF', name: 'A. Person' } }) });
    expect(behalf.answer.status).to.equal(201);
    expect(behalf.taken).to.equal(true);
    const slow = await both('alice', { body: JSON.stringify(good), slow: true });
    expect(slow.answer.status).to.equal(201);
    expect(slow.taken).to.equal(true);
    expect(JSON.parse(behalf.answer.body.toString()).author).to.deep.equal({ name: 'A. Person', organisation: 'UNICEF' });
  });

  it('hands every other case to Express, which answers it as before', async () => {
    const cases: Array<[string, string | null, Req & { expect: number }]> = [
      ['malformed JSON', 'alice', { body: '{"clause": "7.4", "type": ', expect: 400 }],
      ['malformed JSON, sent slowly', 'alice', { body: '{"clause": "7.4", "type": ', slow: true, expect: 400 }],
      ['a field that fails validation, sent slowly', 'alice', { body: JSON.stringify({ ...good, type: 'urgent' }), slow: true, expect: 422 }],
      ['a JSON string, not an object', 'alice', { body: '"text"', expect: 400 }],
      ['an array', 'alice', { body: '[1]', expect: 422 }],
      ['a NUL in the text', 'alice', { body: JSON.stringify({ ...good, comment: 'a\u0000b' }), expect: 400 }],
      ['a field that fails validation', 'alice', { body: JSON.stringify({ ...good, type: 'urgent', comment: '' }), expect: 422 }],
      ['an unknown field', 'alice', { body: JSON.stringify({ ...good, author_id: 1 }), expect: 422 }],
      ['a clause not in the draft', 'alice', { body: JSON.stringify({ ...good, clause: '12.9' }), expect: 422 }],
      ['on behalf, not the secretariat', 'alice', { body: JSON.stringify({ ...good, on_behalf_of: 'UNICEF' }), expect: 403 }],
      ['an unknown token', 'imas_nope', { body: JSON.stringify(good), expect: 401 }],
      ['no token', null, { body: JSON.stringify(good), expect: 401 }],
      ['an unverified account', 'unverified', { body: JSON.stringify(good), expect: 403 }],
      ['a secretariat account without a second factor', 'sec2fa', { body: JSON.stringify(good), expect: 403 }],
      ['no such consultation', 'alice', { path: '/api/v1/consultations/99999/comments', body: JSON.stringify(good), expect: 404 }],
      ['a body over the limit', 'alice', { body: JSON.stringify({ ...good, comment: 'x'.repeat(BODY_LIMIT) }), expect: 413 }],
      ['another charset', 'alice', { body: JSON.stringify(good), headers: { 'Content-Type': 'application/json; charset=latin1' }, expect: 415 }],
      ['another type', 'alice', { body: JSON.stringify(good), headers: { 'Content-Type': 'text/plain' }, expect: 422 }],
      ['an empty body', 'alice', { body: '', expect: 422 }],
      // handed on, and then written by Express
      ['a byte-order mark', 'alice', { body: `\ufeff${JSON.stringify(good)}`, expect: 201 }],
      ['a chunked body', 'alice', { body: JSON.stringify(good), chunked: true, expect: 201 }],
      ['a gzipped body', 'alice', { body: zlib.gzipSync(JSON.stringify(good)), headers: { 'Content-Encoding': 'gzip' }, expect: 201 }],
      ['a query string', 'alice', { path: `${path()}?x=1`, body: JSON.stringify(good), expect: 201 }],
    ];
    for (const [what, who, c] of cases) {
      const r = await both(who, c);
      expect(r.answer.status, what).to.equal(c.expect);
      expect(r.taken, what).to.equal(false);
    }
  });

  it('a client that goes before sending its whole body is let go, and the next one served', async () => {
    const before = await fast.db('comments').where({ consultation_id: cid }).count({ n: '*' }).first();
    await new Promise<void>((resolve) => {
      const req = http.request({ host: '127.0.0.1', port: fast.port, method: 'POST', path: path(), agent: false, headers: { 'Content-Type': 'application/json', 'Content-Length': '500', Authorization: `Bearer ${tokens.fast.alice}` } });
      req.on('error', () => resolve());
      req.write('{"type": "ge", "comment": "cut');
      setTimeout(() => (req.destroy(), setTimeout(resolve, 50)), 50);
    });
    expect(await fast.db('comments').where({ consultation_id: cid }).count({ n: '*' }).first()).to.deep.equal(before);
    expect(fast.lines.some((l) => l.fast === true && l.msg === 'request aborted before its body was read')).to.equal(true);
    const after = await send(fast.port, { path: path(), body: JSON.stringify(good), headers: { Authorization: `Bearer ${tokens.fast.alice}` } });
    expect(after.status).to.equal(201);
    // the other side gets the same comment, to keep the two databases alike
    expect((await send(slow.port, { path: path(), body: JSON.stringify(good), headers: { Authorization: `Bearer ${tokens.slow.alice}` } })).status).to.equal(201);
  });

  it('a write that fails after the body was taken is answered by Express’s error handler, not written twice', async () => {
    // Both instances have the consultation in their one-second cache; then it closes in the database:
    // the writing transaction finds it shut (409) though the cached copy said open.
    await both('alice', { body: JSON.stringify(good) });
    for (const db of [fast.db, slow.db]) await db('consultations').where({ id: cid }).update({ closes_at: '2026-11-01T00:00:00.000Z' });
    try {
      const before = await fast.db('comments').where({ consultation_id: cid }).count({ n: '*' }).first();
      const r = await both('alice', { body: JSON.stringify(good) });
      expect(r.answer.status).to.equal(409);
      expect(r.taken).to.equal(false);
      expect(fast.lines.filter((l) => l.fast === true && l.msg === 'comment write failed: answered by Express')).to.have.length(1);
      // Express logged it (pino-http), once
      expect(fast.lines.filter((l) => (l.res as { status?: number } | undefined)?.status === 409 && l.fast !== true)).to.have.length(1);
      expect(await fast.db('comments').where({ consultation_id: cid }).count({ n: '*' }).first()).to.deep.equal(before);
    } finally {
      for (const db of [fast.db, slow.db]) await db('consultations').where({ id: cid }).update({ closes_at: '2027-06-30T23:59:59.000Z' });
    }
  });

  it('leaves the same rows and the same audit chain as Express', async () => {
    await flushComments(fast.db);
    await flushComments(slow.db);
    const rows = (db: Db) => db('comments').where({ consultation_id: cid }).orderBy('id').select('*');
    const chain = (db: Db) => db('audit_events').orderBy('id').select('actor_id', 'action', 'subject_type', 'subject_id', 'data', 'at', 'hash');
    expect(await rows(fast.db)).to.deep.equal(await rows(slow.db));
    expect(await chain(fast.db)).to.deep.equal(await chain(slow.db));
    expect((await rows(fast.db)).length).to.be.greaterThan(4);
  });

  it('logs each comment it took at debug level, as the request log does', () => {
    const l = fastLines()[0]!;
    expect(l).to.deep.include({ level: 20, req: { method: 'POST', url: path() }, res: { status: 201 } });
  });

  it('refuses a revoked token and a disabled account at once on this instance', async () => {
    const body = JSON.stringify(good);
    const mine = await bearerFor({ app: null as never, db: fast.db }, await createUser(fast.db, { role: 'stakeholder' }));
    const auth = { Authorization: `Bearer ${mine.token}` };
    expect((await send(fast.port, { path: path(), body, headers: auth })).status).to.equal(201);
    const revoke = await new Promise<number>((resolve, reject) => {
      http.request({ host: '127.0.0.1', port: fast.port, method: 'DELETE', path: '/api/v1/tokens/current', headers: auth, agent: false }, (res) => (res.resume(), resolve(res.statusCode!))).on('error', reject).end();
    });
    expect(revoke).to.equal(204);
    expect((await send(fast.port, { path: path(), body, headers: auth })).status).to.equal(401);

    const other = await bearerFor({ app: null as never, db: fast.db }, await createUser(fast.db, { role: 'stakeholder' }));
    const auth2 = { Authorization: `Bearer ${other.token}` };
    expect((await send(fast.port, { path: path(), body, headers: auth2 })).status).to.equal(201);
    await fast.db('users').where({ id: other.user.id }).update({ disabled_at: TEST_NOW });
    expect((await send(fast.port, { path: path(), body, headers: auth2 })).status).to.equal(401);
  });

  it(`refuses them on another instance within ${TOKEN_CACHE_MS} ms`, async () => {
    const body = JSON.stringify(good);
    const sibling = await listen(createDb(testDatabaseUrlOf(fast.db), { auditKey: loadConfig({ NODE_ENV: 'test' }).auditKey }), 'handler');
    try {
      for (const end of ['revoke', 'disable'] as const) {
        const u = await bearerFor({ app: null as never, db: fast.db }, await createUser(fast.db, { role: 'stakeholder' }));
        const auth = { Authorization: `Bearer ${u.token}` };
        // remembered by the sibling
        expect((await send(sibling.port, { path: path(), body, headers: auth })).status).to.equal(201);
        const at = Date.now();
        if (end === 'revoke') await fast.db('api_tokens').where({ user_id: u.user.id }).update({ revoked_at: TEST_NOW });
        else await fast.db('users').where({ id: u.user.id }).update({ disabled_at: TEST_NOW });
        let status = 0;
        while ((status = (await send(sibling.port, { path: path(), body, headers: auth })).status) === 201) {
          expect(Date.now() - at, end).to.be.at.most(TOKEN_CACHE_MS + 100);
          await new Promise((r) => setTimeout(r, 50));
        }
        expect(status, end).to.equal(401);
        expect(Date.now() - at, end).to.be.at.most(TOKEN_CACHE_MS + 250);
      }
    } finally {
      await sibling.close();
      await flushComments(sibling.db);
      await sibling.db.destroy();
    }
  });
});
