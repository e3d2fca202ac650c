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

/** A watch of the session's user (server/watching/): read with the session for the watch button of a cached page. */
export interface SessionWatch {
  id: number;
  scope: string;
  series: string | null;
  standard_id: number | null;
}

export interface SessionRead {
  sess: Record<string, unknown>;
  user: UserRow | undefined;
  /** all the user's watch rows (none without a user) */
  watches: SessionWatch[];
}

// The user's watches as one JSON array of [id, scope, series, standard_id], in the same statement.
const SQLITE_WATCHES = "(select json_group_array(json_array(w.id, w.scope, w.series, w.standard_id)) from watches w where w.user_id = u.id)";
const PG_WATCHES = "(select coalesce(json_agg(json_build_array(w.id, w.scope, w.series, w.standard_id)), '[]'::json) from watches w where w.user_id = u.id)";

function watchesOf(v: unknown): SessionWatch[] {
  const rows = (typeof v === 'string' ? JSON.parse(v) : (v ?? [])) as Array<[number | string, string, string | null, number | string | null]>;
  return rows.map(([id, scope, series, standardId]) => ({ id: Number(id), scope, series, standard_id: standardId == null ? null : Number(standardId) }));
}

/**
 * A live session, the account it belongs to and that account's watches, in one query (issue 17 item
 * 2): the session store's own read (sid, not expired, as connect-session-knex reads it) joined to the
 * user its Passport data names. `user` is undefined when the session names no user or one that no
 * longer exists. The watches spare a signed-in page a second query for its watch button.
 */
export async function sessionWithUser(db: Q, sid: string, now: Date): Promise<SessionRead | null> {
  const sqlite = isSqlite(db);
  const q = db('sessions as s')
    .leftJoin('users as u', sqlite ? db.raw("u.id = json_extract(s.sess, '$.passport.user')") : db.raw("u.id = ((s.sess::jsonb -> 'passport' ->> 'user')::bigint)"))
    .where('s.sid', sid)
    .first('s.sess as session_data', 'u.*', db.raw(`${sqlite ? SQLITE_WATCHES : PG_WATCHES} as session_watches`));
  if (sqlite) q.whereRaw('datetime(?) <= datetime(s.expired)', [now.toISOString()]);
  else q.whereRaw('CAST(? as timestamptz) <= s.expired', [now.toISOString()]);
  const row = (await q) as (UserRow & { session_data: unknown; session_watches: unknown }) | undefined;
  if (!row) return null;
  const { session_data, session_watches, ...user } = row;
  const sess = (typeof session_data === 'string' ? JSON.parse(session_data) : session_data) as Record<string, unknown>;
  return { sess, user: user.id == null ? undefined : (user as UserRow), watches: user.id == null ? [] : watchesOf(session_watches) };
}

const SQLITE_SESSION_WITH_USER = `select s.sess as session_data, u.*, ${SQLITE_WATCHES} as session_watches from sessions s left join users u on u.id = json_extract(s.sess, '$.passport.user') where s.sid = ? and datetime(?) <= datetime(s.expired)`;

/**
 * sessionWithUser for every request of one app. On an SQLite file the statement is prepared once on
 * a read-only connection of its own (as StandardStates reads revisions): in WAL mode it sees every
 * committed write, and spares each signed-in request Knex's query building and a statement compiled
 * anew (two fifths of the cost of the lookup, measured). Elsewhere (PostgreSQL, :memory:) through Knex.
 */
export function sessionReader(db: Knex): (sid: string, now: Date) => Promise<SessionRead | null> {
  const filename = (db.client.config.connection as { filename?: string } | undefined)?.filename;
  if (!isSqlite(db) || !filename || filename === ':memory:') return (sid, now) => sessionWithUser(db, sid, now);
  let stmt: Database.Statement<[string, string], UserRow & { session_data: string; session_watches: string }> | null = null;
  return async (sid, now) => {
    if (!stmt) {
      const conn = new Database(filename, { readonly: true, fileMustExist: true });
      conn.pragma('busy_timeout = 5000');
      stmt = conn.prepare(SQLITE_SESSION_WITH_USER);
    }
    const row = stmt.get(sid, now.toISOString());
    if (!row) return null;
    const { session_data, session_watches, ...user } = row;
    return { sess: JSON.parse(session_data) as Record<string, unknown>, user: user.id == null ? undefined : (user as UserRow), watches: user.id == null ? [] : watchesOf(session_watches) };
  };
}
