import type { Knex } from 'knex';

/**
 * The Review Board on a day, read from its dated facts (board_memberships, board_chairs). Other features
 * (ballots, proposals) take their electorate from here, never from text on users. A day is an ISO date
 * (`2026-11-23`) or an instant (`2026-11-23T12:00:00Z`), read as its UTC calendar day; a membership or a
 * chair holds from its from_date to its until_date, both days included.
 */
export type Org = { id: number; name: string; short_name: string | null };
export type Chair = Org & { representative_user_id: number | null };
export type Board = { members: Org[]; observers: Org[]; chair: Chair | null };

type Q = Knex | Knex.Transaction;

/** The UTC calendar day of an ISO date or instant. */
export function utcDay(day: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(day)) return day;
  const d = new Date(day);
  if (Number.isNaN(d.getTime())) throw new Error(`not a date: ${day}`);
  return d.toISOString().slice(0, 10);
}

/** Rows of a dated table holding on `day`. */
const holdingOn = (q: Knex.QueryBuilder, alias: string, day: string) =>
  q.where(`${alias}.from_date`, '<=', day).andWhere((w) => w.whereNull(`${alias}.until_date`).orWhere(`${alias}.until_date`, '>=', day));

const byName = (a: Org, b: Org) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || a.id - b.id;
const toOrg = (r: { id: number; name: string; short_name: string | null }): Org => ({ id: Number(r.id), name: r.name, short_name: r.short_name ?? null });

async function chairOn(db: Q, day: string): Promise<Chair | null> {
  const r = await holdingOn(db('board_chairs as c').join('organisations as o', 'o.id', 'c.organisation_id'), 'c', day)
    .select('o.id', 'o.name', 'o.short_name', 'c.representative_user_id')
    .orderBy('c.from_date', 'desc')
    .orderBy('c.id', 'desc')
    .first();
  return r ? { ...toOrg(r), representative_user_id: r.representative_user_id == null ? null : Number(r.representative_user_id) } : null;
}

/**
 * The Board on `day`: member organisations (who vote and count towards thresholds), observers and the
 * chair. The chair's organisation is in neither list; an organisation that is both a member and an
 * observer on the same day (overlapping facts) counts as a member.
 */
export async function boardOn(db: Q, day: string): Promise<Board> {
  const d = utcDay(day);
  const chair = await chairOn(db, d);
  const rows = (await holdingOn(db('board_memberships as m').join('organisations as o', 'o.id', 'm.organisation_id'), 'm', d).select(
    'o.id',
    'o.name',
    'o.short_name',
    'm.status',
  )) as Array<{ id: number; name: string; short_name: string | null; status: string }>;
  const members = new Map<number, Org>();
  const observers = new Map<number, Org>();
  for (const r of rows) {
    const id = Number(r.id);
    if (chair && chair.id === id) continue;
    if (r.status === 'member') members.set(id, toOrg(r));
  }
  for (const r of rows) {
    const id = Number(r.id);
    if (chair && chair.id === id) continue;
    if (r.status === 'observer' && !members.has(id)) observers.set(id, toOrg(r));
  }
  return { members: [...members.values()].sort(byName), observers: [...observers.values()].sort(byName), chair };
}

/**
 * The member organisation (not the chair's, not an observer) for which the user is the principal voter or
 * an alternate on `day`, and to which the user belongs; null when there is none.
 */
export async function votingOrganisationOf(db: Q, userId: number, day: string): Promise<Org | null> {
  const d = utcDay(day);
  const rows = (await holdingOn(
    db('board_memberships as m')
      .join('organisations as o', 'o.id', 'm.organisation_id')
      .join('users as u', 'u.organisation_id', 'm.organisation_id')
      .where('u.id', userId)
      .andWhere('m.status', 'member')
      .andWhere((w) => w.where('m.principal_user_id', userId).orWhereExists(db('board_alternates as a').whereRaw('a.membership_id = m.id').andWhere('a.user_id', userId))),
    'm',
    d,
  ).select('o.id', 'o.name', 'o.short_name')) as Array<{ id: number; name: string; short_name: string | null }>;
  if (!rows.length) return null;
  const chair = await chairOn(db, d);
  const org = rows.map(toOrg).find((o) => !chair || chair.id !== o.id);
  return org ?? null;
}
