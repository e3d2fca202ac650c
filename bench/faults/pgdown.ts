/**
 * Fault "PostgreSQL out of reach for 5 s" (issue 13 item 6): the real server process talks to an
 * embedded PostgreSQL through a TCP proxy run here. For 5 s the proxy cuts every connection and refuses
 * new ones (as a database restart or a network cut would); then it lets them through again. Meanwhile a
 * comment is posted and a JSON read made every 100 ms, and /healthz and /readyz asked. Printed: the
 * answers before, during and after the cut (503s must carry a message), whether the server stayed up,
 * how long after the cut ended the first write succeeded (the pool recovering by itself), and that
 * every 201 is stored.
 *
 *   npm run bench -- faults        (or: node --import tsx bench/faults/pgdown.ts)
 */
import net from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { call, freePort, startServer, type Answer } from '../../test/helpers/server-process.ts';
import { checkStored, prepare } from '../lib/fault-db.ts';
import { postgres } from './kill.ts';

const CUT_MS = 5000;

/** A TCP proxy to `target` that can cut every connection and refuse new ones, then let them through. */
async function proxy(target: number): Promise<{ port: number; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }> {
  const port = await freePort();
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = net.connect(target, '127.0.0.1');
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => {});
        }
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      if (server) server.close(() => resolve());
      else resolve();
      server = null;
    });
  await listen();
  return { port, cut: stop, restore: listen, close: stop };
}

type Phase = 'before' | 'during' | 'after';

export async function run(): Promise<string[]> {
  const pg = await postgres();
  if (typeof pg === 'string') return [`pgdown: ${pg}: skipped`];
  const out: string[] = [];
  try {
    const pgPort = Number(new URL(pg.url).port);
    const relay = await proxy(pgPort);
    const url = pg.url.replace(`:${pgPort}/`, `:${relay.port}/`);
    const p = await prepare(url);
    const server = await startServer(url, { LOG_LEVEL: 'error' });
    const auth = { Authorization: `Bearer ${p.token}` };
    let phase: Phase = 'before';
    let cutEnded = 0;
    let firstWriteAfter: number | null = null;
    const answers: Record<Phase, Answer[]> = { before: [], during: [], after: [] };
    const errors: string[] = [];
    const ready: Record<Phase, number[]> = { before: [], during: [], after: [] };
    const health: Record<Phase, number[]> = { before: [], during: [], after: [] };
    const acknowledged: string[] = [];
    let n = 0;
    const inflight: Array<Promise<unknown>> = [];
    const tick = () => {
      const at = phase;
      inflight.push(
        call(server.port, 'POST', `/api/v1/consultations/${p.cid}/comments`, { clause: '4.1', type: 'technical', comment: `Comment ${++n} around a cut.` }, auth).then(
          (a) => {
            answers[at].push(a);
            if (a.status === 201) {
              acknowledged.push(JSON.parse(a.body).reference as string);
              if (at === 'after' && firstWriteAfter === null) firstWriteAfter = performance.now() - cutEnded;
            }
          },
          (e: Error) => errors.push(`${at}: ${e.message}`),
        ),
        call(server.port, 'GET', '/api/v1/standards/07.11').then((a) => answers[at].push(a), (e: Error) => errors.push(`${at}: ${e.message}`)),
        call(server.port, 'GET', '/readyz').then((a) => ready[at].push(a.status), (e: Error) => errors.push(`${at} readyz: ${e.message}`)),
        call(server.port, 'GET', '/healthz').then((a) => health[at].push(a.status), (e: Error) => errors.push(`${at} healthz: ${e.message}`)),
      );
    };
    const timer = setInterval(tick, 100);
    await new Promise((r) => setTimeout(r, 2000));
    phase = 'during';
    await relay.cut();
    await new Promise((r) => setTimeout(r, CUT_MS));
    await relay.restore();
    phase = 'after';
    cutEnded = performance.now();
    await new Promise((r) => setTimeout(r, 5000));
    clearInterval(timer);
    await Promise.all(inflight);
    const alive = server.child.exitCode === null;
    const code = await server.stop();
    await relay.close();

    const count = (xs: Array<{ status: number } | number>) => {
      const m = new Map<number, number>();
      for (const x of xs) {
        const s = typeof x === 'number' ? x : x.status;
        m.set(s, (m.get(s) ?? 0) + 1);
      }
      return [...m].sort((a, b) => a[0] - b[0]).map(([s, c]) => `${s}×${c}`).join(' ') || 'none';
    };
    const during503 = answers.during.filter((a) => a.status === 503);
    const withMessage = during503.filter((a) => {
      try {
        return typeof JSON.parse(a.body).error.message === 'string' && a.headers['retry-after'];
      } catch {
        return false;
      }
    }).length;
    const fivehundreds = [...answers.before, ...answers.during, ...answers.after].filter((a) => a.status >= 500 && a.status !== 503).length;
    const check = await checkStored(pg.url, p.cid, acknowledged);
    const recovered = answers.after.slice(-10).every((a) => a.status < 300);
    out.push(`pgdown: PostgreSQL out of reach for ${CUT_MS / 1000} s through a proxy (connections cut, new ones refused); a comment and a JSON read every 100 ms, counted by when they were sent (those in flight as the cut comes may fail)`);
    out.push(`pgdown: before: ${count(answers.before)} · during: ${count(answers.during)} (503 with a message and Retry-After: ${withMessage}/${during503.length}) · after: ${count(answers.after)}`);
    out.push(`pgdown: /readyz before ${count(ready.before)}, during ${count(ready.during)}, after ${count(ready.after)} · /healthz during ${count(health.during)}`);
    out.push(
      `pgdown: other 5xx ${fivehundreds}, requests with no answer ${errors.length}, server ${alive ? 'stayed up' : 'DIED'} (exit ${code} on SIGTERM); ` +
        `first write after the cut ended: ${firstWriteAfter === null ? 'NONE' : `${(firstWriteAfter as number).toFixed(0)} ms`}; last 10 answers ok: ${recovered} · ` +
        `acknowledged ${acknowledged.length} / present ${check.present}, audit chain ${check.chain ? 'ok' : 'BROKEN'} ` +
        `${alive && recovered && !fivehundreds && !errors.length && withMessage === during503.length && check.present === acknowledged.length ? 'ok' : 'MISSED'}`,
    );
    if (errors.length) out.push(`pgdown: first unanswered: ${errors.slice(0, 3).join(' | ')}`);
    if (fivehundreds) out.push(`pgdown: a 5xx body: ${[...answers.during, ...answers.after].find((a) => a.status >= 500 && a.status !== 503)?.body.slice(0, 200)}`);
    out.push(`pgdown: machine load average ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')} on ${os.cpus().length} cores`);
  } finally {
    await pg.stop();
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) for (const line of await run()) console.log(line);
