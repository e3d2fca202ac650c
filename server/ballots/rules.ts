/**
 * The state rules of ballots (design.md §4; publication's are in server/publication/rules.ts): pure, each answering {ok, reason}, so that
 * the API, the pages and the tests ask the same question the same way. Times are ISO 8601 UTC strings.
 */
import type { Result } from './tally.ts';
import { windowState, type WindowState, type WindowTimes } from '../window.ts';

export type BallotState = WindowState;
export interface Verdict {
  ok: boolean;
  reason: string;
}
export const yes: Verdict = { ok: true, reason: '' };
export const no = (reason: string): Verdict => ({ ok: false, reason });

export type BallotTimes = WindowTimes;

export interface BallotLike extends BallotTimes {
  id: number;
  version_id: number;
  result: Result | null;
}

export interface VersionLike {
  id: number;
  n: number;
  state: 'draft' | 'approved' | 'rejected' | 'published';
  based_on: number | null;
}

/** The same rule as a consultation's window (server/window.ts). */
export const ballotState: (b: BallotTimes, now: Date) => BallotState = windowState;

/** A ballot that has closed but whose result has not been written yet. */
export const needsSettling = (b: BallotLike, now: Date): boolean => ballotState(b, now) === 'closed' && b.result === null;

export function canOpenBallot(version: VersionLike, ballotsOnIt: BallotLike[], closesAt: string, now: Date): Verdict {
  if (version.state !== 'draft') return no(`Version ${version.n} is ${version.state}: only a draft can go to ballot.`);
  if (ballotsOnIt.some((b) => ballotState(b, now) === 'open')) return no(`Version ${version.n} already has an open ballot.`);
  if (closesAt <= now.toISOString()) return no('The closing time must be in the future.');
  return yes;
}

export function canVote(b: BallotTimes, now: Date): Verdict {
  const s = ballotState(b, now);
  if (s === 'open') return yes;
  if (s === 'cancelled') return no('This ballot was cancelled: no vote can be cast.');
  if (s === 'scheduled') return no('This ballot is not open yet.');
  return no('This ballot has closed: votes can no longer be cast or changed.');
}

export function canExtend(b: BallotTimes, closesAt: string, now: Date): Verdict {
  const s = ballotState(b, now);
  if (s !== 'open') return no(`Only an open ballot can be extended; this one is ${s}.`);
  if (closesAt <= b.closes_at) return no('The new closing time must be later than the current one.');
  return yes;
}

export function canCloseEarly(b: BallotTimes, now: Date): Verdict {
  const s = ballotState(b, now);
  return s === 'open' ? yes : no(`Only an open ballot can be closed; this one is ${s}.`);
}

export function canCancel(b: BallotTimes, now: Date): Verdict {
  const s = ballotState(b, now);
  return s === 'open' || s === 'scheduled' ? yes : no(`Only an open ballot can be cancelled; this one is ${s}.`);
}

/**
 * A ballot moves to a newer draft based (directly or through other drafts) on its version. `chain`
 * gives based_on for every version of the standard.
 */
export function canMove(b: BallotLike, from: VersionLike, to: VersionLike, chain: Map<number, number | null>, otherBallotsOnTarget: BallotLike[], now: Date): Verdict {
  const s = ballotState(b, now);
  if (s !== 'open') return no(`Only an open ballot can be moved; this one is ${s}.`);
  if (to.id === from.id) return no(`The ballot is already on version ${to.n}.`);
  if (to.state !== 'draft') return no(`Version ${to.n} is ${to.state}: a ballot can only move to a draft.`);
  if (to.n <= from.n) return no(`Version ${to.n} is not newer than version ${from.n}.`);
  let at = to.based_on;
  const seen = new Set<number>();
  while (at != null && at !== from.id && !seen.has(at)) {
    seen.add(at);
    at = chain.get(at) ?? null;
  }
  if (at !== from.id) return no(`Version ${to.n} is not based on version ${from.n}.`);
  if (otherBallotsOnTarget.some((o) => o.id !== b.id && ballotState(o, now) === 'open')) return no(`Version ${to.n} already has an open ballot.`);
  return yes;
}
