/**
 * Two-factor sign-in (issue "Hardening", item 10): what the rule "the secretariat must have it" costs.
 * Every API call of a secretariat account looks up whether it is enrolled (other roles skip it), so
 * GET /api/v1/me with an enrolled secretariat's token is measured beside the same call with a Board
 * member's token, from 20 keep-alive clients, in alternating runs of 1.5 s (4 each), in the production configuration.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../../server/db.ts';
import { systemClock } from '../../server/clock.ts';
import { hashPassword } from '../../server/accounts/passwords.ts';
import { createApiToken } from '../../server/accounts/tokens.ts';
import { insertUser } from '../../server/accounts/repo.ts';
import { encryptSecret, newTotpSecret, secretKey } from '../../server/twofactor/totp.ts';
import { load, type LoadResult } from '../lib/load.ts';

const here = import.meta.dirname;
// The SESSION_SECRET of bench/serve-app.ts: the secret is encrypted with a key derived from it.
const SESSION_SECRET = 'x'.repeat(40);

function start(url: string): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(here, '..', 'serve-app.ts'), [url], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m: { port: number }) => resolve({ child, port: m.port }));
    child.once('exit', (code) => reject(new Error(`serve-app exited with ${code}`)));
  });
}

export async function run(): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imas-bench-2fa-'));
  const url = `sqlite:${path.join(dir, 'bench.sqlite3')}`;
  const db = createDb(url);
  await db.migrate.latest();
  const now = new Date().toISOString();
  const password_hash = await hashPassword('bench password that is long enough');
  const make = (role: 'secretariat' | 'board') => insertUser(db, { email: `${role}@bench.example`, name: role, organisation: 'Bench', role, password_hash, email_verified_at: now, disabled_at: null, created_at: now });
  const sec = await make('secretariat');
  const board = await make('board');
  await db('totp_secrets').insert({ user_id: sec.id, secret_encrypted: encryptSecret(await newTotpSecret(), secretKey(SESSION_SECRET), sec.id), created_at: now, confirmed_at: now, last_step: null });
  const ctx = { db, clock: systemClock };
  const tokens = { secretariat: (await createApiToken(ctx, sec, 'bench')).token, board: (await createApiToken(ctx, board, 'bench')).token };
  await db.destroy();

  const server = await start(url);
  try {
    const measure = (token: string, seconds: number) => load({ port: server.port, path: '/api/v1/me', headers: { Authorization: `Bearer ${token}` }, connections: 20, seconds });
    await measure(tokens.board, 1); // warm up
    await measure(tokens.secretariat, 1);
    // Alternating short runs, in turn first: a shared, noisy machine drifts less between the two.
    const runs: Record<'board' | 'secretariat', LoadResult[]> = { board: [], secretariat: [] };
    for (let round = 0; round < 4; round++) {
      const order = round % 2 ? (['secretariat', 'board'] as const) : (['board', 'secretariat'] as const);
      for (const who of order) runs[who].push(await measure(tokens[who], 1.5));
    }
    const combine = (rs: LoadResult[]): LoadResult => {
      const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
      const statuses: Record<number, number> = {};
      for (const r of rs) for (const [k, v] of Object.entries(r.statuses)) statuses[Number(k)] = (statuses[Number(k)] ?? 0) + v;
      return {
        requests: rs.reduce((a, r) => a + r.requests, 0), perSecond: rs.reduce((a, r) => a + r.perSecond, 0) / rs.length,
        p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)), statuses, errors: rs.reduce((a, r) => a + r.errors, 0),
      };
    };
    const b = combine(runs.board);
    const s = combine(runs.secretariat);
    const bad = (r: LoadResult) => r.errors + r.requests - (r.statuses[200] ?? 0);
    const ratio = s.perSecond / b.perSecond;
    return [
      'two-factor: GET /api/v1/me, 20 clients, 4 × 1.5 s each (the enrolment check runs on secretariat calls only)',
      `  board member (no check)        ${b.perSecond.toFixed(0).padStart(6)} req/s   p50 ${b.p50.toFixed(2)} ms   p99 ${b.p99.toFixed(2)} ms   not 200: ${bad(b)}`,
      `  enrolled secretariat (check)   ${s.perSecond.toFixed(0).padStart(6)} req/s   p50 ${s.p50.toFixed(2)} ms   p99 ${s.p99.toFixed(2)} ms   not 200: ${bad(s)}`,
      `  secretariat / board throughput ${(ratio * 100).toFixed(0)} %   (target ≥ 85 %: one indexed lookup per call)`,
    ];
  } finally {
    server.child.kill('SIGINT');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
