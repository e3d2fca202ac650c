import type { Knex } from 'knex';
import Database from 'better-sqlite3';
import { isSqlite } from '../db.ts';
import type { UserRow } from './repo.ts';

type Q = Knex | Knex.Transaction;

/**
 * Deletes the server sessions of a user (disabling, password change or reset), except `keepSid`.
 * Passport keeps the user id at sess.passport.user; the viewer loader also refuses disabled users on
 * every request, so a session missed here still cannot act.
 */
export async function endSessionsOf(db: Q, userId: number, keepSid?: string): Promise<number> {
  const q = db('sessions');
  if (isSqlite(db)) q.whereRaw("json_extract(sess, '$.passport.user') = ?", [userId]);
  else q.whereRaw("(sess::jsonb -> 'passport' ->> 'user') = ?", [String(userId)]);
  if (keepSid) q.whereNot('sid', keepSid);
  return q.delete();
}

/**
 * A live session and the account it belongs to, in one query (issue 17 item 2): the session store's
 * own read (sid, not expired, as connect-session-knex reads it) joined to the user its Passport data
 * names. `user` is undefined when the session names no user or one that no longer exists.
 */
export async function sessionWithUser(db: Q, sid: string, now: Date): Promise<{ sess: Record<string, unknown>; user: UserRow | undefined } | null> {
  const sqlite = isSqlite(db);
  const q = db('sessions as s')
    .leftJoin('users as u', sqlite ? db.raw("u.id = json_extract(s.sess, '$.passport.user')") : db.raw("u.id = ((s.sess::jsonb -> 'passport' ->> 'user')::bigint)"))
    .where('s.sid', sid)
    .first('s.sess as session_data', 'u.*');
  if (sqlite) q.whereRaw('datetime(?) <= datetime(s.expired)', [now.toISOString()]);
  else q.whereRaw('CAST(? as timestamptz) <= s.expired', [now.toISOString()]);
  const row = (await q) as (UserRow & { session_data: unknown }) | undefined;
  if (!row) return null;
  const { session_data, ...user } = row;
  const sess = (typeof session_data === 'string' ? JSON.parse(session_data) : session_data) as Record<string, unknown>;
  return { sess, user: user.id == null ? undefined : (user as UserRow) };
}

const SQLITE_SESSION_WITH_USER =
  "select s.sess as session_data, u.* from sessions s left join users u on u.id = json_extract(s.sess, '$.passport.user') where s.sid = ? and datetime(?) <= datetime(s.expired)";

/**
 * sessionWithUser for every request of one app. On an SQLite file the statement is prepared once on
 * a read-only connection of its own (as StandardStates reads revisions): in WAL mode it sees every
 * committed write, and spares each signed-in request Knex's query building and a statement compiled
 * anew (two fifths of the cost of the lookup, measured). Elsewhere (PostgreSQL, :memory:) through Knex.
 */
export function sessionReader(db: Knex): (sid: string, now: Date) => Promise<{ sess: Record<string, unknown>; user: UserRow | undefined } | null> {
  const filename = (db.client.config.connection as { filename?: string } | undefined)?.filename;
  if (!isSqlite(db) || !filename || filename === ':memory:') return (sid, now) => sessionWithUser(db, sid, now);
  let stmt: Database.Statement<[string, string], UserRow & { session_data: string }> | null = null;
  return async (sid, now) => {
    if (!stmt) {
      const conn = new Database(filename, { readonly: true, fileMustExist: true });
      conn.pragma('busy_timeout = 5000');
      stmt = conn.prepare(SQLITE_SESSION_WITH_USER);
    }
    const row = stmt.get(sid, now.toISOString());
    if (!row) return null;
    const { session_data, ...user } = row;
    return { sess: JSON.parse(session_data) as Record<string, unknown>, user: user.id == null ? undefined : (user as UserRow) };
  };
}
