import { isSqlite, type Db } from '../../server/db.ts';

/**
 * The stored sessions whose JSON has `value` at `path` (e.g. ['passport', 'user']), parsed: SQLite keeps
 * the text and has json_extract; PostgreSQL's json column is read with its own operators and comes
 * back parsed.
 */
export async function sessionsWhere(db: Db, path: string[], value: string | number): Promise<Array<Record<string, any>>> {
  const q = db('sessions');
  if (isSqlite(db)) q.whereRaw(`json_extract(sess, ?) = ?`, [`$.${path.join('.')}`, value]);
  else q.whereRaw(`(sess::jsonb #>> ?) = ?`, [`{${path.join(',')}}`, String(value)]);
  const rows = (await q.pluck('sess')) as Array<string | Record<string, any>>;
  return rows.map((s) => (typeof s === 'string' ? JSON.parse(s) : s));
}
