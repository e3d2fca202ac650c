/**
 * What the fault benches (bench/faults/kill.ts, pgdown.ts) share: a database made ready for a real
 * server process (migrated, standards loaded, a consultation open now, a stakeholder with a token),
 * and the check afterwards that every acknowledged comment is stored.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createDb } from '../../server/db.ts';
import { systemClock } from '../../server/clock.ts';
import { TEST_AUDIT_KEY } from '../../server/config.ts';
import { loadStandards } from '../../server/standards/loader.ts';
import { hashPassword } from '../../server/accounts/passwords.ts';
import { insertUser } from '../../server/accounts/repo.ts';
import { createApiToken } from '../../server/accounts/tokens.ts';
import { verifyChain } from '../../server/audit/service.ts';
import { openSampleConsultation } from '../../test/helpers/server-process.ts';

export interface Prepared {
  cid: number;
  token: string;
}

/** Migrates and loads `url`, opens the sample consultation now, and makes a stakeholder's API token. */
export async function prepare(url: string): Promise<Prepared> {
  const db = createDb(url, { auditKey: TEST_AUDIT_KEY });
  try {
    await db.migrate.latest();
    const report = await loadStandards(db, systemClock, path.join(import.meta.dirname, '..', '..', 'standards'));
    if (report.errors.length) throw new Error(report.errors.join('\n'));
    const cid = await openSampleConsultation(db);
    const now = new Date().toISOString();
    const user = await insertUser(db, { email: 'faults@example.org', name: 'Fault Bench', organisation: 'Bench NGO', role: 'stakeholder', password_hash: await hashPassword('fault bench password, long enough', { memoryCost: 1024, timeCost: 2 }), email_verified_at: now, disabled_at: null, created_at: now });
    const { token } = await createApiToken({ db, clock: systemClock }, user, 'faults');
    return { cid, token };
  } finally {
    await db.destroy();
  }
}

export const tempSqlite = (name: string): { url: string; file: string; remove(): void } => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `imas-bench-${name}-`));
  const file = path.join(dir, 'bench.sqlite3');
  return { url: `sqlite:${file}`, file, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
};

export interface StoredCheck {
  /** SQLite's integrity_check (PostgreSQL: not applicable) */
  integrity: string;
  /** the audit chain verifies with the key */
  chain: boolean;
  /** how many of the acknowledged receipts are stored */
  present: number;
  rows: number;
  duplicates: number;
}

/** Opened afresh, as a restarted server would: is every acknowledged receipt there, once? */
export async function checkStored(url: string, cid: number, acknowledged: Iterable<string>): Promise<StoredCheck> {
  let integrity = 'n/a';
  if (url.startsWith('sqlite:')) {
    const conn = new Database(url.slice('sqlite:'.length));
    try {
      integrity = String(conn.pragma('integrity_check', { simple: true }));
    } finally {
      conn.close();
    }
  }
  const db = createDb(url, { auditKey: TEST_AUDIT_KEY });
  try {
    const seqs = ((await db('comments').where({ consultation_id: cid }).select('seq')) as Array<{ seq: number }>).map((r) => Number(r.seq));
    const stored = new Set(seqs.map((s) => `C-${cid}-${s}`));
    let present = 0;
    for (const r of acknowledged) if (stored.has(r)) present++;
    const chain = (await verifyChain(db)).ok;
    return { integrity, chain, present, rows: seqs.length, duplicates: seqs.length - stored.size };
  } finally {
    await db.destroy();
  }
}
