/**
 * Personal data (issue "Hardening", item 11): what a download and a closing cost for a heavy account —
 * one with 5,000 comments among 50,000 and 200 vote events — and the longest event-loop delay while
 * the account is closed (the driver is synchronous: a long erase would stall every other request).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createDb } from '../../server/db.ts';
import { FakeClock } from '../../server/clock.ts';
import { loadConfig } from '../../server/config.ts';
import { loadStandards } from '../../server/standards/loader.ts';
import { hashPassword } from '../../server/accounts/passwords.ts';
import { insertUser } from '../../server/accounts/repo.ts';
import { viewerOf } from '../../server/accounts/repo.ts';
import { closeAccount, exportData } from '../../server/privacy/service.ts';

const NOW = '2026-11-23T12:00:00.000Z';
const MINE = 5_000;
const OTHERS = 45_000;
const VOTE_EVENTS = 200;
const PASSWORD = 'bench password that is long enough';

export async function run(): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imas-privacy-bench-'));
  const db = createDb(`sqlite:${path.join(dir, 'bench.sqlite3')}`);
  try {
    await db.migrate.latest();
    const clock = new FakeClock(NOW);
    await loadStandards(db, clock, 'standards');
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
    const password_hash = await hashPassword(PASSWORD, config.argon2);
    const base = { role: 'board' as const, password_hash, email_verified_at: NOW, disabled_at: null, created_at: NOW };
    const heavy = await insertUser(db, { ...base, email: 'heavy@example.org', name: 'Heavy Commenter', organisation: 'Member State H' });
    const other = await insertUser(db, { ...base, email: 'other@example.org', name: 'Other Commenter', organisation: 'Member State O' });
    const version = await db('versions').where({ state: 'draft' }).first('id');
    const [cid] = (await db('consultations').insert({ version_id: version.id, opens_at: '2026-10-01T00:00:00.000Z', closes_at: '2027-06-30T23:59:59.000Z', created_by: heavy.id }).returning('id')).map((r: { id: number } | number) => (typeof r === 'object' ? r.id : r));
    const rows = Array.from({ length: MINE + OTHERS }, (_, i) => {
      const mine = i % 10 === 0;
      const u = mine ? heavy : other;
      return { consultation_id: cid, seq: i + 1, author_id: u.id, author_name: u.name, organisation: u.organisation, clause_ref: '7.4', type: 'technical', comment: `Comment ${i} on the buffer zone.`, submitted_at: NOW };
    });
    for (let i = 0; i < rows.length; i += 500) await db('comments').insert(rows.slice(i, i + 500));
    const [bid] = (await db('ballots').insert({ version_id: version.id, opens_at: NOW, closes_at: '2026-12-01T12:00:00.000Z', rule: 'iso', quorum: 0.5, electorate: JSON.stringify([heavy.organisation_id]), created_by: heavy.id, created_at: NOW }).returning('id')).map((r: { id: number } | number) => (typeof r === 'object' ? r.id : r));
    await db('votes').insert({ ballot_id: bid, organisation_id: heavy.organisation_id, cast_by: heavy.id, version_id: version.id, position: 'approve', reason: null, cast_at: NOW });
    const events = Array.from({ length: VOTE_EVENTS }, (_, i) => ({ ballot_id: bid, organisation_id: heavy.organisation_id, cast_by: heavy.id, version_id: version.id, position: i % 2 ? 'approve' : 'abstain', reason: null, at: NOW }));
    await db('vote_events').insert(events);

    const ctx = { db, clock, config, mailer: { send: async () => {}, close: () => {} } };
    const viewer = viewerOf(heavy);
    let t0 = performance.now();
    const data = await exportData(ctx, viewer, heavy.id);
    const exportMs = performance.now() - t0;
    const bytes = Buffer.byteLength(JSON.stringify(data));

    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    t0 = performance.now();
    await closeAccount(ctx, viewer, heavy.id, { password: PASSWORD });
    const closeMs = performance.now() - t0;
    // Let the monitor see the loop after the close too.
    await new Promise((r) => setTimeout(r, 20));
    loop.disable();
    const left = await db('comments').where({ author_name: 'Heavy Commenter' }).count({ n: '*' }).first();
    return [
      `privacy: download of an account with ${data.comments.length} comments and ${data.vote_events.length} vote events (of ${rows.length} comments): ${exportMs.toFixed(0)} ms, ${(bytes / 1e6).toFixed(1)} MB  (target ≤ 1000 ms)`,
      `privacy: closing it (erase and rename ${MINE} comments, tokens, sessions, audit event): ${closeMs.toFixed(0)} ms  (target ≤ 1000 ms); longest event-loop delay meanwhile ${(loop.max / 1e6).toFixed(0)} ms  (target ≤ 250 ms); rows still naming them: ${Number((left as { n: number }).n)}  (target 0)`,
    ];
  } finally {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
