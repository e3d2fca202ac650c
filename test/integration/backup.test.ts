import { expect } from 'chai';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { blankDatabaseUrl, testApp, testDatabaseUrlOf, tmpDir } from '../helpers/app.ts';
import { boardOf, openBallot, secretariat, vote } from '../helpers/ballots.ts';
import { bearerFor } from '../helpers/auth.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';
import { onPostgres } from '../helpers/postgres.ts';
import { createDb, type Db } from '../../server/db.ts';
import { verifyChain } from '../../server/audit/service.ts';

// npm run db:backup while comments are being written, then npm run db:restore into another database:
// the copy is one consistent moment of the original (SQLite's online backup; pg_dump's snapshot).
type App = Awaited<ReturnType<typeof testApp>>;
const run = promisify(execFile);
const cli = (script: string, args: string[], env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', `server/cli/${script}`, ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env } });

describe(`backup and restore (${onPostgres() ? 'PostgreSQL: pg_dump, pg_restore' : 'SQLite: online backup, checked copy'})`, () => {
  let t: App;
  let copy: Db | null = null;
  before(async () => {
    t = await testApp();
  });
  after(async () => {
    await copy?.destroy();
    await t.close();
  });

  it('a backup taken while writes go on restores to a consistent copy: counts, ballot result and keyed audit chain intact', async () => {
    const sec = await secretariat(t);
    const m = await boardOf(t, ['A', 'B', 'C']);
    const b = await openBallot(t, sec);
    await vote(t, m.A!, b.id, 'approve');
    await vote(t, m.B!, b.id, 'approve');
    await vote(t, m.C!, b.id, 'disapprove');
    await request(t.app).post(`/api/v1/ballots/${b.id}/close`).set(...sec.auth).expect(200);
    const result = (await t.db('ballots').where({ id: b.id }).first('result', 'final_tally')) as { result: string; final_tally: string };
    expect(result.result).to.be.a('string');

    const cid = await sampleConsultationId(t.db);
    const writers = await Promise.all(Array.from({ length: 4 }, () => bearerFor(t, 'stakeholder')));
    const count = async (db: Db) => Number((await db('comments').where({ consultation_id: cid }).count({ n: '*' }).first())!.n);
    const before = await count(t.db);
    let writing = true;
    let acknowledged = 0;
    const burst = (async () => {
      for (let round = 0; writing || round < 3; round++) {
        const sent = await Promise.all(writers.map((w, i) => request(t.app).post(`/api/v1/consultations/${cid}/comments`).set(...w.auth).send({ clause: null, type: 'general', comment: `Round ${round}, writer ${i}` })));
        for (const r of sent) expect(r.status, JSON.stringify(r.body)).to.equal(201);
        acknowledged += sent.length;
      }
    })();
    const url = testDatabaseUrlOf(t.db);
    const file = path.join(tmpDir, `backup-${process.pid}-${Date.now()}.${onPostgres() ? 'pgdump' : 'sqlite3'}`);
    const out = await cli('backup.ts', [file], { DATABASE_URL: url });
    expect(out.stdout).to.contain(`backed up the database to ${file}`);
    writing = false;
    await burst;
    const after = await count(t.db);
    expect(after).to.equal(before + acknowledged);

    const target = await blankDatabaseUrl();
    const restored = await cli('restore.ts', [file], { DATABASE_URL: target });
    expect(restored.stdout).to.match(/^restored /);
    copy = createDb(target, { auditKey: t.config.auditKey });

    // One moment of the original: comments between the counts before and after, each with its audit
    // event, receipt numbers without a gap, every row as it is in the original.
    const n = await count(copy);
    expect(n).to.be.within(before, after);
    const events = Number((await copy('audit_events').where({ action: 'comment.submitted' }).count({ n: '*' }).first())!.n);
    const eventsBefore = Number((await t.db('audit_events').where({ action: 'comment.submitted' }).count({ n: '*' }).first())!.n) - acknowledged;
    expect(events - eventsBefore).to.equal(n - before);
    const seqs = (await copy('comments').where({ consultation_id: cid }).orderBy('seq').pluck('seq')) as number[];
    expect(seqs).to.deep.equal(Array.from({ length: n }, (_, i) => i + 1));
    const copied = await copy('comments').orderBy('id');
    expect(copied).to.deep.equal(await t.db('comments').orderBy('id').limit(copied.length));
    for (const table of ['users', 'versions', 'votes', 'vote_events', 'standards']) {
      expect(await copy(table).orderBy('id').select('*'), table).to.deep.equal(await t.db(table).orderBy('id').select('*'));
    }
    expect(await copy('ballots').where({ id: b.id }).first('result', 'final_tally')).to.deep.equal(result);

    // The chain verifies with the key, in the service and through npm run audit:verify on the copy.
    expect(await verifyChain(copy)).to.include({ ok: true });
    const verified = await cli('audit-verify.ts', [], { NODE_ENV: 'test', DATABASE_URL: target, AUDIT_KEY: t.config.auditKey! });
    expect(verified.stdout).to.match(/^audit chain intact: \d+ events/);
  });

  it('db:restore refuses a target that holds data unless --replace, and then replaces it', async () => {
    const url = testDatabaseUrlOf(t.db);
    const file = path.join(tmpDir, `backup-${process.pid}-${Date.now()}-2.${onPostgres() ? 'pgdump' : 'sqlite3'}`);
    await cli('backup.ts', [file], { DATABASE_URL: url });
    const target = testDatabaseUrlOf(copy!);
    await copy!('comments').delete();
    await copy!.destroy();
    copy = null;
    const refused = await cli('restore.ts', [file], { DATABASE_URL: target }).then(() => null, (e: { code: number; stderr: string }) => e);
    expect(refused?.code).to.equal(1);
    expect(refused?.stderr).to.match(onPostgres() ? /already has tables: restore into an empty database, or run again with --replace/ : /exists: stop the server and run again with --replace/);
    const replaced = await cli('restore.ts', [file, '--replace'], { DATABASE_URL: target });
    expect(replaced.stdout).to.match(/^restored /);
    copy = createDb(target, { auditKey: t.config.auditKey });
    expect(await copy('comments').count({ n: '*' }).first()).to.deep.equal(await t.db('comments').count({ n: '*' }).first());
    expect(await verifyChain(copy)).to.include({ ok: true });
    const usage = await cli('restore.ts', [], { DATABASE_URL: target }).then(() => null, (e: { code: number }) => e);
    expect(usage?.code).to.equal(2);
  });
});
