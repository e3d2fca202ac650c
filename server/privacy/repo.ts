import type { Knex } from 'knex';
import { isSqlite } from '../db.ts';

type Q = Knex | Knex.Transaction;

/** What a closed account is called wherever its comments and votes are shown. */
export const FORMER_MEMBER = 'former member of ';
export const formerMemberOf = (organisation: string): string => `${FORMER_MEMBER}${organisation}`;

/**
 * `cast_by_name`, the name shown for whoever cast a vote (`u` the users row, `organisationName` the column
 * of the name of the organisation the vote was cast for): a closed account is "former member of" it.
 * Plain SQL string concatenation (`||`, the parameter cast so PostgreSQL knows its type) on both databases.
 */
export const castByNameSql = (db: Q, users = 'u', organisationName = 'o.name') =>
  db.raw(`case when ${users}.closed_at is null then ${users}.name else cast(? as text) || ${organisationName} end as cast_by_name`, [FORMER_MEMBER]);

// — the export —

export async function userRow(db: Q, id: number) {
  return db('users').where({ id }).first('id', 'email', 'name', 'organisation', 'organisation_id', 'role', 'email_verified_at', 'disabled_at', 'closed_at', 'created_at', 'updated_at');
}

/** Comments the user wrote, and those they entered for someone else (secretariat). */
export async function commentsOf(db: Q, userId: number) {
  return db('comments').where('author_id', userId).orWhere('entered_by', userId).orderBy('id');
}

/** Proposals the user submitted (Justification Forms), and the responses they gave for their organisation. */
export async function proposalsOf(db: Q, userId: number) {
  return db('proposals').where('proposer_id', userId).select('id', 'kind', 'title', 'rationale', 'scope', 'substantial', 'proposed_number', 'submitted_at', 'edited_at').orderBy('id');
}

export async function proposalResponsesOf(db: Q, userId: number) {
  return db('proposal_responses').where('responded_by', userId).select('proposal_id', 'organisation_id', 'position', 'comment', 'responded_at').orderBy('id');
}

export async function votesOf(db: Q, userId: number) {
  return db('votes as x')
    .join('versions as v', 'v.id', 'x.version_id')
    .join('standards as s', 's.id', 'v.standard_id')
    .join('organisations as o', 'o.id', 'x.organisation_id')
    .where('x.cast_by', userId)
    .orderBy('x.id')
    .select('x.ballot_id', 'o.name as organisation', 'x.organisation_id', 's.ref', 'v.n', 'x.position', 'x.reason', 'x.cast_at');
}

export async function voteEventsOf(db: Q, userId: number) {
  return db('vote_events as e')
    .join('versions as v', 'v.id', 'e.version_id')
    .join('standards as s', 's.id', 'v.standard_id')
    .join('organisations as o', 'o.id', 'e.organisation_id')
    .where('e.cast_by', userId)
    .orderBy('e.id')
    .select('e.id', 'e.ballot_id', 'o.name as organisation', 'e.organisation_id', 's.ref', 'v.n', 'e.position', 'e.reason', 'e.at');
}

/** Token metadata only: never the hash. */
export async function tokensOf(db: Q, userId: number) {
  return db('api_tokens').where({ user_id: userId }).orderBy('id').select('id', 'name', 'created_at', 'last_used_at', 'revoked_at');
}

const sessionsWhere = (db: Q, q: Knex.QueryBuilder, userId: number) =>
  isSqlite(db) ? q.whereRaw("json_extract(sess, '$.passport.user') = ?", [userId]) : q.whereRaw("(sess::jsonb -> 'passport' ->> 'user') = ?", [String(userId)]);

export async function sessionCount(db: Q, userId: number, now: Date): Promise<number> {
  const q = db('sessions').where('expired', '>', now.toISOString()).count({ n: '*' });
  const row = (await sessionsWhere(db, q, userId).first()) as { n: number | string };
  return Number(row.n);
}

/** Every audit event the user made or that is about their account, oldest first. */
export async function auditOf(db: Q, userId: number) {
  return db('audit_events')
    .where('actor_id', userId)
    .orWhere((w) => w.where('subject_type', 'user').andWhere('subject_id', String(userId)))
    .orderBy('id')
    .select('id', 'at', 'actor_id', 'action', 'subject_type', 'subject_id', 'data');
}

// — closing —

/**
 * Erases the personal data of a user, in the caller's transaction. The row stays (comments and votes
 * refer to it, and the Board's electorate is read from enabled accounts): its name becomes "former member
 * of <organisation>", its address a placeholder without an @ (no sign-in, no mail can reach it), its
 * password hash one that no password verifies. Tokens, e-mail links and sessions are deleted; the
 * comments they wrote keep their organisation and take the same name.
 */
export async function eraseUser(db: Q, user: { id: number; organisation: string; email: string }, now: Date): Promise<void> {
  const at = now.toISOString();
  await db('users').where({ id: user.id }).update({
    name: formerMemberOf(user.organisation),
    email: `closed-account-${user.id}`,
    password_hash: '!closed',
    disabled_at: db.raw('coalesce(disabled_at, ?)', [at]),
    closed_at: at,
    updated_at: at,
  });
  // The organisation at the time of each comment, not the account's now.
  await db('comments').where({ author_id: user.id }).update({ author_name: db.raw('cast(? as text) || organisation', [FORMER_MEMBER]) });
  await db('api_tokens').where({ user_id: user.id }).delete();
  await db('email_tokens').where({ user_id: user.id }).delete();
  // Second-factor secrets and recovery codes are personal too.
  await db('totp_secrets').where({ user_id: user.id }).delete();
  await db('recovery_codes').where({ user_id: user.id }).delete();
  await sessionsWhere(db, db('sessions'), user.id).delete();
  // Brute-force counters are keyed by address: none should outlive the account.
  const escaped = user.email.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  await db('rate_limits').whereRaw("key like ? escape '\\'", [`%${escaped}%`]).delete();
}
