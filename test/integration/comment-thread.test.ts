import { expect } from 'chai';
import Database from 'better-sqlite3';
import { testDb, TEST_NOW } from '../helpers/app.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';
import { onPostgres } from '../helpers/postgres.ts';
import { beginKeying, verifyChain } from '../../server/audit/service.ts';
import { TEST_AUDIT_KEY } from '../../server/config.ts';
import { FakeClock } from '../../server/clock.ts';
import { CommentWriter } from '../../server/consultations/writer.ts';
import type { CommentRow, NewComment } from '../../server/consultations/repo.ts';
import { Conflict, NotFound, ServiceUnavailable } from '../../server/errors.ts';
import { createDb, type Db } from '../../server/db.ts';

/**
 * The comment queue's commits in a thread of their own on a SQLite file (COMMENT_COMMIT_THREAD,
 * consultations/sqlite-commit-thread.ts): the thread's own connection writes the same rows, receipt
 * numbers and audit chain as the main thread's, refuses comments of a shut window, waits for a lock
 * held by another connection as the main thread does (then 503, nothing written), and ends with the
 * database handle once everything queued is written.
 */
describe('comment batches committed in a thread of their own (SQLite file)', function () {
  this.timeout(60_000);
  const clock = new FakeClock(TEST_NOW);
  let db: Db;
  let file: string;
  let open: number;
  let shut: number;
  const comment = (cid: number, text: string): NewComment => ({
    consultation_id: cid, author_id: null, author_name: 'A. Tester', organisation: 'Test Org', entered_by: null, clause_key: null, clause_ref: null,
    paragraph: null, line_number: null, type: 'general', comment: text, proposed_change: null, submitted_at: '',
  });
  const count = async (h: Db, like: string) => Number((await h('comments').where('comment', 'like', like).count({ n: '*' }).first())!.n);

  before(async function () {
    if (onPostgres()) this.skip();
    db = await testDb({ auditKey: TEST_AUDIT_KEY });
    file = (db.client.config as { connection: { filename: string } }).connection.filename;
    await beginKeying(db, clock);
    open = await sampleConsultationId(db);
    const { version_id } = await db('consultations').where({ id: open }).first('version_id');
    const [ins] = await db('consultations').insert({ version_id, opens_at: '2026-01-01T00:00:00.000Z', closes_at: '2026-02-01T00:00:00.000Z', instructions: 'shut', created_at: '2026-01-01T00:00:00.000Z' }).returning('id');
    shut = typeof ins === 'object' ? ins.id : ins;
  });
  after(async () => {
    await db?.destroy();
  });

  it('writes while the main thread’s connection is held: rows, receipts in order, one audit event each, the chain verifies', async () => {
    const writer = new CommentWriter({ db, clock }, { thread: true });
    const before = Number((await db('comments').where({ consultation_id: open }).max({ seq: 'seq' }).first())?.seq ?? 0);
    const events = Number((await db('audit_events').count({ n: '*' }).first())!.n);
    // The pool's one connection, held throughout: the batches cannot be written on it.
    const client = db.client as { acquireConnection(): Promise<unknown>; releaseConnection(c: unknown): Promise<unknown> };
    const held = await client.acquireConnection();
    const saved: CommentRow[] = [];
    try {
      for (let w = 0; w < 3; w++) saved.push(...(await Promise.all(Array.from({ length: 20 }, (_, i) => writer.write(comment(open, `thread ${w * 20 + i}`), 1)))));
    } finally {
      await client.releaseConnection(held);
    }
    expect(saved.map((s) => s.comment)).to.deep.equal(Array.from({ length: 60 }, (_, i) => `thread ${i}`));
    expect(saved.map((s) => s.seq)).to.deep.equal(Array.from({ length: 60 }, (_, i) => before + 1 + i));
    expect(saved.every((s) => s.submitted_at === TEST_NOW)).to.equal(true);
    const rows = (await db('comments').where('comment', 'like', 'thread %').orderBy('id').select('id', 'seq', 'comment')) as Array<{ id: number; seq: number; comment: string }>;
    expect(rows.map((r) => [Number(r.id), Number(r.seq), r.comment])).to.deep.equal(saved.map((s) => [s.id, s.seq, s.comment]));
    const audit = (await db('audit_events').orderBy('id').offset(events).select('action', 'subject_id', 'data', 'keyed')) as Array<{ action: string; subject_id: string; data: string; keyed: number }>;
    expect(audit.map((e) => [e.action, Number(e.subject_id), JSON.parse(e.data).reference, Boolean(e.keyed)])).to.deep.equal(saved.map((s) => ['comment.submitted', s.id, `C-${open}-${s.seq}`, true]));
    expect(await verifyChain(db)).to.include({ ok: true });
  });

  it('refuses the comments of a shut or missing consultation, and of one that closed by the time of writing', async () => {
    const writer = new CommentWriter({ db, clock }, { thread: true });
    const [a, refused, nowhere] = await Promise.allSettled([writer.write(comment(open, 'window ok'), 1), writer.write(comment(shut, 'window shut'), 1), writer.write(comment(987654, 'window nowhere'), 1)]);
    expect(a!.status).to.equal('fulfilled');
    expect((refused as PromiseRejectedResult).reason).to.be.instanceOf(Conflict);
    expect((refused as PromiseRejectedResult).reason.message).to.match(/closed/i);
    expect((nowhere as PromiseRejectedResult).reason).to.be.instanceOf(NotFound);
    // The window is judged at the writer's clock, in the thread's transaction.
    const { closes_at } = await db('consultations').where({ id: open }).first('closes_at');
    const late = new FakeClock(new Date(Date.parse(closes_at) + 1000).toISOString());
    const after = new CommentWriter({ db, clock: late }, { thread: true });
    const err = await after.write(comment(open, 'window late'), 1).then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(Conflict);
    expect(await count(db, 'window %')).to.equal(1);
    expect(await verifyChain(db)).to.include({ ok: true });
  });

  it('waits for a write lock held by another connection, then writes', async () => {
    const writer = new CommentWriter({ db, clock }, { thread: true });
    const other = new Database(file);
    try {
      other.exec('BEGIN IMMEDIATE');
      const pending = writer.write(comment(open, 'after the lock'), 1);
      let done = false;
      void pending.then(() => (done = true), () => (done = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(done, 'written while the lock was held').to.equal(false);
      other.exec('ROLLBACK');
      const saved = await pending;
      expect(saved.comment).to.equal('after the lock');
      expect(await count(db, 'after the lock')).to.equal(1);
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
    }
    expect(await verifyChain(db)).to.include({ ok: true });
  });

  it('answers 503 when the lock outlasts the wait, writes nothing, and writes again once it is free', async () => {
    const short = createDb(`sqlite:${file}`, { auditKey: TEST_AUDIT_KEY, busyWaitMs: 200 });
    const other = new Database(file);
    try {
      const writer = new CommentWriter({ db: short, clock }, { thread: true });
      other.exec('BEGIN IMMEDIATE');
      const errs = await Promise.all([writer.write(comment(open, 'busy 1'), 1), writer.write(comment(open, 'busy 2'), 1)].map((p) => p.then(() => null, (e: unknown) => e)));
      for (const e of errs) expect(e).to.be.instanceOf(ServiceUnavailable);
      other.exec('ROLLBACK');
      expect(await count(db, 'busy %')).to.equal(0);
      expect((await writer.write(comment(open, 'busy 3'), 1)).comment).to.equal('busy 3');
      expect(await count(db, 'busy %')).to.equal(1);
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
      await short.destroy();
    }
  });

  it('at shutdown: destroying the handle writes everything queued first, then ends the thread', async () => {
    const own = createDb(`sqlite:${file}`, { auditKey: TEST_AUDIT_KEY, commitThread: true });
    const writer = new CommentWriter({ db: own, clock });
    const writes = Array.from({ length: 25 }, (_, i) => writer.write(comment(open, `shutdown ${i}`), 1));
    const outcomes: string[] = [];
    writes.forEach((p) => p.then(() => outcomes.push('saved'), () => outcomes.push('failed')));
    await own.destroy();
    await Promise.resolve();
    expect(outcomes).to.deep.equal(Array(25).fill('saved'));
    expect(await count(db, 'shutdown %')).to.equal(25);
    // The thread is gone with the handle: nothing more is taken.
    const late = await writer.write(comment(open, 'shutdown late'), 1).then(() => null, (e: unknown) => e);
    expect(late).to.be.instanceOf(Error);
    expect(await count(db, 'shutdown late')).to.equal(0);
    expect(await verifyChain(db)).to.include({ ok: true });
  });
});
