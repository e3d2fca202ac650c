import type { Knex } from 'knex';
import { DEFAULT_LANGUAGE, isLanguage } from '../i18n/index.ts';
import type { Mode, Notice } from './messages.ts';

/** All SQL of the mail notices: the outbox, each user's choice, and who is told (issue 16 item 3). */
type Q = Knex | Knex.Transaction;

export interface OutboxRow {
  id: number;
  user_id: number;
  kind: Notice['kind'];
  dedupe_key: string;
  notice: Notice;
  created_at: string;
  next_attempt_at: string;
  attempts: number;
  last_error: string | null;
  claimed_by: string | null;
  claimed_until: string | null;
  sent_at: string | null;
  dropped_at: string | null;
}

/** A pending row with what the worker needs of its user. */
export interface DueRow extends OutboxRow {
  email: string;
  mode: Mode;
  /** the account can receive mail: enabled, not closed, address confirmed */
  reachable: boolean;
  /** the recipient's interface language (users.language): their mails are written in it; English when none */
  language: string;
}

export interface Recipient {
  id: number;
  email: string;
}

const toRow = (r: Record<string, unknown>): OutboxRow => ({
  ...(r as unknown as OutboxRow),
  id: Number(r.id),
  user_id: Number(r.user_id),
  attempts: Number(r.attempts),
  notice: JSON.parse(String(r.data)) as Notice,
});

/**
 * Queues one mail per recipient, in the caller's transaction. A row whose dedupe key is already there
 * is skipped by the unique index (ON CONFLICT DO NOTHING on both databases): the same mail is never
 * queued twice, whoever writes it. Returns how many rows were written.
 */
export async function enqueue(db: Q, rows: Array<{ user_id: number; dedupe_key: string; notice: Notice }>, now: string): Promise<number> {
  let written = 0;
  for (const r of rows) {
    const res = (await db('outbox')
      .insert({ user_id: r.user_id, kind: r.notice.kind, dedupe_key: r.dedupe_key, data: JSON.stringify(r.notice), created_at: now, next_attempt_at: now, attempts: 0 })
      .onConflict('dedupe_key')
      .ignore()
      .returning('id')) as unknown[];
    written += res.length;
  }
  return written;
}

/** Which of these dedupe keys are queued already. */
export async function queuedKeys(db: Q, keys: string[]): Promise<Set<string>> {
  if (!keys.length) return new Set();
  return new Set(((await db('outbox').whereIn('dedupe_key', keys).select('dedupe_key')) as Array<{ dedupe_key: string }>).map((r) => r.dedupe_key));
}

/** The choices of these users (no row: immediate). */
export async function modesOf(db: Q, userIds: number[]): Promise<Map<number, Mode>> {
  const out = new Map<number, Mode>(userIds.map((id) => [id, 'immediate']));
  if (!userIds.length) return out;
  const rows = (await db('notification_settings').whereIn('user_id', userIds).select('user_id', 'mode')) as Array<{ user_id: number; mode: Mode }>;
  for (const r of rows) out.set(Number(r.user_id), r.mode);
  return out;
}

export async function modeOf(db: Q, userId: number): Promise<Mode> {
  return (await modesOf(db, [userId])).get(userId)!;
}

export async function setMode(db: Q, userId: number, mode: Mode, now: string): Promise<void> {
  await db('notification_settings').insert({ user_id: userId, mode, updated_at: now }).onConflict('user_id').merge(['mode', 'updated_at']);
}

export async function userExists(db: Q, userId: number): Promise<boolean> {
  return Boolean(await db('users').where({ id: userId }).first('id'));
}

const reachable = (q: Knex.QueryBuilder, alias: string) => q.whereNull(`${alias}.disabled_at`).whereNull(`${alias}.closed_at`).whereNotNull(`${alias}.email_verified_at`);

/**
 * The Board's voters on `day`: the principal and the alternates of each member organisation (the chair's
 * excluded by the caller's list), who belong to it, with their organisation. Active, confirmed accounts only.
 */
