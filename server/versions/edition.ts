/**
 * Which edition is in force (design.md §3): the published version with the latest in-force date not
 * after the day asked for; none from the day the standard is withdrawn. Pure, so tests can ask any day.
 */
export interface EditionCandidate {
  n: number;
  state: string;
  in_force_from: string | null;
}

export function inForceOn<V extends EditionCandidate>(versions: V[], day: string, withdrawnOn: string | null): V | null {
  if (withdrawnOn && withdrawnOn <= day) return null;
  let best: V | null = null;
  for (const v of versions) {
    if (v.state !== 'published' || !v.in_force_from || v.in_force_from > day) continue;
    if (!best || v.in_force_from > best.in_force_from! || (v.in_force_from === best.in_force_from && v.n > best.n)) best = v;
  }
  return best;
}

/** Published versions that come into force after the day: announced on the current edition. */
export function upcoming<V extends EditionCandidate>(versions: V[], day: string): V[] {
  return versions
    .filter((v) => v.state === 'published' && v.in_force_from && v.in_force_from > day)
    .sort((a, b) => a.in_force_from!.localeCompare(b.in_force_from!));
}

/** The day a published version stops being in force: when the next one starts, or on withdrawal. */
export function inForceUntil<V extends EditionCandidate>(v: V, versions: V[], withdrawnOn: string | null): string | null {
  if (v.state !== 'published' || !v.in_force_from) return null;
  let until: string | null = withdrawnOn && withdrawnOn > v.in_force_from ? withdrawnOn : null;
  for (const o of versions) {
    if (o === v || o.state !== 'published' || !o.in_force_from) continue;
    const later = o.in_force_from > v.in_force_from || (o.in_force_from === v.in_force_from && o.n > v.n);
    if (later && (!until || o.in_force_from < until)) until = o.in_force_from;
  }
  return until;
}

export function editionLabel(edition: number | null, amendment: number | null): string {
  if (!edition) return '';
  return amendment ? `Edition ${edition} Amendment ${amendment}` : `Edition ${edition}`;
}
