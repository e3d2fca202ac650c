import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, bearerFor, type TestUser } from '../helpers/auth.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';
import { holdLock } from '../helpers/hold-lock.ts';
import { onPostgres } from '../helpers/postgres.ts';
import { busyWaitOf, type Db } from '../../server/db.ts';

// Another process holds SQLite's write lock (test/helpers/hold-lock.ts): writes wait for it without
// blocking the event loop, and answer 503 with Retry-After when it outlasts the wait — never 500.
type App = Awaited<ReturnType<typeof testApp>>;
const fileOf = (db: Db) => (db.client.config.connection as { filename: string }).filename;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Until a write of this process is waiting for the lock. */
async function someoneWaits(db: Db): Promise<void> {
  while (!busyWaitOf(db)!.busy) await sleep(5);
}

describe('a database locked by another process', function () {
  // SQLite's file lock, held by another process; PostgreSQL locks rows, and waits for them in the server.
  before(function () {
    if (onPostgres()) this.skip();
  });
  describe('held for less than the wait', () => {
    let t: App;
    let cid: number;
    let alice: { auth: [string, string]; user: TestUser };
    before(async () => {
      t = await testApp({ busyWaitMs: 20_000 });
      cid = await sampleConsultationId(t.db);
      alice = await bearerFor(t, 'stakeholder');
    });
    after(() => t.close());
    const comment = (text: string) => request(t.app).post(`/api/v1/consultations/${cid}/comments`).set(...alice.auth).send({ clause: '4.1', type: 'technical', comment: text });

    it('answers /healthz while a write waits for the lock, /readyz says not ready, and the write succeeds once the lock goes', async () => {
      const lock = await holdLock(fileOf(t.db));
      let settled = false;
      const write = comment('Written after the lock goes.').then((r) => {
        settled = true;
        return r;
      });
      await someoneWaits(t.db);
      await request(t.app).get('/healthz').expect(200, { status: 'ok' });
      const ready = await request(t.app).get('/readyz').expect(503);
      expect(ready.body).to.deep.equal({ status: 'not ready', reason: 'database locked by another process' });
      // Both answered while the lock is still held and the write still waits for it.
      expect(lock.isReleased()).to.equal(false);
      expect(settled).to.equal(false);
      await lock.release();
      const res = await write;
      expect(res.status).to.equal(201);
      expect(await t.db('comments').where({ comment: 'Written after the lock goes.' }).pluck('id')).to.deep.equal([res.body.id]);
      await request(t.app).get('/readyz').expect(200, { status: 'ready' });
    });

    it('/readyz reports a lock held while nothing is waiting for it', async () => {
      const lock = await holdLock(fileOf(t.db));
      try {
        await request(t.app).get('/readyz').expect(503);
      } finally {
        await lock.release();
      }
      await request(t.app).get('/readyz').expect(200);
    });

    it('loses and duplicates no comment written while it waited: every 201 is one row', async () => {
      const lock = await holdLock(fileOf(t.db));
      const texts = Array.from({ length: 20 }, (_, i) => `Waiting comment ${i}.`);
      const writes = Promise.all(texts.map((text) => comment(text)));
      await someoneWaits(t.db);
      await sleep(50);
      await lock.release();
      const answers = await writes;
      expect(answers.map((r) => r.status)).to.deep.equal(texts.map(() => 201));
      const rows = (await t.db('comments').whereIn('comment', texts).select('id', 'comment')) as Array<{ id: number; comment: string }>;
      expect(rows.map((r) => r.comment).sort()).to.deep.equal([...texts].sort());
      expect(rows.map((r) => r.id).sort()).to.deep.equal(answers.map((r) => r.body.id).sort());
    });

    it('a write in a transaction (editing a comment) also waits and succeeds', async () => {
      const c = (await comment('Before the edit.').expect(201)).body;
      const lock = await holdLock(fileOf(t.db));
      const edit = request(t.app).patch(`/api/v1/comments/${c.id}`).set(...alice.auth).send({ comment: 'After the edit.' }).then((r) => r);
      await someoneWaits(t.db);
      await lock.release();
      expect((await edit).status).to.equal(200);
      expect(await t.db('comments').where({ id: c.id }).first('comment')).to.deep.equal({ comment: 'After the edit.' });
    });
  });

  describe('held for longer than the wait', () => {
    let t: App;
    let cid: number;
    let alice: { auth: [string, string]; user: TestUser };
    before(async () => {
      t = await testApp({ busyWaitMs: 300 });
      cid = await sampleConsultationId(t.db);
      alice = await bearerFor(t, 'stakeholder');
    });
    after(() => t.close());

    it('answers 503 with Retry-After and a message (API and pages), never 500, and keeps nothing of the refused writes', async () => {
      const { agent, csrf } = await agentFor(t, 'stakeholder');
      const c = (await request(t.app).post(`/api/v1/consultations/${cid}/comments`).set(...alice.auth).send({ clause: '4.1', type: 'technical', comment: 'Kept as it is.' }).expect(201)).body;
      const lock = await holdLock(fileOf(t.db));
      try {
        const refused = await Promise.all(
          [1, 2, 3].map((i) => request(t.app).post(`/api/v1/consultations/${cid}/comments`).set(...alice.auth).send({ clause: '4.1', type: 'technical', comment: `Refused ${i}.` })),
        );
        for (const res of refused) {
          expect(res.status).to.equal(503);
          expect(res.headers['retry-after']).to.equal('1');
          expect(res.body.error.code).to.equal('unavailable');
          expect(res.body.error.message).to.match(/database is busy/i);
        }
        const edit = await request(t.app).patch(`/api/v1/comments/${c.id}`).set(...alice.auth).send({ comment: 'Edited.' });
        expect(edit.status).to.equal(503);
        expect(edit.headers['retry-after']).to.equal('1');
        const page = await agent.post(`/consultations/${cid}/comments`).type('form').send({ _csrf: csrf, clause: '5.1', type: 'technical', comment: 'From the form.' });
        expect(page.status).to.equal(503);
        expect(page.headers['retry-after']).to.equal('1');
        expect(page.headers['content-type']).to.match(/text\/html/);
        expect(page.text).to.match(/database is busy/i);
      } finally {
        await lock.release();
      }
      expect(await t.db('comments').whereIn('comment', ['Refused 1.', 'Refused 2.', 'Refused 3.', 'From the form.']).count({ n: '*' }).first()).to.deep.equal({ n: 0 });
      expect(await t.db('comments').where({ id: c.id }).first('comment')).to.deep.equal({ comment: 'Kept as it is.' });
      const doc = (await request(t.app).get('/api/v1/openapi.json').expect(200)).body;
      expect(doc.paths['/consultations/{id}/comments'].post.responses[503]).to.deep.equal({ $ref: '#/components/responses/Unavailable' });
      expect(doc.components.responses.Unavailable.headers).to.have.property('Retry-After');
      // And once the lock is gone, writes go through again.
      await request(t.app).post(`/api/v1/consultations/${cid}/comments`).set(...alice.auth).send({ clause: '4.1', type: 'technical', comment: 'After.' }).expect(201);
    });
  });
});
