import type { Viewer } from '../auth/viewer.ts';
import { can } from '../auth/permissions.ts';
import { designation } from '../standards/refs.ts';
import type { Location } from './anchors.ts';
import type { CommentRevision, CommentRow, ConsultationFull } from './repo.ts';
import type { SheetComment } from './sheets.ts';
import { consultationState, releasesDraft, reportIsPublic, type ConsultationState } from './state.ts';

/**
 * What the services hand to the pages and the API, and the JSON of it: pure shaping of the repo's rows,
 * with what the viewer may see and the state at `now`.
 */

export interface ConsultationView extends ConsultationFull {
  state: ConsultationState;
  designation: string;
  /** whether the viewer may read the draft's text */
  draftVisible: boolean;
  reportPublic: boolean;
  comments: number;
}

// A copy with fields added is made with Object.assign, not `{ ...row, more }`: V8 (Node 20) builds a new
// hidden class for every such literal of a row this wide — measured ~10× slower, on every comment submitted.
export function consultationView(c: ConsultationFull, viewer: Viewer | null, now: Date, count = 0): ConsultationView {
  return Object.assign({}, c, {
    state: consultationState(c, now),
    designation: designation(c.standard_type, c.standard_number),
    draftVisible: c.version_state === 'published' || can(viewer, 'drafts.read-unreleased') || releasesDraft(c, now),
    reportPublic: reportIsPublic(c, now),
    comments: count,
  });
}

export function consultationJson(c: ConsultationView) {
  return {
    id: c.id,
    ref: c.standard_ref,
    designation: c.designation,
    title: c.standard_title,
    n: c.n,
    label: c.label,
    opens_at: c.opens_at,
    closes_at: c.closes_at,
    cancelled_at: c.cancelled_at,
    instructions: c.instructions,
    state: c.state,
    comments: c.comments,
    report_public: c.reportPublic,
    proposal_id: c.proposal_id ?? null,
  };
}

/** A comment's receipt number: C-{consultation}-{seq}. */
export const reference = (c: { consultation_id: number; seq: number }): string => `C-${c.consultation_id}-${c.seq}`;

export interface CommentView extends CommentRow {
  reference: string;
  withdrawn: boolean;
  on_behalf: boolean;
  location?: Location;
}

/** Every field named, for one hidden class whatever the row came from (see batch.ts storedComment). */
export const commentView = (r: CommentRow): CommentView => ({
  id: r.id, consultation_id: r.consultation_id, seq: r.seq, author_id: r.author_id, author_name: r.author_name, organisation: r.organisation, entered_by: r.entered_by,
  clause_key: r.clause_key, clause_ref: r.clause_ref, paragraph: r.paragraph, line_number: r.line_number, type: r.type, comment: r.comment, proposed_change: r.proposed_change,
  disposition: r.disposition, response: r.response, disposed_by: r.disposed_by, disposed_at: r.disposed_at, withdrawn_at: r.withdrawn_at, submitted_at: r.submitted_at,
  updated_at: r.updated_at, edited_at: r.edited_at,
  reference: reference(r), withdrawn: Boolean(r.withdrawn_at), on_behalf: r.entered_by !== null && r.author_id === null,
});

export function commentJson(c: CommentView) {
  return {
    id: c.id,
    reference: c.reference,
    consultation_id: c.consultation_id,
    clause: c.clause_ref,
    clause_key: c.clause_key,
    paragraph: c.paragraph,
    line_number: c.line_number,
    type: c.type,
    comment: c.comment,
    proposed_change: c.proposed_change,
    author: { name: c.author_name, organisation: c.organisation },
    entered_on_behalf: c.on_behalf,
    submitted_at: c.submitted_at,
    updated_at: c.updated_at,
    edited_at: c.edited_at,
    withdrawn: c.withdrawn,
    withdrawn_at: c.withdrawn_at,
    disposition: c.disposition,
    response: c.response,
    disposed_at: c.disposed_at,
    ...(c.location ? { location: c.location } : {}),
  };
}

/** An earlier text of a comment, as the API gives it. */
export function revisionJson(r: CommentRevision) {
  return { clause: r.clause_ref, clause_key: r.clause_key, paragraph: r.paragraph, line_number: r.line_number, type: r.type, comment: r.comment, proposed_change: r.proposed_change, replaced_at: r.replaced_at };
}

export function sheetComment(c: CommentView): SheetComment {
  return {
    reference: c.reference, organisation: c.organisation, author_name: c.author_name, line_number: c.line_number, clause_ref: c.clause_ref,
    paragraph: c.paragraph, type: c.type, comment: c.comment, proposed_change: c.proposed_change, disposition: c.disposition,
    response: c.response, withdrawn: c.withdrawn, submitted_at: c.submitted_at,
  };
}
