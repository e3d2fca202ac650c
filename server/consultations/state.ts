import { windowState, type WindowState, type WindowTimes } from '../window.ts';

/** A consultation's state is derived from its dates and the clock (design.md §2); nothing stores it. */
export type ConsultationState = WindowState;
export type ConsultationTimes = WindowTimes;

/** The same rule as a ballot's window (server/window.ts). */
export const consultationState: (c: ConsultationTimes, now: Date) => ConsultationState = windowState;

/** A draft becomes public once a consultation on it has opened (and was not cancelled before that). */
export function releasesDraft(c: ConsultationTimes, now: Date): boolean {
  const t = now.toISOString();
  if (c.cancelled_at && c.cancelled_at <= c.opens_at) return false;
  return c.opens_at <= t;
}

/** Comments can be written, edited and withdrawn only while the window is open. */
export const acceptsComments = (c: ConsultationTimes, now: Date): boolean => consultationState(c, now) === 'open';

/**
 * The consultation report (comments and dispositions) is public once the window has shut: after the
 * close, or after a cancellation of a consultation that had opened.
 */
export function reportIsPublic(c: ConsultationTimes, now: Date): boolean {
  const s = consultationState(c, now);
  return s === 'closed' || (s === 'cancelled' && releasesDraft(c, now));
}

export type ConsultationChange =
  | { kind: 'reschedule'; opens_at?: string; closes_at?: string }
  | { kind: 'close' }
  | { kind: 'cancel' };

/**
 * Whether a change is allowed now, and why not. Closing early and cancelling are for a live
 * consultation; dates move only before the close (a closed consultation's record is final).
 */
export function checkChange(c: ConsultationTimes, change: ConsultationChange, now: Date): { ok: true } | { ok: false; reason: string } {
  const state = consultationState(c, now);
  const t = now.toISOString();
  if (state === 'cancelled') return { ok: false, reason: 'This consultation was cancelled: it cannot be changed.' };
  if (state === 'closed') return { ok: false, reason: 'This consultation has closed: its record is final and it cannot be changed.' };
  if (change.kind === 'close') {
    return state === 'open' ? { ok: true } : { ok: false, reason: 'Only an open consultation can be closed early; cancel a scheduled one instead.' };
  }
  if (change.kind === 'cancel') return { ok: true };
  const opens = change.opens_at ?? c.opens_at;
  const closes = change.closes_at ?? c.closes_at;
  if (change.opens_at && state !== 'scheduled') return { ok: false, reason: 'The opening date cannot move once the consultation has opened.' };
  if (change.opens_at && change.opens_at < t) return { ok: false, reason: 'The new opening date is in the past.' };
  if (closes <= opens) return { ok: false, reason: 'The closing date must be after the opening date.' };
  if (closes <= t) return { ok: false, reason: 'The new closing date is in the past: to close the consultation now, close it early.' };
  return { ok: true };
}
