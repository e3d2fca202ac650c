/**
 * Issue 17 item 2: signed-in readers of a published page get its public part from the cache with
 * their own header (name, sign-out form, CSRF token) filled in, through the fast path (one query, no
 * write) — and the timeouts, CSRF and disabling work exactly as before.
 */
import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { createUser, signIn, type TestUser } from '../helpers/auth.ts';

type App = Awaited<ReturnType<typeof testApp>>;
const HEADER = /<header class="site-header">[\s\S]*?<\/header>/;
// The reader's own parts: the site header, and the watch button of the standard (issue 16's slot).
// (with the white space around it, which differs where an anonymous page has no button at all)
const WATCH = /<div class="watch">[\s\S]*?<\/div>/;
const publicPart = (html: string) => html.replace(HEADER, '').replace(/\s*(<div class="watch">[\s\S]*?<\/div>)?\s*<\/header><nav class="standard-nav"/, '</header><nav class="standard-nav"');

/** Counts the statements the app runs, and those that write (anything but a select), while `fn` runs. */
async function counting(t: App, fn: () => Promise<void>): Promise<{ all: number; sessions: number; users: number; watches: number; others: string[]; writes: string[] }> {
  const seen: string[] = [];
  const on = (q: { sql: string }) => void seen.push(q.sql);
  t.db.on('query', on);
  try {
    await fn();
  } finally {
    t.db.removeListener('query', on);
  }
  // The standard's revision, read at most every 100 ms (StandardStates), through Knex on PostgreSQL.
  const revision = (s: string) => /^select .*\brevision\b.* from .standards. where .ref. = /i.test(s);
  const others = seen.filter((s) => !/\bsessions\b/.test(s) && !revision(s));
  return { all: seen.length, sessions: seen.filter((s) => /\bsessions\b/.test(s)).length, users: seen.filter((s) => /\busers\b/.test(s)).length, watches: seen.filter((s) => /\bwatches\b/.test(s)).length, others, writes: seen.filter((s) => !/^\s*select\b/i.test(s)) };
}

