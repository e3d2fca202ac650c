import { expect } from 'chai';
import { testDb, TEST_NOW } from '../helpers/app.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';
import { beginKeying, verifyChain } from '../../server/audit/service.ts';
import { TEST_AUDIT_KEY } from '../../server/config.ts';
import { FakeClock } from '../../server/clock.ts';
import { CommentWriter } from '../../server/consultations/writer.ts';
import type { NewComment } from '../../server/consultations/repo.ts';
import { Conflict, NotFound } from '../../server/errors.ts';
import type { Db } from '../../server/db.ts';
import { onPostgres } from '../helpers/postgres.ts';

/**
 * The comment queue's batches (consultations/writer.ts) on each of its paths — SQLite's prepared
 * statements (batch.ts), PostgreSQL's two round trips of prepared statements (repo-pg.ts) and Knex transactions: comments
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
    { name: 'PostgreSQL, two round trips of prepared statements', opts: {}, postgres: true },
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
});
