import type { Knex } from 'knex';
import Database from 'better-sqlite3';
import { isSqlite } from '../db.ts';
import { viewerOf, type UserRow } from './repo.ts';
import type { ReaderSession, ReaderWatch } from '../auth/viewer.ts';

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

/** A read-only connection of its own to an SQLite file, for statements prepared once; null elsewhere (PostgreSQL, :memory:). */
function sqliteFileOf(db: Knex): string | null {
  const filename = (db.client.config.connection as { filename?: string } | undefined)?.filename;
  return isSqlite(db) && filename && filename !== ':memory:' ? filename : null;
}

function readOnly(filename: string): Database.Database {
  const conn = new Database(filename, { readonly: true, fileMustExist: true });
  conn.pragma('busy_timeout = 5000');
  return conn;
}

/**
 * sessionWithUser for every request of one app. On an SQLite file the statement is prepared once on
 * a read-only connection of its own (as StandardStates reads revisions): in WAL mode it sees every
 * committed write, and spares each signed-in request Knex's query building and a statement compiled
 * anew (two fifths of the cost of the lookup, measured). Elsewhere (PostgreSQL, :memory:) through Knex.
 */
export function sessionReader(db: Knex): (sid: string, now: Date) => Promise<{ sess: Record<string, unknown>; user: UserRow | undefined } | null> {
  const filename = sqliteFileOf(db);
  if (!filename) return (sid, now) => sessionWithUser(db, sid, now);
  let stmt: Database.Statement<[string, string], UserRow & { session_data: string }> | null = null;
  return async (sid, now) => {
    stmt ??= readOnly(filename).prepare(SQLITE_SESSION_WITH_USER);
    const row = stmt.get(sid, now.toISOString());
    if (!row) return null;
    const { session_data, ...user } = row;
    return { sess: JSON.parse(session_data) as Record<string, unknown>, user: user.id == null ? undefined : (user as UserRow) };
  };
}

/** What a signed-in page read from the cache needs of its reader's account: what viewerOf reads, and whether it is disabled. */
export type ReaderRow = Pick<UserRow, 'id' | 'role' | 'name' | 'email' | 'organisation' | 'email_verified_at' | 'disabled_at' | 'language'>;

const READER_COLUMNS = 'u.id, u.role, u.name, u.email, u.organisation, u.email_verified_at, u.disabled_at, u.language';
// The user's watches as one JSON array of [id, scope, series, standard_id], in the same statement.
const SQLITE_READER =
  `select s.sess as session_data, ${READER_COLUMNS}, (select json_group_array(json_array(w.id, w.scope, w.series, w.standard_id)) from watches w where w.user_id = u.id) as session_watches ` +
  "from sessions s left join users u on u.id = json_extract(s.sess, '$.passport.user') where s.sid = ? and datetime(?) <= datetime(s.expired)";
// The same for several sessions at once (readerSessionReader's batches), each row named by its sid.
const PG_READERS =
  `select s.sid as session_sid, s.sess as session_data, ${READER_COLUMNS}, (select coalesce(json_agg(json_build_array(w.id, w.scope, w.series, w.standard_id)), '[]'::json) from watches w where w.user_id = u.id) as session_watches ` +
  "from sessions s left join users u on u.id = ((s.sess::jsonb -> 'passport' ->> 'user')::bigint) where s.sid = any($1::text[]) and CAST($2 as timestamptz) <= s.expired";

function readerSessionOf(row: (ReaderRow & { session_data: unknown; session_watches: unknown }) | undefined): ReaderSession | null {
  if (!row) return null;
  const { session_data, session_watches, ...user } = row;
  const sess = (typeof session_data === 'string' ? JSON.parse(session_data) : session_data) as Record<string, unknown>;
  if (user.id == null) return { sess, user: undefined, watches: [] };
  const rows = (typeof session_watches === 'string' ? JSON.parse(session_watches) : (session_watches ?? [])) as Array<[number | string, string, string | null, number | string | null]>;
  const watches: ReaderWatch[] = rows.map(([id, scope, series, standardId]) => ({ id: Number(id), scope, series, standard_id: standardId == null ? null : Number(standardId) }));
  return { sess, user: { id: Number(user.id), disabled_at: user.disabled_at, viewer: viewerOf({ ...user, id: Number(user.id) }) }, watches };
}

