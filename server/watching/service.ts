import type { Db } from '../db.ts';
import type { Clock } from '../clock.ts';
import type { Viewer } from '../auth/viewer.ts';
import { roleCan } from '../auth/permissions.ts';
import { NotFound, Validation } from '../errors.ts';
import { canonicalRef, designation, type StandardType } from '../standards/refs.ts';
import * as repo from './repo.ts';
import type { WatchInput } from './validation.ts';

/**
 * Watching (issue 16 item 2): a signed-in user watches a standard, a series or everything; a Board
 * member watches everything until they choose otherwise. No audit events: what one watches is personal,
 * changes nothing anyone else sees, and is not part of the review record.
 */
export const messages = {
  noStandard: (ref: string) => `There is no standard "${ref}" in the catalogue.`,
  noSeries: (code: string) => `There is no series ${code}.`,
  noWatch: 'You have no such watch.',
} as const;

export interface WatchView {
  id: number;
  scope: 'all' | 'series' | 'standard';
  series: { code: string; name: string | null } | null;
  standard: { ref: string; designation: string; title: string } | null;
  created_at: string;
}

export interface WatchList {
  watches: WatchView[];
  /** a Board member with no choice of their own: they watch everything */
  default_all: boolean;
  /** they chose to watch nothing */
  nothing: boolean;
}

export async function watchList(db: Db, viewer: Viewer): Promise<WatchList> {
  const rows = await repo.watchesNamed(db, viewer.id);
  const nothing = rows.some((r) => r.scope === 'none');
  return {
    watches: rows
      .filter((r) => r.scope !== 'none')
      .map((r) => ({
        id: r.id,
        scope: r.scope as WatchView['scope'],
        series: r.scope === 'series' ? { code: r.series!, name: r.series_name } : null,
        standard: r.scope === 'standard' && r.ref ? { ref: r.ref, designation: designation(r.type as StandardType, r.number!), title: r.title! } : null,
        created_at: r.created_at,
      })),
    default_all: rows.length === 0 && roleCan(viewer.role, 'ballots.vote'),
    nothing,
  };
}

export async function watch(db: Db, clock: Clock, viewer: Viewer, input: WatchInput): Promise<void> {
  if (input.scope === 'all') return repo.addWatch(db, viewer.id, { scope: 'all' }, clock.now());
  if (input.scope === 'series') {
    if (!(await repo.seriesForWatch(db, input.series!))) throw new Validation(messages.noSeries(input.series!), { series: messages.noSeries(input.series!) });
    return repo.addWatch(db, viewer.id, { scope: 'series', series: input.series! }, clock.now());
  }
  const s = await repo.standardForWatch(db, canonicalRef(input.ref!) ?? input.ref!);
  if (!s) throw new Validation(messages.noStandard(input.ref!), { ref: messages.noStandard(input.ref!) });
  // A Board member's default (everything, with no row) gives way to their first choice.
  await repo.addWatch(db, viewer.id, { scope: 'standard', standardId: s.id }, clock.now());
}

export async function unwatch(db: Db, clock: Clock, viewer: Viewer, id: number): Promise<void> {
  const mine = await repo.watchesOf(db, viewer.id);
  if (!mine.some((w) => w.id === id && w.scope !== 'none')) throw new NotFound(messages.noWatch);
  await repo.removeWatch(db, viewer.id, id);
  // Removing the last choice must not bring back a Board member's default of everything.
  if (mine.length === 1 && roleCan(viewer.role, 'ballots.vote')) await repo.watchNothing(db, viewer.id, clock.now());
}

export async function watchNothing(db: Db, clock: Clock, viewer: Viewer): Promise<void> {
  await repo.watchNothing(db, viewer.id, clock.now());
}

/** How the viewer watches a standard: its own watch (which can be stopped here), through its series or everything, or not. */
export async function watchStateOf(db: Db, viewer: Viewer, standard: { id: number; series: string }): Promise<{ watching: boolean; via: 'standard' | 'series' | 'all' | null; watch_id: number | null }> {
  return stateFrom(await repo.watchesOf(db, viewer.id), viewer, standard);
}

/**
 * watchStateOf from the reader's watch rows read with their session (accounts/sessions.ts): what the
 * watch button of a signed-in reader's cached page needs (server/http/user-slots.ts) without a query
 * of its own. `standard` is the page's, from the cached state of its standard (StandardStates).
 */
export function watchStateOfRows(viewer: Viewer, standard: { id: number; series: string; ref: string }, rows: Array<{ id: number; scope: string; series: string | null; standard_id: number | null }>): Awaited<ReturnType<typeof watchStateOf>> & { ref: string } {
  return { ...stateFrom(rows, viewer, standard), ref: standard.ref };
}

function stateFrom(rows: Array<{ id: number; scope: string; series: string | null; standard_id: number | null }>, viewer: Viewer, standard: { id: number; series: string }) {
  const own = rows.find((w) => w.scope === 'standard' && Number(w.standard_id) === standard.id);
  if (own) return { watching: true, via: 'standard' as const, watch_id: own.id };
  if (rows.some((w) => w.scope === 'series' && w.series === standard.series)) return { watching: true, via: 'series' as const, watch_id: null };
  if (rows.some((w) => w.scope === 'all') || (rows.length === 0 && roleCan(viewer.role, 'ballots.vote'))) return { watching: true, via: 'all' as const, watch_id: null };
  return { watching: false, via: null, watch_id: null };
}
