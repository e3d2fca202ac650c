/**
 * Ballot order (issue 12 item 5): the Board votes on a draft only once the consultations that led to it
 * are over and every comment in them has a disposition. Pure: the service finds the consultations, these
 * functions decide.
 */
import type { WindowState } from '../window.ts';

/** A consultation on the draft or on a draft it is based on, as the service found it. */
export interface ConsultationFinding {
  id: number;
  /** the version it is on */
  n: number;
  label: string;
  state: WindowState;
  /** comments not withdrawn and without a disposition */
  undisposed: number;
}

/** Why one consultation holds the ballot back. */
export interface Blocking {
  consultation_id: number;
  n: number;
  label: string;
  state: WindowState;
  /** the consultation has not closed yet (open, or scheduled to open) */
  not_closed: boolean;
  undisposed: number;
}

export type OrderVerdict = { ok: true; blocking: [] } | { ok: false; blocking: Blocking[]; reason: string };

const comments = (k: number) => (k === 1 ? '1 comment has' : `${k} comments have`);

/** What one blocking consultation is, in a sentence fragment. */
export function describeBlocking(b: Blocking): string {
  const on = `consultation C-${b.consultation_id} on version ${b.n} (${b.label})`;
  const when = b.state === 'scheduled' ? 'has not opened yet' : 'is still open';
  if (b.not_closed && b.undisposed) return `${on} ${when} and ${comments(b.undisposed)} no disposition`;
  if (b.not_closed) return `${on} ${when}`;
  return `${on}: ${comments(b.undisposed)} no disposition`;
}

/**
 * A ballot may open when none of the consultations is still open (or scheduled) and none has comments
 * without a disposition. A cancelled consultation holds nothing back: it was called off, and what was
 * said in it is not part of the record the Board votes on.
 */
export function ballotOrder(found: ConsultationFinding[]): OrderVerdict {
  const blocking: Blocking[] = [];
  for (const c of found) {
    if (c.state === 'cancelled') continue;
    const notClosed = c.state === 'open' || c.state === 'scheduled';
    if (!notClosed && c.undisposed <= 0) continue;
    blocking.push({ consultation_id: c.id, n: c.n, label: c.label, state: c.state, not_closed: notClosed, undisposed: Math.max(0, c.undisposed) });
  }
  if (!blocking.length) return { ok: true, blocking: [] };
  return {
    ok: false,
    blocking,
    reason: `A ballot cannot open yet: ${blocking.map(describeBlocking).join('; ')}. Close the consultation and record a disposition for every comment first, or give a reason to override this order.`,
  };
}

export interface ChainVersion {
  id: number;
  based_on: number | null;
  state: 'draft' | 'approved' | 'rejected' | 'published';
}

/**
 * The draft and the drafts it is based on since the current edition: the based-on chain walked back
 * from the draft, stopping at the first published version (the edition the work started from), at a
 * version not among the standard's, or at a loop.
 */
export function draftsSinceEdition(draftId: number, versions: ChainVersion[]): number[] {
  const byId = new Map(versions.map((v) => [v.id, v]));
  const out: number[] = [];
  let at: ChainVersion | undefined = byId.get(draftId);
  while (at && at.state !== 'published' && !out.includes(at.id)) {
    out.push(at.id);
    at = at.based_on == null ? undefined : byId.get(at.based_on);
  }
  return out;
}
