/**
 * The marks of a standard's timeline (server/pictures/timeline.ts) from what its pages already show:
 * the versions the reader may see (drafts not released stay hidden, as on the page), their latest
 * consultation, and the ballots on them — for a reader who does not see open ballots, only those whose
 * result is written (that write bumps the standard's revision, so a cached page never goes stale on it).
 */
import { editionLabel } from '../versions/edition.ts';
import { timelineSvg, type TimelineMark } from '../pictures/timeline.ts';
import type { BallotMark } from './repo.ts';
import type { StandardDetail } from './service.ts';

/** `here`: the version whose own page (/versions/{n}) this is: its mark is not a link (a page never links to itself). */
export function timelineMarks(detail: StandardDetail, ballots: readonly BallotMark[], seesOpenBallots: boolean, here: number | null = null): TimelineMark[] {
  const ref = encodeURIComponent(detail.standard.ref);
  const marks: TimelineMark[] = [];
  const byId = new Map(detail.versions.map((v) => [v.id, v]));
  for (const v of detail.versions) {
    const href = v.n === here ? null : `/standards/${ref}/versions/${v.n}`;
    if (v.state === 'published') {
      const day = v.in_force_from ?? v.published_at?.slice(0, 10);
      if (day) marks.push({ kind: v.amendment ? 'amendment' : 'edition', label: v.edition ? editionLabel(v.edition, v.amendment) : v.label, start: day, href });
    } else {
      marks.push({ kind: 'draft', label: `${v.label} (version ${v.n}, ${v.state})`, start: v.created_at, href });
    }
    const c = v.consultation;
    // a consultation cancelled before it opened never happened, for the timeline
    if (c && !(c.cancelled_at && c.cancelled_at <= c.opens_at)) {
      marks.push({ kind: 'consultation', label: `Consultation C-${c.id} on version ${v.n}`, start: c.opens_at, end: c.cancelled_at && c.cancelled_at < c.closes_at ? c.cancelled_at : c.closes_at, href: `/consultations/${c.id}` });
    }
  }
  for (const b of ballots) {
    const v = byId.get(b.version_id);
    if (!v || (!seesOpenBallots && b.result === null)) continue;
    const end = b.cancelled_at && b.cancelled_at < b.closes_at ? b.cancelled_at : b.closes_at;
    marks.push({ kind: 'ballot', label: `Ballot ${b.id} on version ${v.n}${b.result ? `: ${b.result.replace('_', ' ')}` : b.cancelled_at ? ': cancelled' : ''}`, start: b.opens_at, end, href: `/ballots/${b.id}` });
  }
  return marks;
}

export const standardTimeline = (detail: StandardDetail, ballots: readonly BallotMark[], seesOpenBallots: boolean, here: number | null = null): string =>
  timelineSvg({ id: 'timeline', name: detail.standard.designation, marks: timelineMarks(detail, ballots, seesOpenBallots, here), today: detail.day });
