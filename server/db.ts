import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import knex, { type Knex } from 'knex';
import pg from 'pg';
import { BusyWait, retryWhenBusy } from './db-busy.ts';
import { keepStatements } from './sqlite-statements.ts';

export type Db = Knex;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const migrationsDir = path.join(root, 'migrations');

/** Knex settings for a DATABASE_URL (`sqlite:path`, `sqlite::memory:` or `postgres://…`). */
export function knexConfig(databaseUrl: string): Knex.Config {
  const migrations = { migrationSource: new FolderMigrationSource(migrationsDir) };
  if (databaseUrl.startsWith('postgres')) {
    return { client: 'pg', connection: { connectionString: databaseUrl, types: pgTypes }, migrations };
  }
  const filename = databaseUrl.replace(/^sqlite:/, '');
  return {
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    migrations,
    pool: {
      afterCreate(conn: { pragma(s: string): unknown }, done: (err: Error | null, conn: unknown) => void) {
        try {
          conn.pragma('foreign_keys = ON');
          // No waiting inside the driver: it would block the event loop (see db-busy.ts).
          conn.pragma('busy_timeout = 0');
          // WAL lets readers go on during a write; FULL makes every commit durable (design.md §7).
          if (filename !== ':memory:') conn.pragma('journal_mode = WAL');
          conn.pragma('synchronous = FULL');
          done(null, conn);
        } catch (err) {
          done(err as Error, conn);
        }
      },
    },
  };
}

/**
 * Values read from PostgreSQL in the shapes SQLite gives and the code expects: times as ISO strings in
 * UTC with milliseconds (what the app writes), calendar dates as 'YYYY-MM-DD', counts and 64-bit ids as
 * numbers (node-postgres gives strings for int8 and Date objects for times), booleans as 1/0 (SQLite
 * has no boolean: one shape for rows, JSON and templates on both). Per connection, so nothing global in
 * the driver changes.
 */
const pgTimestamp = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ);
const pgTimestampUtc = pg.types.getTypeParser(pg.types.builtins.TIMESTAMP);
const parsers: Partial<Record<number, (value: string) => unknown>> = {
  [pg.types.builtins.TIMESTAMPTZ]: (v) => isoOf(pgTimestamp(v)),
  // timestamp without time zone: read as UTC, like every time of the app
  [pg.types.builtins.TIMESTAMP]: (v) => isoOf(pgTimestampUtc(`${v}+00`)),
  [pg.types.builtins.DATE]: (v) => v,
  [pg.types.builtins.INT8]: (v) => Number(v),
  [pg.types.builtins.BOOL]: (v) => (v === 't' ? 1 : 0),
};
function isoOf(d: unknown): unknown {
  return d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString() : d;
}
const pgTypes = {
  getTypeParser(oid: number, format?: string) {
    return (format ?? 'text') === 'text' && parsers[oid] ? parsers[oid] : pg.types.getTypeParser(oid, (format ?? 'text') as 'text');
  },
};

export const DEFAULT_BUSY_WAIT_MS = 5000;
const busyWaits = new WeakMap<Db, BusyWait>();

/**
 * auditKey: the HMAC key of the audit chain, carried in the handle's userParams (transactions inherit
 * them) for server/audit/ to read; without one the chain can only be appended to before keying began.
 * busyWaitMs: how long a write waits for a SQLite database locked by another process before a 503. */
export function createDb(databaseUrl: string, opts: { auditKey?: string | null; busyWaitMs?: number } = {}): Db {
  if (databaseUrl.startsWith('sqlite:')) {
    const filename = databaseUrl.replace(/^sqlite:/, '');
    if (filename !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
  }
  const db = knex({ ...knexConfig(databaseUrl), ...(opts.auditKey ? { userParams: { auditKey: opts.auditKey } } : {}) });
  if (isSqlite(db)) {
    keepStatements(db.client);
    const busy = new BusyWait(opts.busyWaitMs ?? DEFAULT_BUSY_WAIT_MS);
    retryWhenBusy(db, busy);
    busyWaits.set(db, busy);
  }
  return db;
}

/** The busy-database waits of a SQLite db made by createDb (none on PostgreSQL). */
export const busyWaitOf = (db: Db): BusyWait | undefined => busyWaits.get(db);

/**
 * Whether an error is a unique index refusing a row, on either database: PostgreSQL names the index
 * (23505, err.constraint); SQLite names the columns (SQLITE_CONSTRAINT_UNIQUE, "UNIQUE constraint
 * failed: table.column") or, for an index on expressions, the index.
 */
export function isUniqueViolation(err: unknown, index: { name: string; columns: string[] }): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; constraint?: unknown; message?: unknown };
  if (e.code === '23505') return e.constraint === index.name;
  if (e.code !== 'SQLITE_CONSTRAINT_UNIQUE') return false;
  const failed = /UNIQUE constraint failed: (.*)$/m.exec(String(e.message ?? ''))?.[1] ?? '';
  return failed === index.columns.join(', ') || failed === `index '${index.name}'`;
}

/** The one test of the dialect, for the few places SQL differs between SQLite and PostgreSQL. */
export const isSqlite = (db: Pick<Knex, 'client'>): boolean => /sqlite/.test(String(db.client.config.client));

/**
 * Loads migrations from the folder with import(), so they run the same under tsx, mocha and the
 * Knex CLI, whatever the module system (Knex's own loader guesses between require and import).
 */
class FolderMigrationSource implements Knex.MigrationSource<string> {
  constructor(private dir: string) {}
  async getMigrations(): Promise<string[]> {
    return fs
      .readdirSync(this.dir)
      .filter((f) => /^\d{14}_.+\.ts$/.test(f))
      .sort();
  }
  getMigrationName(name: string): string {
    return name;
  }
  async getMigration(name: string): Promise<Knex.Migration> {
    return import(pathToFileURL(path.join(this.dir, name)).href);
  }
}