/**
 * The session of a signed-in page read from the cache (server/http/fast-path.ts), in one statement:
 * the session (as the store reads it: sid, not expired), the few columns of its user that the page
 * needs, and that user's watches — the watch button's, sparing it a query of its own (issue 17).
 * On an SQLite file prepared once on a read-only connection (see sessionReader); on PostgreSQL a named
 * statement sent on a connection of Knex's pool without its query building (which cost more than the
 * round trip, measured); on :memory: through Knex.
 */
export function readerSessionReader(db: Knex): (sid: string, now: Date) => Promise<ReaderSession | null> {
  const filename = sqliteFileOf(db);
  if (filename) {
    let stmt: Database.Statement<[string, string], ReaderRow & { session_data: string; session_watches: string }> | null = null;
    return async (sid, now) => {
      stmt ??= readOnly(filename).prepare(SQLITE_READER);
      return readerSessionOf(stmt.get(sid, now.toISOString()));
    };
  }
  if (isSqlite(db)) return async (sid, now) => readerSessionOf((await db.raw(SQLITE_READER, [sid, now.toISOString()]))[0]);
  const client = db.client as { acquireConnection(): Promise<PgConnection>; releaseConnection(c: PgConnection): Promise<unknown> };
  const lookup = gathered<string, ReaderRow & { session_data: unknown; session_watches: unknown; session_sid: string }>(async (sids, now) => {
    const conn = await client.acquireConnection();
    try {
      const r = await conn.query({ name: 'imas_reader_sessions', text: PG_READERS, values: [sids, now.toISOString()] });
      return new Map(r.rows.map((row) => [row.session_sid, row]));
    } finally {
      await client.releaseConnection(conn);
    }
  });
  // The row's session_sid goes along unread (readerSessionOf takes the columns it knows).
  return async (sid, now) => readerSessionOf(await lookup(sid, now));
}

/**
 * Lookups by key that arrive while `maxInFlight` batches are out wait and go together in the next
 * one, each key once: under load one statement answers many requests (issue 17: at 50 connections the
 * signed-in page waited for the pool and the round trip of a statement per request). Every lookup is
 * answered by a batch sent after it was asked — none shares a batch already sent — so nothing is
 * older than a lookup of its own would be. A batch's `now` is its latest lookup's. A failed batch
 * fails each of its lookups.
 */
export function gathered<K, R>(run: (keys: K[], now: Date) => Promise<Map<K, R>>, maxInFlight = 1): (key: K, now: Date) => Promise<R | undefined> {
  type Waiter = { resolve(r: R | undefined): void; reject(err: unknown): void };
  let waiting = new Map<K, Waiter[]>();
  let latest = new Date(0);
  let inFlight = 0;
  const send = () => {
    const batch = waiting;
    const now = latest;
    waiting = new Map();
    inFlight++;
    let ran: Promise<Map<K, R>>;
    try {
      ran = run([...batch.keys()], now);
    } catch (err) {
      ran = Promise.reject(err);
    }
    ran.then(
      (found) => {
        for (const [k, ws] of batch) for (const w of ws) w.resolve(found.get(k));
      },
      (err: unknown) => {
        for (const ws of batch.values()) for (const w of ws) w.reject(err);
      },
    ).finally(() => {
      inFlight--;
      if (waiting.size && inFlight < maxInFlight) send();
    });
  };
  return (key, now) =>
    new Promise<R | undefined>((resolve, reject) => {
      const ws = waiting.get(key);
      if (ws) ws.push({ resolve, reject });
      else waiting.set(key, [{ resolve, reject }]);
      if (now > latest || waiting.size === 1) latest = now;
      if (inFlight < maxInFlight) send();
    });
}

interface PgConnection {
  query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: Array<ReaderRow & { session_data: unknown; session_watches: unknown; session_sid: string }> }>;
}
