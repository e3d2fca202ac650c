import type { Knex } from 'knex';
import { isSqlite } from '../db.ts';

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
