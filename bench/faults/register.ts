/**
 * Registration timing (issue "Hardening", item 3): POST /api/v1/register with an address that has an
 * account and with new ones, one request at a time, alternating, against the app in a child process
 * (production settings: real argon2id costs). Prints both medians and their ratio: 1.00 means the time
 * does not tell which addresses have accounts (before the fix: 3 ms against 125 ms).
 *
 *   node --import tsx bench/faults/register.ts
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../../server/db.ts';
import { hashPassword } from '../../server/accounts/passwords.ts';
import { insertUser } from '../../server/accounts/repo.ts';

const ROUNDS = 30;
// The register endpoint allows 60 requests a minute per address: spread the calls over loopback addresses.
const PER_ADDRESS = 20;
const EXISTING = 'has.an.account@example.org';

function start(serve: string, url: string): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(serve, [url], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m: { port: number }) => resolve({ child, port: m.port }));
    child.once('exit', (code) => reject(new Error(`serve-app exited with ${code}`)));
  });
}

function register(port: number, localAddress: string, email: string): Promise<{ ms: number; status: number; body: string }> {
  const body = JSON.stringify({ name: 'Bench Person', email, organisation: 'Bench NGO', password: 'a bench passphrase long enough' });
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.request({ host: '127.0.0.1', port, localAddress, method: 'POST', path: '/api/v1/register', agent: false, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, status: res.statusCode!, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export async function run(): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imas-bench-register-'));
  const url = `sqlite:${path.join(dir, 'bench.sqlite3')}`;
  const db = createDb(url);
  await db.migrate.latest();
  await insertUser(db, { email: EXISTING, name: 'Has An Account', organisation: 'Bench NGO', role: 'stakeholder', password_hash: await hashPassword('the owner passphrase'), email_verified_at: new Date().toISOString(), disabled_at: null, created_at: new Date().toISOString() });
  await db.destroy();
  const server = await start(path.join(import.meta.dirname, '..', 'serve-app.ts'), url);
  try {
    const times = { existing: [] as number[], fresh: [] as number[] };
    const answers = new Set<string>();
    let n = 0;
    const from = () => `127.0.0.${2 + Math.floor(n++ / PER_ADDRESS)}`;
    // One of each to warm up (argon2's first hash, template and statement caches), not counted.
    await register(server.port, from(), EXISTING);
    await register(server.port, from(), 'warm.up@example.org');
    for (let i = 0; i < ROUNDS; i++) {
      // Alternating, so that a slow moment of this shared machine falls on both paths alike.
      const order = i % 2 ? (['existing', 'fresh'] as const) : (['fresh', 'existing'] as const);
      for (const which of order) {
        const r = await register(server.port, from(), which === 'existing' ? EXISTING : `new.${i}.${process.pid}@example.org`);
        if (r.status !== 202) throw new Error(`register answered ${r.status}: ${r.body}`);
        answers.add(`${r.status} ${r.body}`);
        times[which].push(r.ms);
      }
    }
    const e = median(times.existing);
    const f = median(times.fresh);
    return [
      `register: median of ${ROUNDS} POST /api/v1/register each — existing address ${e.toFixed(1)} ms, new address ${f.toFixed(1)} ms, ratio ${(e / f).toFixed(2)} (target ≈ 1.00; before the fix 3 ms against 125 ms, 0.02)`,
      `register: distinct answers over both paths: ${answers.size} (target 1)`,
    ];
  } finally {
    server.child.kill('SIGINT');
    setTimeout(() => fs.rmSync(dir, { recursive: true, force: true }), 500).unref();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const l of await run()) console.log(l);
}
