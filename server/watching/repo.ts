import type { Knex } from 'knex';
import { roleCan } from '../auth/permissions.ts';

/**
 * All SQL of watching (issue 16 item 2). A user watches a standard when they have a row for it, for its
 * series, or for everything; a Board member with no row at all watches everything (their default), and
 * a `none` row means "nothing", whatever the role.
 */
type Q = Knex | Knex.Transaction;

export type WatchScope = 'all' | 'series' | 'standard' | 'none';

export interface WatchRow {
  id: number;
  user_id: number;
  scope: WatchScope;
  series: string | null;
  standard_id: number | null;
  created_at: string;
}

export interface Watcher {
  id: number;
  email: string;
  name: string;
  role: string;
}

export async function watchesOf(db: Q, userId: number): Promise<WatchRow[]> {
  const rows = await db('watches').where({ user_id: userId }).orderBy('id').select('*');
  return rows.map((r: Record<string, unknown>) => ({ ...(r as unknown as WatchRow), created_at: String(r.created_at instanceof Date ? r.created_at.toISOString() : r.created_at) }));
}

/** Adds a watch (idempotent); watching something replaces a `none`, watching everything replaces the rest. */
export async function addWatch(db: Q, userId: number, w: { scope: Exclude<WatchScope, 'none'>; series?: string | null; standardId?: number | null }, now: Date): Promise<void> {
  await db('watches').where({ user_id: userId, scope: 'none' }).delete();
  if (w.scope === 'all') await db('watches').where({ user_id: userId }).delete();
  const row = { user_id: userId, scope: w.scope, series: w.scope === 'series' ? w.series ?? null : null, standard_id: w.scope === 'standard' ? w.standardId ?? null : null, created_at: now.toISOString() };
  const existing = await db('watches').where({ user_id: userId, scope: row.scope }).andWhere((q) => {
    if (row.series == null) q.whereNull('series'); else q.where('series', row.series);
  }).andWhere((q) => {
    if (row.standard_id == null) q.whereNull('standard_id'); else q.where('standard_id', row.standard_id);
  }).first('id');
  // Two requests at once may both find none: the unique index keeps one row, the other insert does nothing.
  if (!existing) await db('watches').insert(row).onConflict().ignore();
}

export async function removeWatch(db: Q, userId: number, watchId: number): Promise<void> {
  await db('watches').where({ user_id: userId, id: watchId }).delete();
}

/** Watch nothing: every row goes, and a `none` row turns a Board member's default off. */
export async function watchNothing(db: Q, userId: number, now: Date): Promise<void> {
  await db('watches').where({ user_id: userId }).delete();
  await db('watches').insert({ user_id: userId, scope: 'none', series: null, standard_id: null, created_at: now.toISOString() }).onConflict().ignore();
}

/** Active, confirmed users who watch the standard: the recipients of its notices. */
export async function watchersOfStandard(db: Q, standardId: number): Promise<Watcher[]> {
  const standard = await db('standards').where({ id: standardId }).first('series');
  if (!standard) return [];
  return db('users as u')
    .whereNull('u.disabled_at')
    .whereNotNull('u.email_verified_at')
    .andWhere((q) => {
      q.whereExists(
        db('watches as w').whereRaw('w.user_id = u.id').andWhere((x) => {
          x.where('w.scope', 'all')
            .orWhere((y) => y.where('w.scope', 'series').andWhere('w.series', standard.series))
            .orWhere((y) => y.where('w.scope', 'standard').andWhere('w.standard_id', standardId));
        }).select(db.raw('1')),
      ).orWhere((x) => x.where('u.role', 'board').whereNotExists(db('watches as w0').whereRaw('w0.user_id = u.id').select(db.raw('1'))));
    })
    .orderBy('u.id')
    .select('u.id', 'u.email', 'u.name', 'u.role');
}

/** The ids of the standards a user watches (for "consultations open on standards I watch"). */
export async function watchedStandardIds(db: Q, userId: number): Promise<number[]> {
  const user = await db('users').where({ id: userId }).first('role');
  if (!user) return [];
  const watches = await watchesOf(db, userId);
  if (watches.length === 0 && !roleCan(user.role, 'ballots.vote')) return [];
  if (watches.some((w) => w.scope === 'none')) return [];
  const q = db('standards');
  if (!(watches.length === 0 || watches.some((w) => w.scope === 'all'))) {
    const series = watches.filter((w) => w.scope === 'series').map((w) => w.series as string);
    const ids = watches.filter((w) => w.scope === 'standard').map((w) => Number(w.standard_id));
    q.where((x) => x.whereIn('series', series.length ? series : ['']).orWhereIn('id', ids.length ? ids : [0]));
  }
  const rows = await q.select('id');
  return rows.map((r: { id: number }) => Number(r.id));
}

/** A standard by its ref, for the watching forms (watching does not reach into the standards feature). */
export async function standardForWatch(db: Q, ref: string): Promise<{ id: number; ref: string; type: string; number: string; title: string; series: string } | null> {
  const r = await db('standards').where({ ref }).first('id', 'ref', 'type', 'number', 'title', 'series');
  return r ? { ...r, id: Number(r.id) } : null;
}

export async function seriesForWatch(db: Q, code: string): Promise<{ code: string; name: string } | null> {
  return (await db('series').where({ code }).first('code', 'name')) ?? null;
}

/** A user's watches with what they name: the standard's ref and title, the series' name. */
export async function watchesNamed(db: Q, userId: number): Promise<Array<WatchRow & { ref: string | null; type: string | null; number: string | null; title: string | null; series_name: string | null }>> {
  const rows = await db('watches as w')
    .leftJoin('standards as s', 's.id', 'w.standard_id')
    .leftJoin('series as x', 'x.code', 'w.series')
    .where('w.user_id', userId)
    .orderBy('w.id')
    .select('w.*', 's.ref', 's.type', 's.number', 's.title', 'x.name as series_name');
  return rows.map((r: Record<string, unknown>) => ({ ...(r as unknown as WatchRow & { ref: string | null; type: string | null; number: string | null; title: string | null; series_name: string | null }), id: Number(r.id), created_at: String(r.created_at instanceof Date ? r.created_at.toISOString() : r.created_at) }));
}
