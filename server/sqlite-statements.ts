import type BetterSqlite3 from 'better-sqlite3';
import { LRUCache } from 'lru-cache';
import { preparedPerConnection } from './prepared.ts';

/**
 * Knex's better-sqlite3 dialect prepares every query anew (connection.prepare in its _query), so SQLite
 * compiles the same SQL on every request: 167 µs of the 800 µs of CPU of `GET /api/v1/consultations/{id}`
 * (bench/profile.ts consultation), more than all the rest of the database's work. Here its _query keeps
 * the statements of each connection by their SQL, the least recently used forgotten past MAX_KEPT
 * (`whereIn` lists of every length make new texts). Sharing a statement is safe because Knex runs each
 * to completion in one synchronous call (all or run; its streams too, through _query) and sets nothing
 * on it; a query given its own safeIntegers option is prepared anew, as before. A statement whose table
 * changed is compiled again by SQLite itself when next run.
 */
const MAX_KEPT = 256;
const keptOn = preparedPerConnection(() => new LRUCache<string, BetterSqlite3.Statement>({ max: MAX_KEPT }));

/** The statement of `sql` on `conn`, prepared once. */
function keptStatement(conn: BetterSqlite3.Database, sql: string): BetterSqlite3.Statement {
  const kept = keptOn(conn);
  let statement = kept.get(sql);
  if (!statement) kept.set(sql, (statement = conn.prepare(sql)));
  return statement;
}

interface Query {
  sql?: string;
  bindings?: unknown[];
  options?: unknown;
  response?: unknown;
  context?: { lastID: number | bigint; changes: number };
}
interface Dialect {
  _query(conn: BetterSqlite3.Database, obj: Query): Promise<Query>;
  _optSafeIntegers(options: unknown): boolean | undefined;
  _formatBindings(bindings: unknown[] | undefined): unknown[];
}
const KEEPS = Symbol('imas keeps statements');

/**
 * Makes the better-sqlite3 dialect of a Knex client keep its statements (its prototype, once: the
 * clients of transactions are made from it too).
 */
export function keepStatements(client: object): void {
  const dialect = Object.getPrototypeOf(client) as Dialect & { [KEEPS]?: true };
  if (dialect[KEEPS]) return;
  const prepareEachTime = dialect._query;
  dialect[KEEPS] = true;
  dialect._query = async function (this: Dialect, conn, obj) {
    if (!obj.sql || !conn || this._optSafeIntegers(obj.options) !== undefined) return prepareEachTime.call(this, conn, obj);
    const statement = keptStatement(conn, obj.sql);
    const bindings = this._formatBindings(obj.bindings);
    if (statement.reader) {
      obj.response = statement.all(bindings);
      return obj;
    }
    const response = statement.run(bindings);
    obj.response = response;
    obj.context = { lastID: response.lastInsertRowid, changes: response.changes };
    return obj;
  };
}