export async function votersOf(db: Q, day: string, organisationIds: number[]): Promise<Array<Recipient & { organisation_id: number; organisation: string }>> {
  if (!organisationIds.length) return [];
  const memberships = db('board_memberships as m')
    .whereIn('m.organisation_id', organisationIds)
    .where('m.status', 'member')
    .where('m.from_date', '<=', day)
    .andWhere((w) => w.whereNull('m.until_date').orWhere('m.until_date', '>=', day));
  const principals = memberships.clone().select('m.organisation_id', 'm.principal_user_id as user_id').whereNotNull('m.principal_user_id');
  const alternates = memberships.clone().join('board_alternates as a', 'a.membership_id', 'm.id').select('m.organisation_id', 'a.user_id');
  const rows = (await reachable(
    db.from(principals.union(alternates).as('v')).join('users as u', 'u.id', 'v.user_id').join('organisations as o', 'o.id', 'v.organisation_id').whereRaw('u.organisation_id = v.organisation_id'),
    'u',
  )
    .distinct('u.id', 'u.email', 'v.organisation_id', 'o.name as organisation')
    .orderBy('u.id')) as Array<{ id: number; email: string; organisation_id: number; organisation: string }>;
  const seen = new Set<number>();
  return rows.map((r) => ({ ...r, id: Number(r.id), organisation_id: Number(r.organisation_id) })).filter((r) => !seen.has(r.id) && Boolean(seen.add(r.id)));
}

/** The author of a comment, if they can receive mail. */
export async function commentAuthor(db: Q, commentId: number): Promise<Recipient | null> {
  const r = await reachable(db('comments as c').join('users as u', 'u.id', 'c.author_id').where('c.id', commentId), 'u').first('u.id', 'u.email');
  return r ? { id: Number(r.id), email: r.email } : null;
}

/**
 * Rows due now and not held by a live lease, oldest first, with their user's choice. A digest user's
 * rows written since the last digest time (`digestCutoff`) wait for the next one: they are left out
 * here, so that a day of them cannot fill the batch ahead of the mails due at once.
 */
export async function dueRows(db: Q, now: string, digestCutoff: string, limit: number): Promise<DueRow[]> {
  const rows = (await db('outbox as x')
    .join('users as u', 'u.id', 'x.user_id')
    .leftJoin('notification_settings as s', 's.user_id', 'x.user_id')
    .whereNull('x.sent_at')
    .whereNull('x.dropped_at')
    .where('x.next_attempt_at', '<=', now)
    .andWhere((w) => w.whereNull('x.claimed_until').orWhere('x.claimed_until', '<', now))
    .andWhere((w) => w.whereNull('s.mode').orWhere('s.mode', '<>', 'digest').orWhere('x.created_at', '<', digestCutoff))
    .orderBy('x.id')
    .limit(limit)
    .select('x.*', 'u.email', 's.mode', 'u.disabled_at', 'u.closed_at', 'u.email_verified_at', 'u.language')) as Array<Record<string, unknown>>;
  return rows.map((r) => ({
    ...toRow(r),
    email: String(r.email),
    mode: ((r.mode as Mode | null) ?? 'immediate'),
    reachable: r.disabled_at == null && r.closed_at == null && r.email_verified_at != null,
    language: isLanguage(r.language) ? r.language : DEFAULT_LANGUAGE,
  }));
}

/**
 * The claim: one conditional UPDATE per batch. Only rows still unsent and with no live lease are taken;
 * the database lets one writer at a time change a row (a row lock on PostgreSQL, the write lock on
 * SQLite) and the second finds the condition false, so each row has one holder. `token` is unique to
 * this attempt; returns the rows it holds.
 */
