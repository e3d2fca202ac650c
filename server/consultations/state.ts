/** A consultation's state is derived from its dates and the clock (design.md §2); nothing stores it. */
export type ConsultationState = 'scheduled' | 'open' | 'closed' | 'cancelled';

export interface ConsultationTimes {
  opens_at: string;
  closes_at: string;
  cancelled_at: string | null;
}

export function consultationState(c: ConsultationTimes, now: Date): ConsultationState {
  if (c.cancelled_at) return 'cancelled';
  const t = now.toISOString();
  if (t < c.opens_at) return 'scheduled';
  return t < c.closes_at ? 'open' : 'closed';
}

/** A draft becomes public once a consultation on it has opened (and was not cancelled before that). */
export function releasesDraft(c: ConsultationTimes, now: Date): boolean {
  const t = now.toISOString();
  if (c.cancelled_at && c.cancelled_at <= c.opens_at) return false;
  return c.opens_at <= t;
}
