import { expect } from 'chai';
import { FakeClock } from '../../server/clock.ts';
import { appendAudit, GENESIS, verifyChain } from '../../server/audit/service.ts';
import { emptyDb } from '../helpers/app.ts';
import type { Db } from '../../server/db.ts';

describe('audit chain', () => {
  let db: Db;
  const clock = new FakeClock('2026-11-23T12:00:00Z');
  beforeEach(async () => {
    db = await emptyDb();
    for (let i = 1; i <= 5; i++) {
      clock.advance(1000);
      await appendAudit(db, clock, { actor_id: i, action: 'test.event', subject_type: 'user', subject_id: i, data: { n: i } });
    }
  });
  afterEach(() => db.destroy());

  it('links each row to the one before and verifies', async () => {
    const rows = await db('audit_events').orderBy('id');
    expect(rows[0].prev_hash).to.equal(GENESIS);
    for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).to.equal(rows[i - 1].hash);
    expect(await verifyChain(db)).to.deep.equal({ ok: true, count: 5 });
  });

  it('names the first changed row', async () => {
    await db('audit_events').where({ id: 3 }).update({ data: JSON.stringify({ n: 99 }) });
    const r = await verifyChain(db);
    expect(r.ok).to.equal(false);
    expect(r.firstBad!.id).to.equal(3);
    expect(r.firstBad!.reason).to.match(/changed/);
  });

  it('detects a removed row, and a row rewritten with a fresh hash', async () => {
    await db('audit_events').where({ id: 2 }).delete();
    expect((await verifyChain(db)).firstBad!.id).to.equal(3);
  });

  it('detects a row whose hash was recomputed by the forger (the next link breaks)', async () => {
    const { hashOf } = await import('../../server/audit/service.ts');
    const row = await db('audit_events').where({ id: 4 }).first();
    const forged = { ...row, action: 'test.forged' };
    await db('audit_events').where({ id: 4 }).update({ action: forged.action, hash: hashOf(forged) });
    expect((await verifyChain(db)).firstBad!.id).to.equal(5);
  });

  it('never stores passwords, tokens or cookies', async () => {
    await appendAudit(db, clock, { actor_id: 1, action: 'x', data: { password: 'p', token: 't', nested: { cookie: 'c', ok: 1 }, email: 'a@b.org' } });
    const row = await db('audit_events').orderBy('id', 'desc').first();
    expect(JSON.parse(row.data)).to.deep.equal({ nested: { ok: 1 }, email: 'a@b.org' });
  });

  it('appends inside a caller transaction, and concurrent appends keep one chain', async () => {
    await db.transaction((trx) => appendAudit(trx, clock, { actor_id: null, action: 'in.trx' }));
    await Promise.all(Array.from({ length: 10 }, (_, i) => appendAudit(db, clock, { actor_id: i, action: 'concurrent' })));
    expect(await verifyChain(db)).to.deep.equal({ ok: true, count: 16 });
  });
});
