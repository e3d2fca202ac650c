/**
 * The state of a time window — a consultation's or a ballot's — derived from its dates and the clock
 * (design.md §2), so nothing stores it and tests move time. Pure; times are ISO 8601 UTC strings, which
 * compare in time order as strings.
 */
export type WindowState = 'scheduled' | 'open' | 'closed' | 'cancelled';

export interface WindowTimes {
  opens_at: string;
  closes_at: string;
  cancelled_at: string | null;
}

/** Open means opens_at ≤ now < closes_at; closing early sets closes_at = now; a cancelled window stays cancelled. */
export function windowState(w: WindowTimes, now: Date): WindowState {
  if (w.cancelled_at) return 'cancelled';
  const t = now.toISOString();
  if (t < w.opens_at) return 'scheduled';
  return t < w.closes_at ? 'open' : 'closed';
}
