/**
 * The rules of publication (design.md §4): pure, each answering {ok, reason}. Times are ISO 8601 UTC strings.
 */
import { no, yes, type BallotLike, type Verdict, type VersionLike } from '../ballots/rules.ts';

/** Only a version whose ballot closed approved may be published (design.md §4). */
export function canPublish(version: VersionLike, ballot: BallotLike | null): Verdict {
  if (version.state === 'published') return no(`Version ${version.n} is already published.`);
  if (!ballot) return no(`Version ${version.n} has not been through a ballot of the Review Board.`);
  if (ballot.version_id !== version.id) return no(`The ballot is on another version, not version ${version.n}.`);
  if (ballot.cancelled_at) return no('Its ballot was cancelled.');
  if (ballot.result === null) return no('Its ballot has not closed yet.');
  if (ballot.result !== 'approved') return no(`Its ballot closed ${ballot.result === 'no_quorum' ? 'without a quorum' : 'rejected'}.`);
  if (version.state !== 'approved') return no(`Version ${version.n} is ${version.state}, not approved.`);
  return yes;
}

export interface EditionNumber {
  edition: number | null;
  amendment: number | null;
}
const rank = (e: EditionNumber) => [e.edition ?? 0, e.amendment ?? 0] as const;

/** Edition N [Amendment M] must come after every edition already published and not repeat one. */
export function canNumber(next: EditionNumber, published: EditionNumber[]): Verdict {
  const [ne, na] = rank(next);
  for (const p of published) {
    const [pe, pa] = rank(p);
    if (pe === ne && pa === na) return no(`${label(next)} is already published.`);
    if (pe > ne || (pe === ne && pa > na)) return no(`${label(next)} would come before ${label(p)}, which is already published.`);
  }
  if (na > 0 && !published.some((p) => p.edition === ne)) return no(`Edition ${ne} has not been published: an amendment amends a published edition.`);
  return yes;
}

/**
 * The number a publication is offered by default: a new edition after the highest published one; the
 * alternative is the next amendment of that edition (the only one an amendment may still amend).
 */
export function suggestNumber(published: EditionNumber[]): { next: EditionNumber; amendment: EditionNumber | null } {
  const last = Math.max(0, ...published.map((p) => p.edition ?? 0));
  const lastAmendment = Math.max(0, ...published.filter((p) => p.edition === last).map((p) => p.amendment ?? 0));
  return { next: { edition: last + 1, amendment: null }, amendment: last ? { edition: last, amendment: lastAmendment + 1 } : null };
}

export const label = (e: EditionNumber) => (e.amendment ? `Edition ${e.edition} Amendment ${e.amendment}` : `Edition ${e.edition}`);

/** The in-force date of a publication: a UTC day not before the day of publication. */
export function canSetInForce(inForceFrom: string, now: Date): Verdict {
  const today = now.toISOString().slice(0, 10);
  return inForceFrom >= today ? yes : no(`The in-force date cannot be before today (${today}).`);
}
