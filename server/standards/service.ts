import type { Db } from '../db.ts';
import type { Clock } from '../clock.ts';
import { utcDay } from '../clock.ts';
import { dayBefore } from '../time.ts';
import { NotFound } from '../errors.ts';
import type { SnapshotSource, StandardSnapshot } from './snapshot.ts';
import type { Viewer } from '../auth/viewer.ts';
import { can } from '../auth/permissions.ts';
import { consultationState, releasesDraft } from '../consultations/state.ts';
import { editionLabel, inForceOn, inForceUntil, upcoming } from '../versions/edition.ts';
import * as repo from './repo.ts';
import type { ConsultationRow, StandardRow } from './repo.ts';
import { allVersionMetas, type VersionMeta } from '../versions/repo.ts';
import { canonicalRef, designation } from './refs.ts';
import { endorsementStatus } from '../versions/endorsement.ts';

const messages = {
  noStandard: (ref: string) => `There is no standard "${ref}" in the catalogue.`,
  noVersion: (d: string, n: number) => `${d} has no version ${n} that you can see.`,
};

export interface CurrentEdition {
  n: number;
  label: string;
  edition: number | null;
  amendment: number | null;
  in_force_from: string | null;
  /** published "with immediate effect, awaiting endorsement" by the UN (IACG-MA), not yet recorded */
  awaiting_endorsement: boolean;
  endorsed_on: string | null;
}

export interface StandardSummary {
  id: number;
  ref: string;
  designation: string;
  type: string;
  number: string;
  title: string;
  title_unconfirmed: boolean;
  series: string;
  withdrawn_on: string | null;
  replaced_by: string | null;
  current: CurrentEdition | null;
}

export interface VersionInfo extends VersionMeta {
  edition_label: string;
  in_force_until: string | null;
  /** the last day in force (the day before in_force_until): what pages show, so two ranges never share a day */
  in_force_to: string | null;
  is_current: boolean;
  is_upcoming: boolean;
  based_on_n: number | null;
  consultation: (ConsultationRow & { state: string }) | null;
  /** what its pages say about the UN endorsement: endorsed (with endorsed_on), awaiting it, or nothing */
  endorsement: 'endorsed' | 'awaiting' | null;
}

export interface StandardDetail {
  standard: StandardSummary;
  replacedBy: StandardSummary | null;
  versions: VersionInfo[];
  current: VersionInfo | null;
  upcoming: VersionInfo[];
  /** drafts of this standard under consultation now */
  openDrafts: VersionInfo[];
  day: string;
  /** the standard's revision: part of the page cache key */
  revision: number;
}

const currentOf = (v: VersionMeta | null): CurrentEdition | null =>
  v && { n: v.n, label: v.label, edition: v.edition, amendment: v.amendment, in_force_from: v.in_force_from, awaiting_endorsement: endorsementStatus(v) === 'awaiting', endorsed_on: v.endorsed_on };

function summarise(s: StandardRow, versions: VersionMeta[], day: string, refsById: Map<number, string>): StandardSummary {
  return {
    id: s.id,
    ref: s.ref,
    designation: designation(s.type, s.number),
    type: s.type,
    number: s.number,
    title: s.title,
    title_unconfirmed: s.title_unconfirmed,
    series: s.series,
    withdrawn_on: s.withdrawn_on,
    replaced_by: s.replaced_by ? refsById.get(s.replaced_by) ?? null : null,
    current: currentOf(inForceOn(versions, day, s.withdrawn_on)),
  };
}

export interface CatalogueFilter {
  q?: string;
  series?: string;
}

export interface CatalogueGroup {
  series: string;
  name: string;
  standards: StandardSummary[];
}

/** The catalogue with each standard's current edition, optionally filtered, grouped by series. */
export async function catalogue(db: Db, clock: Clock, filter: CatalogueFilter = {}) {
  const [standards, versions, seriesRows] = await Promise.all([
    repo.allStandards(db),
    allVersionMetas(db),
    db('series').select('code', 'name'),
  ]);
  const day = utcDay(clock.now());
  const byStandard = new Map<number, VersionMeta[]>();
  for (const v of versions) byStandard.set(v.standard_id, [...(byStandard.get(v.standard_id) ?? []), v]);
  const refsById = new Map(standards.map((s) => [s.id, s.ref]));
  const names = new Map<string, string>(seriesRows.map((r: { code: string; name: string }) => [r.code, r.name]));
  const q = filter.q?.trim().toLowerCase() ?? '';
  const all = standards.map((s) => summarise(s, byStandard.get(s.id) ?? [], day, refsById));
  const shown = all.filter(
    (s) =>
      (!filter.series || s.series === filter.series) &&
      (!q || `${s.designation} ${s.ref} ${s.title}`.toLowerCase().includes(q)),
  );
  const groups: CatalogueGroup[] = [];
  for (const s of shown) {
    let g = groups[groups.length - 1];
    if (!g || g.series !== s.series) {
      g = { series: s.series, name: names.get(s.series) ?? `Series ${s.series}`, standards: [] };
      groups.push(g);
    }
    g.standards.push(s);
  }
  const series = [...new Set(all.map((s) => s.series))].map((code) => ({ code, name: names.get(code) ?? `Series ${code}` }));
  return { groups, standards: shown, total: all.length, series, lastEdition: lastEditionDays(versions), day };
}

