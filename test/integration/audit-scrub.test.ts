import { expect } from 'chai';
import { testDb, TEST_NOW } from '../helpers/app.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';
import { appendAudit, appendAuditEvents, beginKeying, verifyChain, type AuditInput } from '../../server/audit/service.ts';
import { TEST_AUDIT_KEY } from '../../server/config.ts';
import { FakeClock } from '../../server/clock.ts';
import { CommentWriter, submittedEvent } from '../../server/consultations/writer.ts';
import type { NewComment } from '../../server/consultations/repo.ts';
import type { Db } from '../../server/db.ts';
import { onPostgres } from '../helpers/postgres.ts';

// Everything the scrubber keeps out, at the top and nested, beside what it keeps.
const SECRETS = {
  password: 'pw-1', new_password: 'pw-2', token: 'tok-3', api_token: 'tok-4', secret: 'sec-5', totp_secret: 'sec-6',
  cookie: 'ck-7', authorization: 'Bearer au-8', password_hash: 'h-9',
  nested: { session_cookie: 'ck-10', passphrase: 'pw-11', kept: 1 },
};
const LEAKS = /pw-|tok-|sec-|ck-|au-|h-9/;
const withSecrets = (e: AuditInput): AuditInput => ({ ...e, data: { ...e.data, ...SECRETS } });

/**
 * Every path that writes audit rows — one event, several in a transaction, and the comment queue's
 * batches on SQLite's prepared statements and through Knex — goes through server/audit/, which scrubs
 * the data and chains (and keys) the rows: a secret in event data never reaches the record.
 */
describe('audit: every writer scrubs secrets and keeps one keyed chain', () => {
  let db: Db;
  const clock = new FakeClock(TEST_NOW);
  let cid: number;
  const comment = (text: string): NewComment => ({
    consultation_id: cid, author_id: null, author_name: 'A. Tester', organisation: 'Test Org', entered_by: null, clause_key: null, clause_ref: null,
    paragraph: null, line_number: null, type: 'general', comment: text, proposed_change: null, submitted_at: '',
  });

  before(async () => {
    db = await testDb({ auditKey: TEST_AUDIT_KEY });
    await beginKeying(db, clock);
    cid = await sampleConsultationId(db);
  });
  after(() => db.destroy());

  async function rowsOf(action: string) {
    const rows = (await db('audit_events').where({ action }).orderBy('id')) as Array<{ data: string; keyed: number | boolean }>;
    expect(rows, action).to.not.be.empty;
    return rows;
  }
  function expectScrubbed(rows: Array<{ data: string; keyed: number | boolean }>, rest: Record<string, unknown> = {}) {
    for (const r of rows) {
      expect(r.data).to.not.match(LEAKS);
      expect(JSON.parse(r.data)).to.deep.equal({ ...rest, nested: { kept: 1 } });
      expect(Boolean(r.keyed)).to.equal(true);
    }
  }

  it('appendAudit (one event, on its own or in a transaction)', async () => {
    await appendAudit(db, clock, { actor_id: 1, action: 'test.single', data: SECRETS });
    await db.transaction((trx) => appendAudit(trx, clock, { actor_id: 1, action: 'test.single', data: SECRETS }));
    expectScrubbed(await rowsOf('test.single'));
  });

  it('appendAuditEvents (several events in the caller’s transaction)', async () => {
    await db.transaction((trx) => appendAuditEvents(trx, clock, [1, 2, 3].map((i) => ({ actor_id: i, action: 'test.batch', subject_id: i, data: { ...SECRETS, i } }))));
    const rows = await rowsOf('test.batch');
    expect(rows).to.have.length(3);
    rows.forEach((r, k) => expectScrubbed([r], { i: k + 1 }));
  });

  for (const sqlite of [true, false]) {
    it(`the comment queue, ${sqlite ? 'on SQLite’s prepared statements (group commit)' : 'through Knex transactions'}`, async function () {
      // The prepared-statement path is better-sqlite3's own API: on PostgreSQL the queue always uses Knex.
      if (sqlite && onPostgres()) this.skip();
      const action = `comment.submitted.${sqlite ? 'sqlite' : 'knex'}`;
      const writer = new CommentWriter({ db, clock }, { sqlite, eventOf: (actor, c) => withSecrets({ ...submittedEvent(actor, c), action }) });
      const saved = await Promise.all([1, 2, 3, 4].map((i) => writer.write(comment(`comment ${i}`), 1)));
      const rows = await rowsOf(action);
      expect(rows).to.have.length(4);
      for (const r of rows) {
        const data = JSON.parse(r.data) as Record<string, unknown>;
        expect(r.data).to.not.match(LEAKS);
        expect(data).to.include({ consultation_id: cid, organisation: 'Test Org', type: 'general' });
        expect(data.nested).to.deep.equal({ kept: 1 });
        for (const k of Object.keys(SECRETS)) if (k !== 'nested') expect(data).to.not.have.property(k);
        expect(Boolean(r.keyed)).to.equal(true);
      }
      expect(saved.map((s) => s.comment)).to.deep.equal(['comment 1', 'comment 2', 'comment 3', 'comment 4']);
    });
  }

  it('leaves one chain that verifies with the key', async () => {
    expect(await verifyChain(db)).to.include({ ok: true });
  });
});
