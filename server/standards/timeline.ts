/**
 * The marks of a standard's timeline (server/pictures/timeline.ts) from what its pages already show:
 * the versions the reader may see (drafts not released stay hidden, as on the page), their latest
 * consultation, and the ballots on them — for a reader who does not see open ballots, only those whose
 * result is written (that write bumps the standard's revision, so a cached page never goes stale on it).
 */
import { editionLabel } from '../versions/edition.ts';
import { TIMELINE_WORDS, timelineSvg, type TimelineMark } from '../pictures/timeline.ts';
import { pictureWords } from '../pictures/words.ts';
import type { Words } from '../pictures/svg.ts';
import { localise } from '../i18n/messages.ts';
import type { BallotMark } from './repo.ts';
import type { StandardDetail } from './service.ts';

/** `here`: the version whose own page (/versions/{n}) this is: its mark is not a link (a page never links to itself). */
/** The marks' labels in English; the page's language through `words` (locales/<lng>/pictures.json `marks`). */
export const MARK_WORDS = {
  draft: '{{label}} (version {{n}}, {{state}})',
  consultation: 'Consultation C-{{id}} on version {{n}}',
  ballot: 'Ballot {{id}} on version {{n}}',
  ballotResult: 'Ballot {{id}} on version {{n}}: {{result}}',
  state_draft: 'draft',
  state_approved: 'approved',
  state_rejected: 'rejected',
  state_published: 'published',
  result_approved: 'approved',
  result_rejected: 'rejected',
  result_no_quorum: 'no quorum',
  result_cancelled: 'cancelled',
} as const;

export function timelineMarks(detail: StandardDetail, ballots: readonly BallotMark[], seesOpenBallots: boolean, here: number | null = null, lang = 'en'): TimelineMark[] {
  const w: Words = pictureWords(lang, 'marks', MARK_WORDS);
  const ref = encodeURIComponent(detail.standard.ref);
  const marks: TimelineMark[] = [];
  const byId = new Map(detail.versions.map((v) => [v.id, v]));
  for (const v of detail.versions) {
    const href = v.n === here ? null : `/standards/${ref}/versions/${v.n}`;
    if (v.state === 'published') {
      const day = v.in_force_from ?? v.published_at?.slice(0, 10);
      if (day) marks.push({ kind: v.amendment ? 'amendment' : 'edition', label: localise(lang, v.edition ? editionLabel(v.edition, v.amendment) : v.label), start: day, href });
    } else {
      marks.push({ kind: 'draft', label: w('draft', { label: localise(lang, v.label), n: v.n, state: w(`state_${v.state}`) }), start: v.created_at, href });
    }
    const c = v.consultation;
    // a consultation cancelled before it opened never happened, for the timeline
    if (c && !(c.cancelled_at && c.cancelled_at <= c.opens_at)) {
      marks.push({ kind: 'consultation', label: w('consultation', { id: c.id, n: v.n }), start: c.opens_at, end: c.cancelled_at && c.cancelled_at < c.closes_at ? c.cancelled_at : c.closes_at, href: `/consultations/${c.id}` });
    }
  }
  for (const b of ballots) {
    const v = byId.get(b.version_id);
    if (!v || (!seesOpenBallots && b.result === null)) continue;
    const end = b.cancelled_at && b.cancelled_at < b.closes_at ? b.cancelled_at : b.closes_at;
    const outcome = b.result ?? (b.cancelled_at ? 'cancelled' : null);
    marks.push({ kind: 'ballot', label: outcome ? w('ballotResult', { id: b.id, n: v.n, result: w(`result_${outcome}`) }) : w('ballot', { id: b.id, n: v.n }), start: b.opens_at, end, href: `/ballots/${b.id}` });
  }
  return marks;
}

export const standardTimeline = (detail: StandardDetail, ballots: readonly BallotMark[], seesOpenBallots: boolean, here: number | null = null, lang = 'en'): string =>
  timelineSvg({ id: 'timeline', name: detail.standard.designation, marks: timelineMarks(detail, ballots, seesOpenBallots, here, lang), today: detail.day }, pictureWords(lang, 'timeline', TIMELINE_WORDS));
