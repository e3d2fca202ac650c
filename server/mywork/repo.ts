import type { Knex } from 'knex';
import { iso } from '../time.ts';

/** The SQL of "My work" that no other feature owns: a user's comments with where they are, accounts waiting, visits. */
type Q = Knex | Knex.Transaction;

export interface OwnComment {
  id: number;
  seq: number;
  consultation_id: number;
  clause_ref: string | null;
  comment: string;
  disposition: string | null;
  response: string | null;
  disposed_at: string | null;
  submitted_at: string;
  standard_ref: string;
  standard_type: string;
  standard_number: string;
  n: number;
  label: string;
}

/** The user's comments (not withdrawn), the latest disposed or written first. */
export async function commentsOfAuthor(db: Q, userId: number, limit = 50): Promise<OwnComment[]> {
  const rows = (await db('comments as m')
    .join('consultations as c', 'c.id', 'm.consultation_id')
    .join('versions as v', 'v.id', 'c.version_id')
    .join('standards as s', 's.id', 'v.standard_id')
    .where('m.author_id', userId)
    .whereNull('m.withdrawn_at')
    .select('m.id', 'm.seq', 'm.consultation_id', 'm.clause_ref', 'm.comment', 'm.disposition', 'm.response', 'm.disposed_at', 'm.submitted_at', 's.ref as standard_ref', 's.type as standard_type', 's.number as standard_number', 'v.n', 'v.label')
    .orderByRaw('coalesce(m.disposed_at, m.submitted_at) desc')
    .orderBy('m.id', 'desc')
    .limit(limit)) as Array<Record<string, unknown>>;
  return rows.map((r) => ({ ...(r as unknown as OwnComment), id: Number(r.id), seq: Number(r.seq), consultation_id: Number(r.consultation_id), n: Number(r.n), disposed_at: iso(r.disposed_at), submitted_at: iso(r.submitted_at)! }));
}

/**
 * Accounts (active, not closed) whose organisation the secretariat has not confirmed yet (named at
 * registration: confirm it or merge it into another), per organisation, oldest account first.
 */
export async function accountsAwaitingConfirmation(db: Q): Promise<Array<{ organisation_id: number; name: string; accounts: number; since: string }>> {
  const rows = (await db('users as u')
    .join('organisations as o', 'o.id', 'u.organisation_id')
    .where('o.confirmed', false)
    .whereNull('o.merged_into_id')
    .whereNull('u.disabled_at')
    .whereNull('u.closed_at')
    .groupBy('o.id', 'o.name')
    .select('o.id', 'o.name')
    .count({ accounts: '*' })
    .min({ since: 'u.created_at' })) as Array<Record<string, unknown>>;
  return rows
    .map((r) => ({ organisation_id: Number(r.id), name: String(r.name), accounts: Number(r.accounts), since: iso(r.since)! }))
    .sort((a, b) => a.since.localeCompare(b.since) || a.organisation_id - b.organisation_id);
}

export async function lastVisit(db: Q, userId: number): Promise<string | null> {
  const r = await db('work_visits').where({ user_id: userId }).first('seen_at');
  return r ? iso(r.seen_at) : null;
}

export async function recordVisit(db: Q, userId: number, at: string): Promise<void> {
  await db('work_visits').insert({ user_id: userId, seen_at: at }).onConflict('user_id').merge(['seen_at']);
}
