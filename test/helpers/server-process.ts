/**
 * The real server (server/main.ts) in a child process, for the tests and benches that need a process
 * boundary: graceful shutdown, several instances on one database, kill -9.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from '../../server/db.ts';
import { TEST_AUDIT_KEY } from '../../server/config.ts';
import { sampleConsultationId } from './consultations.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request on its own connection (no agent: nothing kept alive between calls). */
export function call(port: number, method: string, p: string, body?: string | object, headers: Record<string, string> = {}): Promise<Answer> {
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const type = body !== undefined && typeof body !== 'string' ? { 'Content-Type': 'application/json' } : {};
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path: p, agent: false, headers: { ...type, ...(text !== undefined ? { 'Content-Length': String(Buffer.byteLength(text)) } : {}), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  port: number;
  child: ChildProcess;
  /** the exit code (or the signal's name) once the process has ended */
  exited: Promise<number | string>;
  /** what the process wrote to stdout and stderr so far (its log) */
  output(): string;
  /** SIGTERM, and the exit code */
  stop(): Promise<number | string>;
}

/**
 * The port the process `pid` listens on, read from /proc (Linux): the inodes of its sockets, then the
 * listening TCP socket among them. Null until it listens (or where there is no /proc).
 */
function listeningPort(pid: number): number | null {
  let inodes: Set<string>;
  try {
    inodes = new Set(
      fs.readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
        try {
          const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
          return m ? [m[1]!] : [];
        } catch {
          return []; // closed meanwhile
        }
      }),
    );
  } catch {
    return null;
  }
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines: string[];
    try {
      lines = fs.readFileSync(table, 'utf8').split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const f = line.trim().split(/\s+/);
      // local_address is hex ip:port, st 0A is LISTEN, the inode is the tenth field
      if (f[3] === '0A' && inodes.has(f[9]!)) return parseInt(f[1]!.split(':')[1]!, 16);
    }
  }
  return null;
}

const hasProc = fs.existsSync('/proc/self/fd');

/**
 * Starts `node --import tsx server/main.ts` on the database and waits until /healthz answers.
 * NODE_ENV=test (cheap password hashes, the test audit key) unless env says otherwise; LOG_LEVEL info; one PUBLIC_URL for every instance, as behind a load balancer (pages print it).
 * Where /proc is there (Linux, CI), the server takes a port of its own (PORT=0) and the port is read
 * from /proc: a port found free beforehand could be taken by another suite's server before the child
 * listens, and that server's /healthz would be taken for the child's.
 */
export async function startServer(databaseUrl: string, env: Record<string, string> = {}, timeoutMs = 60_000): Promise<ServerProcess> {
  let port = env.PORT ? Number(env.PORT) : hasProc ? 0 : await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', AUDIT_KEY: TEST_AUDIT_KEY, LOG_LEVEL: 'warn', DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: 'http://imas-review.test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  let ended: number | string | null = null;
  void exited.then((c) => (ended = c));
  const t0 = Date.now();
  for (;;) {
    if (ended !== null) throw new Error(`the server exited with ${ended} before answering:\n${out}`);
    if (Date.now() - t0 > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`the server did not answer /healthz within ${timeoutMs} ms:\n${out}`);
    }
    if (!port) port = listeningPort(child.pid!) ?? 0;
    const ok = port ? await call(port, 'GET', '/healthz').then((a) => a.status === 200, () => false) : false;
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    child,
    exited,
    output: () => out,
    stop: () => {
      if (ended === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** The sample consultation (07.11 Draft Edition 3), made open around the real time, for servers on the system clock. */
export async function openSampleConsultation(db: Db): Promise<number> {
  const id = await sampleConsultationId(db);
  const now = Date.now();
  await db('consultations').where({ id }).update({ opens_at: new Date(now - 86_400_000).toISOString(), closes_at: new Date(now + 30 * 86_400_000).toISOString() });
  return id;
}

/** A bearer token for the user, through the API. */
export async function tokenFor(port: number, email: string, password: string): Promise<string> {
  const a = await call(port, 'POST', '/api/v1/tokens', { email, password, name: 'test' });
  if (a.status !== 201) throw new Error(`POST /api/v1/tokens answered ${a.status}: ${a.body}`);
  return JSON.parse(a.body).token as string;
}