/** The day of each standard's last published edition or amendment: what its review period counts from (catalogue, review queue). */
export function lastEditionDays(versions: readonly VersionMeta[]): Map<number, string> {
  const last = new Map<number, string>();
  for (const v of versions) {
    if (v.state !== 'published') continue;
    const d = (v.published_at ?? v.in_force_from)?.slice(0, 10);
    if (d && (!last.has(v.standard_id) || d > last.get(v.standard_id)!)) last.set(v.standard_id, d);
  }
  return last;
}

/** The standard a ref names, accepting other spellings (`07-11`, `IMAS 07.11`). */
export async function resolveStandard(states: SnapshotSource, ref: string): Promise<StandardSnapshot> {
  const canonical = canonicalRef(ref);
  const key = (await states.key(ref)) ?? (canonical ? await states.key(canonical) : null);
  const snap = key && (await states.snapshot(key));
  if (!snap) throw new NotFound(messages.noStandard(ref));
  return snap;
}

/** Finds a standard by its ref; `redirect` is set when the ref was spelt another way. */
export async function findStandard(states: SnapshotSource, ref: string): Promise<{ snapshot: StandardSnapshot } | { redirect: string }> {
  const snap = await resolveStandard(states, ref);
  return snap.standard.ref === ref ? { snapshot: snap } : { redirect: snap.standard.ref };
}

/** Everything the standard's pages show, with drafts filtered by who is asking. Pure. */
export function standardDetail(snap: StandardSnapshot, viewer: Viewer | null, now: Date): StandardDetail {
  const { standard: s, versions: metas, consultations, replacedBy: replaced } = snap;
  const day = utcDay(now);
  const current = inForceOn(metas, day, s.withdrawn_on);
  const soon = new Set(upcoming(metas, day));
  const nById = new Map(metas.map((v) => [v.id, v.n]));
  const latestConsultation = new Map<number, ConsultationRow>();
  for (const c of consultations) latestConsultation.set(c.version_id, c);
  const visible = metas.filter(
    (v) =>
      v.state === 'published' ||
      can(viewer, 'drafts.read-unreleased') ||
      consultations.some((c) => c.version_id === v.id && releasesDraft(c, now)),
  );
  const versions: VersionInfo[] = visible.map((v) => {
    const c = latestConsultation.get(v.id);
    const until = inForceUntil(v, metas, s.withdrawn_on);
    return {
      ...v,
      edition_label: editionLabel(v.edition, v.amendment),
      in_force_until: until,
      in_force_to: until ? dayBefore(until) : null,
      is_current: v === current,
      is_upcoming: soon.has(v),
      based_on_n: v.based_on ? nById.get(v.based_on) ?? null : null,
      consultation: c ? { ...c, state: consultationState(c, now) } : null,
      endorsement: endorsementStatus(v),
    };
  });
  const refsById = new Map<number, string>([[s.id, s.ref]]);
  if (replaced) refsById.set(replaced.id, replaced.ref);
  return {
    standard: summarise(s, metas, day, refsById),
    // The replacing standard's own editions are not part of this snapshot: its name and link suffice.
    replacedBy: replaced ? summarise(replaced, [], day, refsById) : null,
    versions,
    current: versions.find((v) => v.is_current) ?? null,
    upcoming: versions.filter((v) => v.is_upcoming),
    openDrafts: versions.filter((v) => v.consultation?.state === 'open' && v.state !== 'published'),
    day,
    revision: s.revision,
  };
}

export function versionOf(detail: StandardDetail, n: number): VersionInfo {
  const v = detail.versions.find((x) => x.n === n);
  if (!v) throw new NotFound(messages.noVersion(detail.standard.designation, n));
  return v;
}

/** The version in force on a day, or null (before the first edition, or after withdrawal). */
export function inForceVersion(detail: StandardDetail, day: string): VersionInfo | null {
  return inForceOn(detail.versions, day, detail.standard.withdrawn_on);
}
