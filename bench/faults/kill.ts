/**
 * Fault "the server is killed" (issue 13 item 6): the real server process (server/main.ts) takes a
 * burst of comment writes from 20 clients, and is killed with SIGKILL at a random moment of it. The
 * database is then opened afresh, as a restart would, and the next trial restarts the server on it.
 * After every trial: SQLite's integrity_check passes, the audit chain verifies, and every comment that
 * was answered 201 is stored, once. 50 trials on SQLite, 20 on PostgreSQL (an embedded server, fsync
 * on: the durability measured is the real one). FAULT_TRIALS=n runs fewer of each (for a quick look).
 *
 *   npm run bench -- faults        (or: node --import tsx bench/faults/kill.ts)
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { call, startServer } from '../../test/helpers/server-process.ts';
import { checkStored, prepare, tempSqlite, type Prepared } from '../lib/fault-db.ts';

const CLIENTS = 20;
const KILL_WINDOW_MS = [200, 1500] as const;

interface Totals {
  trials: number;
  acknowledged: number;
  present: number;
  duplicates: number;
  failedChecks: string[];
  /** answers other than 201 before the kill (there should be none) */
  refused: number;
  /** requests cut by the kill (no answer): not acknowledged, may or may not be stored */
  cut: number;
  startMs: number[];
}

async function trial(url: string, p: Prepared, n: number, totals: Totals): Promise<void> {
  const t0 = performance.now();
  const server = await startServer(url, { LOG_LEVEL: 'error' });
  totals.startMs.push(performance.now() - t0);
  const acknowledged: string[] = [];
  let killed = false;
  const auth = { Authorization: `Bearer ${p.token}` };
  const client = async (c: number) => {
    for (let i = 0; !killed; i++) {
      try {
        const a = await call(server.port, 'POST', `/api/v1/consultations/${p.cid}/comments`, { clause: '4.1', type: 'technical', comment: `Trial ${n}, client ${c}, comment ${i}.` }, auth);
        if (a.status === 201) acknowledged.push(JSON.parse(a.body).reference as string);
        else if (!killed) totals.refused++;
      } catch {
        totals.cut++;
        return;
      }
    }
  };
  const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));
  const at = KILL_WINDOW_MS[0] + Math.random() * (KILL_WINDOW_MS[1] - KILL_WINDOW_MS[0]);
  await new Promise((r) => setTimeout(r, at));
  killed = true;
  server.child.kill('SIGKILL');
  await server.exited;
  await Promise.all(clients);
  const check = await checkStored(url, p.cid, acknowledged);
  totals.trials++;
  totals.acknowledged += acknowledged.length;
  totals.present += check.present;
  totals.duplicates += check.duplicates;
  const problems = [
    check.integrity !== 'ok' && check.integrity !== 'n/a' ? `integrity_check: ${check.integrity}` : '',
    check.chain ? '' : 'audit chain does not verify',
    check.present !== acknowledged.length ? `${acknowledged.length - check.present} acknowledged comments missing` : '',
    check.duplicates ? `${check.duplicates} duplicate receipts` : '',
  ].filter(Boolean);
  if (problems.length) totals.failedChecks.push(`trial ${n} (killed at ${at.toFixed(0)} ms): ${problems.join('; ')}`);
}

async function runOn(label: string, url: string, trials: number): Promise<string[]> {
  const p = await prepare(url);
  const totals: Totals = { trials: 0, acknowledged: 0, present: 0, duplicates: 0, failedChecks: [], refused: 0, cut: 0, startMs: [] };
  const t0 = performance.now();
  for (let n = 1; n <= trials; n++) await trial(url, p, n, totals);
  const ok = totals.failedChecks.length === 0 && totals.present === totals.acknowledged;
  const startMedian = [...totals.startMs].sort((x, y) => x - y)[Math.floor(totals.startMs.length / 2)] ?? NaN;
  return [
    `kill: ${label}: ${totals.trials} trials of ${CLIENTS} clients writing comments, SIGKILL at a random ${KILL_WINDOW_MS[0]}–${KILL_WINDOW_MS[1]} ms: ` +
      `acknowledged ${totals.acknowledged} / present ${totals.present}, duplicate receipts ${totals.duplicates}, ` +
      `integrity and audit chain ${totals.failedChecks.length ? `FAILED in ${totals.failedChecks.length} trials` : 'ok after every trial'} ` +
      `(cut by the kill, unanswered: ${totals.cut}; refused before the kill: ${totals.refused}; restart to /healthz median ${(startMedian / 1000).toFixed(1)} s; ${((performance.now() - t0) / 1000).toFixed(0)} s) ${ok ? 'ok' : 'LOST'}`,
    ...totals.failedChecks.map((f) => `kill: ${label}: ${f}`),
  ];
}

/** PostgreSQL from test/helpers/postgres.ts, or null with the reason it cannot run here. */
export async function postgres(): Promise<{ url: string; stop(): Promise<void> } | string> {
  try {
    const { startPostgres } = await import('../../test/helpers/postgres.ts');
    return await startPostgres();
  } catch (err) {
    return `PostgreSQL not available (${String((err as Error).message ?? err).split('\n')[0]})`;
  }
}

export async function run(): Promise<string[]> {
  const few = process.env.FAULT_TRIALS ? Number(process.env.FAULT_TRIALS) : null;
  const out: string[] = [];
  const sqlite = tempSqlite('kill');
  try {
    out.push(...(await runOn('SQLite', sqlite.url, few ?? 50)));
  } finally {
    sqlite.remove();
  }
  const pg = await postgres();
  if (typeof pg === 'string') out.push(`kill: ${pg}: skipped`);
  else {
    try {
      out.push(...(await runOn('PostgreSQL', pg.url, few ?? 20)));
    } finally {
      await pg.stop();
    }
  }
  out.push(`kill: machine load average ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')} (1/5/15 min) on ${os.cpus().length} cores`);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) for (const line of await run()) console.log(line);
