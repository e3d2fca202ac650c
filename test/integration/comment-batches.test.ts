import { expect } from 'chai';
import { testDb, TEST_NOW } from '../helpers/app.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';
import { appendAudit, beginKeying, verifyChain } from '../../server/audit/service.ts';
import { TEST_AUDIT_KEY } from '../../server/config.ts';
import { FakeClock } from '../../server/clock.ts';
import { CommentWriter } from '../../server/consultations/writer.ts';
import type { NewComment } from '../../server/consultations/repo.ts';
import { Conflict, NotFound } from '../../server/errors.ts';
import type { Db } from '../../server/db.ts';
import { onPostgres } from '../helpers/postgres.ts';

/**
 * The comment queue's batches (consultations/writer.ts) on each of its paths — SQLite's prepared
 * statements (batch.ts), PostgreSQL's one or two round trips of prepared statements (repo-pg.ts) and Knex transactions: comments
 * written together share one commit,
 * but each is judged on its own. A comment whose consultation has shut (or is gone) by the time it is
 * written gets its own error; the others are stored with consecutive receipt numbers, each with its
 * audit event, and the chain verifies.
 */
describe('comment batches: one refused comment does not sink the others', () => {
  let db: Db;
  const clock = new FakeClock(TEST_NOW);
  let open: number;
  let shut: number;
  const comment = (cid: number, text: string): NewComment => ({
    consultation_id: cid, author_id: null, author_name: 'A. Tester', organisation: 'Test Org', entered_by: null, clause_key: null, clause_ref: null,
    paragraph: null, line_number: null, type: 'general', comment: text, proposed_change: null, submitted_at: '',
  });

  before(async () => {
    db = await testDb({ auditKey: TEST_AUDIT_KEY });
    await beginKeying(db, clock);
    open = await sampleConsultationId(db);
    const { version_id } = await db('consultations').where({ id: open }).first('version_id');
    // A consultation on the same draft whose window ended before the clock's now.
    const [ins] = await db('consultations').insert({ version_id, opens_at: '2026-01-01T00:00:00.000Z', closes_at: '2026-02-01T00:00:00.000Z', instructions: 'shut', created_at: '2026-01-01T00:00:00.000Z' }).returning('id');
    shut = typeof ins === 'object' ? ins.id : ins;
  });
  after(() => db.destroy());

  const paths: Array<{ name: string; opts: ConstructorParameters<typeof CommentWriter>[1]; sqlite?: boolean; postgres?: boolean }> = [
    { name: 'SQLite, prepared statements on the pool’s connection (group commit)', opts: {}, sqlite: true },
    { name: 'PostgreSQL, prepared statements in one round trip, or two', opts: {}, postgres: true },
    { name: 'Knex transactions', opts: { sqlite: false, pg: false } },
  ];
  for (const p of paths) {
    it(p.name, async function () {
      // each database's own writer path runs in that database's suite (npm test, npm run test:pg); Knex's in both
      if ((p.sqlite && onPostgres()) || (p.postgres && !onPostgres())) this.skip();
      const writer = new CommentWriter({ db, clock }, p.opts);
      const tag = p.name;
      const before = Number((await db('comments').where({ consultation_id: open }).max({ seq: 'seq' }).first())?.seq ?? 0);
      const events = Number((await db('audit_events').count({ n: '*' }).first())!.n);
      // Queued in one tick: they are written as one batch.
      const writes = [
        writer.write(comment(open, `${tag} 1`), 1),
        writer.write(comment(shut, `${tag} refused`), 1),
        writer.write(comment(open, `${tag} 2`), 1),
        writer.write(comment(987654, `${tag} nowhere`), 1),
        writer.write(comment(open, `${tag} 3`), 1),
      ];
      const settled = await Promise.allSettled(writes);
      const [a, refused, b, nowhere, c] = settled;
      expect(refused!.status).to.equal('rejected');
      expect((refused as PromiseRejectedResult).reason).to.be.instanceOf(Conflict);
      expect((refused as PromiseRejectedResult).reason.message).to.match(/closed/i);
      expect(nowhere!.status).to.equal('rejected');
      expect((nowhere as PromiseRejectedResult).reason).to.be.instanceOf(NotFound);
      const saved = [a, b, c].map((s) => (s as PromiseFulfilledResult<Awaited<ReturnType<CommentWriter['write']>>>).value);
      expect(saved.map((s) => s.comment)).to.deep.equal([`${tag} 1`, `${tag} 2`, `${tag} 3`]);
      expect(saved.map((s) => s.seq)).to.deep.equal([before + 1, before + 2, before + 3]);
      expect(saved.every((s) => s.submitted_at === TEST_NOW)).to.equal(true);
      // What the promises say is what is stored, and nothing of the refused ones.
      const rows = (await db('comments').where('comment', 'like', `${tag}%`).orderBy('id').select('id', 'seq', 'consultation_id', 'comment')) as Array<{ id: number; seq: number; consultation_id: number; comment: string }>;
      expect(rows.map((r) => ({ id: Number(r.id), seq: Number(r.seq), consultation_id: Number(r.consultation_id), comment: r.comment }))).to.deep.equal(saved.map((s) => ({ id: s.id, seq: s.seq, consultation_id: open, comment: s.comment })));
      // One audit event per stored comment, naming it by its receipt.
      const audit = (await db('audit_events').orderBy('id').offset(events).select('action', 'subject_id', 'data')) as Array<{ action: string; subject_id: string; data: string }>;
      expect(audit.map((e) => [e.action, Number(e.subject_id), JSON.parse(e.data).reference])).to.deep.equal(saved.map((s) => ['comment.submitted', s.id, `C-${open}-${s.seq}`]));
      expect(await verifyChain(db)).to.include({ ok: true });
    });
  }

  it('a busy stream of comments from many writers at once: every comment once, receipts without gaps', async () => {
    const writer = new CommentWriter({ db, clock });
    const texts = Array.from({ length: 120 }, (_, i) => `stream ${i}`);
    const saved = [];
    // In waves, so that batches are written while more arrive.
    for (let w = 0; w < 4; w++) {
      saved.push(...(await Promise.all(texts.slice(w * 30, w * 30 + 30).map((t) => writer.write(comment(open, t), 1)))));
    }
    const seqs = saved.map((s) => s.seq).sort((x, y) => x - y);
    expect(seqs.at(-1)! - seqs[0]! + 1).to.equal(texts.length);
    expect(new Set(seqs).size).to.equal(texts.length);
    expect(Number((await db('comments').where('comment', 'like', 'stream %').count({ n: '*' }).first())!.n)).to.equal(texts.length);
    expect(await verifyChain(db)).to.include({ ok: true });
  });

  /**
   * PostgreSQL (repo-pg.ts): a writer that knows what its last batch left writes the next in one round
   * trip, guarded; when someone else has written in between, the guard inserts nothing and the batch
   * goes the slow way. Either way every comment lands once, receipts follow on, the chain verifies.
   */
  describe('PostgreSQL: one round trip, and the slow way when another writer came between', function () {
    before(function () {
      // repo-pg.ts's writer only: these run in the PostgreSQL suite (npm run test:pg, in .ci/run)
      if (!onPostgres()) this.skip();
    });
    const texts = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `${tag} ${i}`);
    const writeAll = (w: CommentWriter, cid: number, ts: string[]) => Promise.all(ts.map((t) => w.write(comment(cid, t), 1)));
    const lastSeq = async () => Number((await db('comments').where({ consultation_id: open }).max({ seq: 'seq' }).first())?.seq ?? 0);

    it('the second batch on goes in one round trip, with the same receipts, ids and chain', async () => {
      const w = new CommentWriter({ db, clock });
      const before = await lastSeq();
      const saved = [...(await writeAll(w, open, texts('one-a', 3))), ...(await writeAll(w, open, texts('one-b', 4))), ...(await writeAll(w, open, texts('one-c', 2)))];
      expect(w.pgKnown.counts).to.deep.equal({ one: 2, two: 1, missed: 0 });
      expect(saved.map((s) => s.seq)).to.deep.equal(Array.from({ length: 9 }, (_, i) => before + i + 1));
      const rows = (await db('comments').whereIn('id', saved.map((s) => s.id)).orderBy('seq').select('id', 'seq', 'comment')) as Array<{ id: number; seq: number; comment: string }>;
      expect(rows.map((r) => [Number(r.id), Number(r.seq), r.comment])).to.deep.equal(saved.map((s) => [s.id, s.seq, s.comment]));
      const audit = (await db('audit_events').whereIn('subject_id', saved.map((s) => String(s.id))).where({ action: 'comment.submitted' }).orderBy('id').select('subject_id', 'data')) as Array<{ subject_id: string; data: string }>;
      expect(audit.map((e) => [Number(e.subject_id), JSON.parse(e.data).reference])).to.deep.equal(saved.map((s) => [s.id, `C-${open}-${s.seq}`]));
      expect(await verifyChain(db)).to.include({ ok: true });
    });

    it('another writer slips in between: its batch and ours both land, receipts without gaps, the chain verifies', async () => {
      const a = new CommentWriter({ db, clock });
      const b = new CommentWriter({ db, clock });
      const before = await lastSeq();
      const first = await writeAll(a, open, texts('slip-a1', 3)); // a now knows the database
      const other = await writeAll(b, open, texts('slip-b', 2)); // … and no longer
      const second = await writeAll(a, open, texts('slip-a2', 3));
      expect(a.pgKnown.counts).to.deep.equal({ one: 0, two: 2, missed: 1 });
      const seqs = [...first, ...other, ...second].map((s) => s.seq);
      expect(seqs).to.deep.equal(Array.from({ length: 8 }, (_, i) => before + i + 1));
      const stored = (await db('comments').where('comment', 'like', 'slip-%').select('seq')) as Array<{ seq: number }>;
      expect(stored.map((r) => Number(r.seq)).sort((x, y) => x - y)).to.deep.equal(seqs);
      expect(await verifyChain(db)).to.include({ ok: true });
      // Then, nobody else writing, one round trip again.
      await writeAll(a, open, texts('slip-a3', 2));
      await writeAll(a, open, texts('slip-a4', 2));
      expect(a.pgKnown.counts).to.deep.equal({ one: 2, two: 2, missed: 1 });
      expect(await lastSeq()).to.equal(before + 12);
      expect(await verifyChain(db)).to.include({ ok: true });
    });

    it('written concurrently by two writers, batch after batch: every comment once, receipts without gaps, one chain', async () => {
      const a = new CommentWriter({ db, clock });
      const b = new CommentWriter({ db, clock });
      const before = await lastSeq();
      const saved = [];
      for (let round = 0; round < 6; round++) {
        const both = await Promise.all([writeAll(a, open, texts(`race-a${round}`, 5)), writeAll(b, open, texts(`race-b${round}`, 5))]);
        saved.push(...both.flat());
      }
      const seqs = saved.map((s) => s.seq).sort((x, y) => x - y);
      expect(seqs).to.deep.equal(Array.from({ length: 60 }, (_, i) => before + i + 1));
      expect(Number((await db('comments').where('comment', 'like', 'race-%').count({ n: '*' }).first())!.n)).to.equal(60);
      expect(new Set(saved.map((s) => s.id)).size).to.equal(60);
      expect(await verifyChain(db)).to.include({ ok: true });
    });

    it('comments arriving while a batch is in the server go in the batch queued behind it; two such streams at once stay correct', async () => {
      const a = new CommentWriter({ db, clock });
      const b = new CommentWriter({ db, clock });
      // both with a connection of the pool at hand (opening one takes longer than the whole stream)
      await Promise.all([a.write(comment(open, 'stream-a first'), 1), b.write(comment(open, 'stream-b first'), 1)]);
      const before = await lastSeq();
      const writes: Array<Promise<Awaited<ReturnType<CommentWriter['write']>>>> = [];
      // a alone first, then both: a comment every millisecond or so, never waiting for an answer
      for (let i = 0; i < 150; i++) {
        writes.push(a.write(comment(open, `stream-a ${i}`), 1));
        if (i >= 100) writes.push(b.write(comment(open, `stream-b ${i}`), 1));
        await new Promise((r) => setTimeout(r, 1));
      }
      const saved = await Promise.all(writes);
      expect(a.pgKnown.counts.one).to.be.greaterThan(10);
      const seqs = saved.map((s) => s.seq).sort((x, y) => x - y);
      expect(seqs).to.deep.equal(Array.from({ length: 200 }, (_, i) => before + i + 1));
      const rows = (await db('comments').where('comment', 'like', 'stream-%').select('id', 'seq', 'comment')) as Array<{ id: number; seq: number; comment: string }>;
      expect(rows.length).to.equal(202);
      const byId = new Map(rows.map((r) => [Number(r.id), r]));
      for (const s of saved) expect([Number(byId.get(s.id)?.seq), byId.get(s.id)?.comment]).to.deep.equal([s.seq, s.comment]);
      expect(await verifyChain(db)).to.include({ ok: true });
    });

    it('a batch the database refuses fails its comments only; the one queued behind it and the next land', async () => {
      const w = new CommentWriter({ db, clock });
      await writeAll(w, open, texts('err-0', 1));
      await writeAll(w, open, texts('err-1', 1)); // one round trip from here on
      expect(w.pgKnown.counts.one).to.equal(1);
      const before = await lastSeq();
      // no such user: the foreign key refuses the insert, after the guard
      const bad = w.write({ ...comment(open, 'err-bad'), author_id: 987654 }, 1);
      await new Promise((r) => setImmediate(r));
      const queued = writeAll(w, open, texts('err-behind', 3));
      const [b] = await Promise.allSettled([bad]);
      expect(b!.status).to.equal('rejected');
      const behind = await queued;
      const after = await writeAll(w, open, texts('err-after', 2));
      expect([...behind, ...after].map((s) => s.seq)).to.deep.equal([1, 2, 3, 4, 5].map((i) => before + i));
      expect(await db('comments').where({ comment: 'err-bad' }).first()).to.equal(undefined);
      expect(await verifyChain(db)).to.include({ ok: true });
    });

    it('another audit event, a comment row without one, a window changed: each sends the batch the slow way, judged on what is stored', async () => {
      const w = new CommentWriter({ db, clock });
      await writeAll(w, open, texts('guard-0', 2));
      // the chain's tail moved (another part of the app recorded something)
      await appendAudit(db, clock, { actor_id: null, action: 'test.elsewhere' });
      await writeAll(w, open, texts('guard-1', 2));
      expect(w.pgKnown.counts.missed).to.equal(1);
      await writeAll(w, open, texts('guard-2', 2)); // it knows again
      await writeAll(w, open, texts('guard-3', 2));
      expect(w.pgKnown.counts).to.include({ one: 2, two: 2, missed: 1 });
      // a receipt number taken without the chain moving (no path of the app does so; the guard still sees it)
      const seq = (await lastSeq()) + 1;
      await db('comments').insert({ consultation_id: open, seq, author_name: 'Elsewhere', organisation: 'X', type: 'general', comment: 'guard-raw', submitted_at: TEST_NOW });
      const after = await writeAll(w, open, texts('guard-4', 2));
      expect(after.map((s) => s.seq)).to.deep.equal([seq + 1, seq + 2]);
      expect(w.pgKnown.counts.missed).to.equal(2);
      await writeAll(w, open, texts('guard-5', 1));
      const one = w.pgKnown.counts.one;
      expect(one).to.equal(3);
      // the window shut by someone else: the comment is refused, as read under the lock, not as known
      const { closes_at } = await db('consultations').where({ id: open }).first('closes_at');
      await db('consultations').where({ id: open }).update({ closes_at: '2026-03-01T00:00:00.000Z' });
      try {
        const [r] = await Promise.allSettled([w.write(comment(open, 'guard-shut'), 1)]);
        expect(r!.status).to.equal('rejected');
        expect((r as PromiseRejectedResult).reason).to.be.instanceOf(Conflict);
        expect(w.pgKnown.counts).to.include({ one, missed: 3 });
        expect(await db('comments').where({ comment: 'guard-shut' }).first()).to.equal(undefined);
      } finally {
        await db('consultations').where({ id: open }).update({ closes_at });
      }
      expect(await verifyChain(db)).to.include({ ok: true });
    });
  });
});