export async function claim(db: Q, ids: number[], token: string, until: string, now: string): Promise<OutboxRow[]> {
  if (!ids.length) return [];
  const n = await db('outbox')
    .whereIn('id', ids)
    .whereNull('sent_at')
    .whereNull('dropped_at')
    .andWhere((w) => w.whereNull('claimed_until').orWhere('claimed_until', '<', now))
    .update({ claimed_by: token, claimed_until: until });
  if (!n) return [];
  return ((await db('outbox').where({ claimed_by: token }).whereNull('sent_at').orderBy('id').select('*')) as Array<Record<string, unknown>>).map(toRow);
}

/** Marks the rows this lease holds as sent; returns how many it still held. */
export async function markSent(db: Q, ids: number[], token: string, now: string): Promise<number> {
  return db('outbox').whereIn('id', ids).where({ claimed_by: token }).whereNull('sent_at').update({ sent_at: now, claimed_until: null, last_error: null });
}

/** A failed attempt: counted, the error kept, due again later, the lease released. */
export async function markFailed(db: Q, ids: number[], token: string, error: string, nextAt: (attempts: number) => string): Promise<void> {
  const rows = (await db('outbox').whereIn('id', ids).where({ claimed_by: token }).whereNull('sent_at').select('id', 'attempts')) as Array<{ id: number; attempts: number }>;
  for (const r of rows) {
    const attempts = Number(r.attempts) + 1;
    await db('outbox').where({ id: r.id, claimed_by: token }).update({ attempts, last_error: error.slice(0, 1000), next_attempt_at: nextAt(attempts), claimed_by: null, claimed_until: null });
  }
}

/** Not to be sent (mail turned off, account gone): kept as a record, never claimed again. */
export async function markDropped(db: Q, ids: number[], now: string): Promise<number> {
  if (!ids.length) return 0;
  return db('outbox')
    .whereIn('id', ids)
    .whereNull('sent_at')
    .whereNull('dropped_at')
    .andWhere((w) => w.whereNull('claimed_until').orWhere('claimed_until', '<', now))
    .update({ dropped_at: now });
}

export interface ClosingBallot {
  id: number;
  opens_at: string;
  closes_at: string;
  electorate: number[];
  /** organisations with a vote on the ballot's current version (a vote on an older draft is outdated) */
  voted: number[];
  designation: string;
  title: string;
  label: string;
}

/** Open ballots (not cancelled, not settled) that close within (now, until]. */
export async function ballotsClosingBetween(db: Q, now: string, until: string): Promise<ClosingBallot[]> {
  const rows = (await db('ballots as b')
    .join('versions as v', 'v.id', 'b.version_id')
    .join('standards as s', 's.id', 'v.standard_id')
    .whereNull('b.cancelled_at')
    .whereNull('b.result')
    .where('b.opens_at', '<=', now)
    .where('b.closes_at', '>', now)
    .where('b.closes_at', '<=', until)
    .select('b.id', 'b.opens_at', 'b.closes_at', 'b.electorate', 'b.version_id', 's.type', 's.number', 's.title', 'v.label')) as Array<Record<string, unknown>>;
  const out: ClosingBallot[] = [];
  for (const r of rows) {
    const votes = (await db('votes').where({ ballot_id: r.id, version_id: r.version_id }).select('organisation_id')) as Array<{ organisation_id: number }>;
    out.push({
      id: Number(r.id), opens_at: String(r.opens_at), closes_at: String(r.closes_at),
      electorate: (JSON.parse(String(r.electorate)) as unknown[]).map(Number),
      voted: votes.map((x) => Number(x.organisation_id)),
      designation: `${String(r.type)} ${String(r.number)}`, title: String(r.title), label: String(r.label),
    });
  }
  return out;
}

/** The outbox of a user, newest first (for their settings page and the tests). */
export async function outboxOf(db: Q, userId: number): Promise<OutboxRow[]> {
  return ((await db('outbox').where({ user_id: userId }).orderBy('id', 'desc').select('*')) as Array<Record<string, unknown>>).map(toRow);
}
