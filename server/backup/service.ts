import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * Backups and restores of the whole database, for `npm run db:backup` and `npm run db:restore`
 * (server/cli/). SQLite: the online backup API, a consistent copy taken while the server reads and
 * writes; restoring checks the copy and swaps it in by renames, keeping the file it replaces.
 * PostgreSQL: pg_dump's custom format, one consistent snapshot taken while the server writes;
 * pg_restore (or psql for a plain SQL dump) into a target database in one transaction. pg_dump and
 * pg_restore come from the system's postgresql-client, whose major version must be the server's or newer.
 */

export class BackupError extends Error {}

const isPostgres = (url: string) => /^postgres(ql)?:/.test(url);
const sqliteFile = (url: string) => url.replace(/^sqlite:/, '');
const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');

/** Where a backup goes when no file is named: beside the SQLite file, or in data/ for PostgreSQL. */
export function defaultBackupFile(url: string): string {
  return isPostgres(url) ? path.join('data', `backup-${stamp()}.pgdump`) : path.join(path.dirname(sqliteFile(url)), `backup-${stamp()}.sqlite3`);
}

/** A consistent copy of the database at `url` in `target` (made or replaced). */
export async function backup(url: string, target: string): Promise<void> {
  fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  if (isPostgres(url)) {
    // -Fc: compressed, restored by pg_restore, objects in dependency order; a snapshot of one moment.
    await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${target}`], url);
    return;
  }
  const db = new Database(sqliteFile(url), { readonly: true, fileMustExist: true });
  try {
    // All remaining pages in one step, under one read transaction: a write from another process
    // between two small steps would start the copy again (and steady writes could starve it).
    await db.backup(target, { progress: () => 0x7fffffff });
  } finally {
    db.close();
  }
}

export interface RestoreOptions {
  /** replace what the target holds (SQLite: the file, kept beside as .before-restore-…; PostgreSQL: its tables) */
  replace?: boolean;
}

/**
 * Brings the backup `file` back into the database at `url`. Refuses a target that holds data unless
 * `replace`; the server must not be running on the target (SQLite would keep the old file open).
 * Returns a line saying what was done.
 */
export async function restore(url: string, file: string, opts: RestoreOptions = {}): Promise<string> {
  if (!fs.existsSync(file)) throw new BackupError(`There is no backup file ${file}.`);
  const head = fs.readFileSync(file).subarray(0, 16);
  const kind = head.subarray(0, 5).toString('latin1') === 'PGDMP' ? 'pgdump' : head.toString('latin1') === 'SQLite format 3\u0000' ? 'sqlite' : 'sql';
  if (isPostgres(url)) {
    if (kind === 'sqlite') throw new BackupError(`${file} is a SQLite database: restore it into a sqlite: DATABASE_URL.`);
    await restorePostgres(url, file, kind, opts);
    return `restored ${file} into ${redact(url)}`;
  }
  if (kind !== 'sqlite') throw new BackupError(`${file} is not a SQLite database (a PostgreSQL dump goes into a postgres:// DATABASE_URL).`);
  return restoreSqlite(sqliteFile(url), file, opts);
}

function restoreSqlite(target: string, file: string, opts: RestoreOptions): string {
  if (path.resolve(target) === path.resolve(file)) throw new BackupError('The backup and the database are the same file.');
  // The copy is checked before anything is touched.
  const source = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const check = source.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new BackupError(`${file} fails SQLite's integrity check: ${String(check)}`);
  } finally {
    source.close();
  }
  const exists = fs.existsSync(target);
  if (exists && !opts.replace) throw new BackupError(`${target} exists: stop the server and run again with --replace (the file is kept beside it), or name another DATABASE_URL.`);
  fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  // Copied next to the target, made durable, then renamed over it: never a half-written database.
  const incoming = `${target}.restoring`;
  fs.copyFileSync(file, incoming);
  const fd = fs.openSync(incoming, 'r+');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  let kept = '';
  if (exists) {
    kept = `${target}.before-restore-${stamp()}`;
    // The write-ahead log and its index belong to the old file: they go with it.
    for (const suffix of ['', '-wal', '-shm']) if (fs.existsSync(target + suffix)) fs.renameSync(target + suffix, kept + suffix);
  }
  fs.renameSync(incoming, target);
  return `restored ${file} into ${target}${kept ? ` (the database it replaced is kept as ${kept})` : ''}`;
}

async function restorePostgres(url: string, file: string, kind: 'pgdump' | 'sql', opts: RestoreOptions): Promise<void> {
  const tables = await query(url, "select count(*) from information_schema.tables where table_schema = 'public'");
  if (Number(tables) > 0 && !opts.replace) throw new BackupError(`${redact(url)} already has tables: restore into an empty database, or run again with --replace to drop and replace them.`);
  if (kind === 'pgdump') {
    const clean = Number(tables) > 0 ? ['--clean', '--if-exists'] : [];
    await run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', ...clean, `--dbname=${dbnameArg(url)}`, file], url, { dbnameInArgs: true });
  } else {
    await run('psql', ['--quiet', '--no-psqlrc', '--single-transaction', '--set=ON_ERROR_STOP=1', `--file=${file}`, dbnameArg(url)], url, { dbnameInArgs: true });
  }
}

async function query(url: string, sql: string): Promise<string> {
  return (await run('psql', ['--no-psqlrc', '--tuples-only', '--no-align', `--command=${sql}`, dbnameArg(url)], url, { dbnameInArgs: true })).trim();
}

/** The URL without its password, which goes to the client in PGPASSWORD (not on its command line). */
function dbnameArg(url: string): string {
  const u = new URL(url);
  u.password = '';
  return u.toString();
}

const redact = (url: string) => dbnameArg(url);

async function run(cmd: string, args: string[], url: string, opts: { dbnameInArgs?: boolean } = {}): Promise<string> {
  const password = decodeURIComponent(new URL(url).password);
  const env = { ...process.env, ...(password ? { PGPASSWORD: password } : {}) };
  const argv = opts.dbnameInArgs ? args : [...args, `--dbname=${dbnameArg(url)}`];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new BackupError(`${cmd} was not found: install PostgreSQL's client programs (Debian: apt-get install postgresql-client), of the server's major version or newer.`) : e),
    );
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new BackupError(`${cmd} failed (exit ${code}): ${err.trim()}`))));
  });
}
