import type BetterSqlite3 from 'better-sqlite3';

/**
 * Statements prepared once per SQLite connection, made on its first use: they live and die with the
 * connection (the pool may replace it). Through the query builder a statement costs far more than SQLite
 * takes to run it, so the hot paths (the comment queue, the audit rows it writes, search) keep theirs.
 * No imports but the driver's types: modules without Knex use it too.
 */
export function preparedPerConnection<T>(make: (conn: BetterSqlite3.Database) => T): (conn: BetterSqlite3.Database) => T {
  const kept = new WeakMap<BetterSqlite3.Database, T>();
  return (conn) => {
    let s = kept.get(conn);
    if (s === undefined) {
      s = make(conn);
      kept.set(conn, s);
    }
    return s;
  };
}