describe('signed-in pages from the cache', () => {
  let t: App;
  let a: TestUser;
  let b: TestUser;
  let agentA: ReturnType<typeof request.agent>;
  let agentB: ReturnType<typeof request.agent>;
  let csrfA: string;
  let csrfB: string;

  beforeEach(async () => {
    t = await testApp();
    a = await createUser(t.db, { role: 'stakeholder', name: 'Alice Reader' });
    b = await createUser(t.db, { role: 'stakeholder', name: 'Bob Reader' });
    // Through the handler the server listens with: the fast path first, then Express.
    agentA = request.agent(t.handler);
    agentB = request.agent(t.handler);
    csrfA = await signIn(agentA, a);
    csrfB = await signIn(agentB, b);
  });
  afterEach(() => t.close());

  it('two readers alternating each get their own header and CSRF token; the public part is the same bytes', async () => {
    const anonymous = (await request(t.handler).get('/standards/07.11').expect(200)).text;
    for (let i = 0; i < 3; i++) {
      const pa = await agentA.get('/standards/07.11').expect(200);
      const pb = await agentB.get('/standards/07.11').expect(200);
      expect(pa.text).to.contain('Alice Reader').and.contain(`name="_csrf" value="${csrfA}"`);
      expect(pa.text).not.to.contain('Bob Reader');
      expect(pa.text).not.to.contain(csrfB);
      expect(pb.text).to.contain('Bob Reader').and.contain(`name="_csrf" value="${csrfB}"`);
      expect(pb.text).not.to.contain('Alice Reader');
      expect(pa.headers['cache-control']).to.equal('private, no-store');
      expect(pa.headers.etag).to.equal(undefined);
      expect(publicPart(pa.text)).to.equal(publicPart(pb.text));
      expect(publicPart(pa.text)).to.equal(publicPart(anonymous));
    }
  });

  it("each reader's watch button says what they watch, from the same cached page", async () => {
    const anonymous = (await request(t.handler).get('/standards/07.11').expect(200)).text;
    expect(anonymous).not.to.match(WATCH);
    await agentA.post('/me/watching').type('form').send({ _csrf: csrfA, scope: 'standard', ref: '07.11', back: '/standards/07.11' }).expect(303);
    for (let i = 0; i < 2; i++) {
      const pa = (await agentA.get('/standards/07.11').expect(200)).text;
      const pb = (await agentB.get('/standards/07.11').expect(200)).text;
      expect(pa.match(WATCH)?.[0]).to.contain('Stop watching').and.contain(`value="${csrfA}"`);
      expect(pb.match(WATCH)?.[0]).to.contain('Watch this standard').and.contain(`value="${csrfB}"`).and.not.contain('Stop watching');
      expect(publicPart(pa)).to.equal(publicPart(pb));
    }
    // Read with the session on every page: a change shows at the next one, as Express renders it.
    const id = /action="\/me\/watching\/(\d+)\/remove"/.exec((await agentA.get('/standards/07.11').expect(200)).text)?.[1];
    await agentA.post(`/me/watching/${id}/remove`).type('form').send({ _csrf: csrfA, back: '/standards/07.11' }).expect(303);
    const after = (await agentA.get('/standards/07.11').expect(200)).text;
    expect(after.match(WATCH)?.[0]).to.contain('Watch this standard').and.not.contain('Stop watching');
    await agentA.post('/me/watching').type('form').send({ _csrf: csrfA, scope: 'series', series: '07', back: '/standards/07.11' }).expect(303);
    const fast = (await agentA.get('/standards/07.11').expect(200)).text.match(WATCH)?.[0];
    expect(fast).to.contain('href="/me/watching"');
    expect(fast).to.not.contain('Watch this standard');
    expect(fast).to.equal((await agentA.get('/standards/07.11?done=unknown').expect(200)).text.match(WATCH)?.[0]);
  });

  it('the gzip answer (spliced) and the plain one are the same page; the same as Express renders whole', async () => {
    await agentA.get('/standards/07.11').expect(200); // cached
    const gz = await agentA.get('/standards/07.11').set('Accept-Encoding', 'gzip').expect(200);
    expect(gz.headers['content-encoding']).to.equal('gzip');
    const plain = await agentA.get('/standards/07.11').set('Accept-Encoding', 'identity').expect(200);
    expect(gz.text).to.equal(plain.text);
    // Express renders a page whole after an action (?done=): the same page but for that notice.
    const whole = await agentA.get('/standards/07.11?done=unknown').expect(200);
    expect(whole.text).to.equal(plain.text);
  });

  it('a page costs one query for the session, its user and their watches (the watch button), and no write; the last-seen time is written at most once a minute', async () => {
    await agentA.get('/standards/07.11').expect(200);
    await agentA.get('/standards/07.11').expect(200);
    const n = 10;
    const steady = await counting(t, async () => {
      for (let i = 0; i < n; i++) await agentA.get('/standards/07.11').expect(200);
    });
    expect(steady.writes).to.deep.equal([]);
    // One statement a page for the session, its user and their watches (the watch button, issue 16;
    // the standard from its cached state): on an SQLite file prepared once on a connection of its own,
    // on PostgreSQL a named statement on a connection of Knex's pool (accounts/sessions.ts
    // readerSessionReader), so Knex's query events see none. (The standard's revision is read at most
    // every 100 ms besides: StandardStates.)
    expect(steady.sessions).to.equal(0);
    expect(steady.others).to.deep.equal([]);
    t.clock.advance(2 * 60_000);
    const later = await counting(t, async () => {
      for (let i = 0; i < n; i++) await agentA.get('/standards/07.11').expect(200);
    });
    expect(later.writes.filter((s) => /sessions/.test(s))).to.have.length(1);
  });

  it('pages asked at once (their sessions looked up together on PostgreSQL) each get their own reader; a session signed out just before gets none', async () => {
    const c = await createUser(t.db, { role: 'stakeholder', name: 'Cleo Reader' });
    const agentC = request.agent(t.handler);
    const csrfC = await signIn(agentC, c);
    await agentC.get('/standards/07.11').expect(200);
    await agentC.post('/logout').type('form').send({ _csrf: csrfC }).expect(303);
    await agentA.get('/standards/07.11').expect(200);
    for (let round = 0; round < 3; round++) {
      const asked = [agentA, agentB, agentC, agentA, agentB, agentC, agentA, agentB];
      const pages = await Promise.all(asked.map((agent) => agent.get('/standards/07.11').expect(200)));
      pages.forEach((p, i) => {
        const who = asked[i];
        if (who === agentA) expect(p.text).to.contain('Alice Reader').and.contain(`name="_csrf" value="${csrfA}"`).and.not.contain('Bob Reader');
        else if (who === agentB) expect(p.text).to.contain('Bob Reader').and.contain(`name="_csrf" value="${csrfB}"`).and.not.contain('Alice Reader');
        else expect(p.text).to.contain('Sign in').and.not.contain('Cleo Reader').and.not.contain('Alice Reader').and.not.contain('Bob Reader');
      });
    }
    // Signed out at once: the next pages, asked together, no longer name Bob.
    await agentB.post('/logout').type('form').send({ _csrf: csrfB }).expect(303);
    const after = await Promise.all([agentA, agentB, agentA, agentB].map((agent) => agent.get('/standards/07.11').expect(200)));
    expect(after.map((p) => p.text.includes('Alice Reader'))).to.deep.equal([true, false, true, false]);
    expect(after.some((p) => p.text.includes('Bob Reader'))).to.equal(false);
  });

  it('the idle timeout still ends the session, read from the cache or not', async () => {
    await agentA.get('/standards/07.11').expect(200);
    t.clock.advance(31 * 60_000);
    const page = await agentA.get('/standards/07.11').expect(200);
    expect(page.text).not.to.contain('Alice Reader');
    expect(page.text).to.contain('Sign in');
  });

  it('a disabled reader is signed out at the next page', async () => {
    await agentA.get('/standards/07.11').expect(200);
    await agentA.get('/standards/07.11').expect(200);
    await t.db('users').where({ id: a.id }).update({ disabled_at: '2026-11-23T12:00:00.000Z' });
    const page = await agentA.get('/standards/07.11').expect(200);
    expect(page.text).not.to.contain('Alice Reader');
  });

  it('a Board member gets the public part for their rights (the Ballots link), another stakeholder is not given it', async () => {
    const member = await createUser(t.db, { role: 'board', name: 'Bea Board' });
    const agentM = request.agent(t.handler);
    await signIn(agentM, member);
    await agentM.get('/standards/07.11').expect(200);
    const pm = await agentM.get('/standards/07.11').expect(200);
    expect(pm.text).to.contain('href="/ballots"').and.contain('Bea Board');
    const pa = await agentA.get('/standards/07.11').expect(200);
    expect(pa.text).not.to.contain('href="/ballots"');
  });

  it('the sign-out form of the cached page works (its CSRF token is the session one), and a forged one is refused', async () => {
    await agentA.get('/standards/07.11').expect(200);
    const page = await agentA.get('/standards/07.11').expect(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    await agentA.post('/logout').type('form').send({ _csrf: 'forged' }).expect(403);
    await agentA.post('/logout').type('form').send({ _csrf: token }).expect(303);
    const after = await agentA.get('/standards/07.11').expect(200);
    expect(after.text).not.to.contain('Alice Reader');
  });
});
