import path from 'node:path';
import { createDb } from '../server/db.ts';
import { systemClock } from '../server/clock.ts';
import { loadStandards } from '../server/standards/loader.ts';
import { databaseUrl, startPostgres } from '../test/helpers/postgres.ts';
import { openConsultationOnSampleDraft } from './lib/consultation.ts';

const server = await startPostgres();
try {
  const admin = createDb(server.url);
  await admin.raw('create database ex');
  await admin.destroy();
  const db = createDb(databaseUrl(server.url, 'ex'), { auditKey: 'k'.repeat(40) });
  await db.migrate.latest();
  await loadStandards(db, systemClock, path.join(import.meta.dirname, '..', 'standards'));
  const cid = (await openConsultationOnSampleDraft(db)).id;
  await db.raw(`insert into comments (consultation_id, seq, author_name, organisation, type, comment, submitted_at) select ?, g, 'B', 'B NGO', 'general', 'Earlier comment ' || g, now() from generate_series(1, 20000) g`, [cid]);
  await db.raw("insert into audit_events (at, action, data, prev_hash, hash, keyed) select now()::text, 'x', '{}', md5(g::text), md5(g::text) || g, false from generate_series(1, 20000) g");
  await db.raw('analyze');
  const tail = (await db.raw('select hash from audit_events order by id desc limit 1')).rows[0].hash;
  const w = (await db.raw('select row(opens_at, closes_at, cancelled_at)::text as w from consultations where id = ?', [cid])).rows[0].w;
  const conn = await (db.client as { acquireConnection(): Promise<import('pg').ClientBase> }).acquireConnection();
  await conn.query(`prepare g(text, int[], int[], text[]) as select (select hash from audit_events order by id desc limit 1) = $1::text
             and not exists (
               select 1 from unnest($2::int[], $3::int[], $4::text[]) as g(id, seq, w)
               left join consultations k on k.id = g.id
               where k.id is null
                  or row(k.opens_at, k.closes_at, k.cancelled_at)::text <> g.w
                  or coalesce((select max(seq) from comments where consultation_id = g.id), 0) <> g.seq
             ) as ok`);
  for (let i = 0; i < 7; i++) {
    const r = await conn.query(`explain (analyze, buffers) execute g('${tail}', array[${cid}], array[20000], array['${w}'])`);
    if (i === 0 || i === 6) console.log(r.rows.map((x: { 'QUERY PLAN': string }) => x['QUERY PLAN']).join('\n'));
  }
  await (db.client as { releaseConnection(c: unknown): Promise<unknown> }).releaseConnection(conn);
  await db.destroy();
} finally {
  await server.stop();
}
