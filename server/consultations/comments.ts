import type { Viewer } from '../auth/viewer.ts';
import { can } from '../auth/permissions.ts';
import { Conflict, Forbidden, NotFound, Validation } from '../errors.ts';
import { appendAudit } from '../audit/service.ts';
import { clausesOf, versionMetas, type ClauseRow } from '../versions/repo.ts';
import { z } from 'zod';
import { byKey, locate, resolveClause } from './anchors.ts';
import { getConsultation, type Ctx } from './lifecycle.ts';
import { messages } from './messages.ts';
import * as repo from './repo.ts';
import type { CommentRevision, CommentRow, ConsultationFull, NewComment } from './repo.ts';
import type { SheetRow } from './sheets.ts';
import { consultationState, releasesDraft } from './state.ts';
import { commentFields, type CommentCreate, type CommentPatch, type MatrixFilter } from './validation.ts';
import { fieldsOf } from '../http/validation.ts';
import { commentView, reference, type CommentView, type ConsultationView } from './views.ts';
import { checkOpen, writerFor } from './writer.ts';
import { queueDisposition } from '../notifications/service.ts';
import { designation } from '../standards/refs.ts';

/** Comments on a consultation: submit, edit (and dispose), withdraw, import a sheet, read. */

/**
 * Who may read the comments: everyone once the report is public; signed-in users before that.
 * The public asking too early is told when the report comes (409: the consultation is not in that state yet).
 */
export function checkCanRead(c: ConsultationView, viewer: Viewer | null): void {
  if (c.reportPublic || viewer) return;
  if (!c.draftVisible) throw new NotFound(messages.noConsultation);
  throw new Conflict(messages.reportLater(c.closes_at));
}

export interface Matrix {
  consultation: ConsultationView;
  comments: CommentView[];
  /** the later draft the comments were followed onto */
  mappedTo: { n: number; label: string; diff: string } | null;
}

/** The comment matrix, filtered, optionally followed onto a later draft (`?version=n`). */
export async function listComments(ctx: Ctx, viewer: Viewer | null, id: number, filter: MatrixFilter = {}, version?: number): Promise<Matrix> {
  const c = await getConsultation(ctx, viewer, id);
  checkCanRead(c, viewer);
  const comments = (await repo.listComments(ctx.db, c.id, filter)).map(commentView);
  let mappedTo: Matrix['mappedTo'] = null;
  if (version !== undefined && version !== c.n) {
    const later = await laterVersion(ctx, viewer, c, version);
    const [from, to] = await Promise.all([clausesOf(ctx.db, c.version_id), clausesOf(ctx.db, later.id)]);
    const before = byKey(from);
    const after = byKey(to);
    for (const cm of comments) cm.location = locate(cm, before, after);
    mappedTo = { n: later.n, label: later.label, diff: `/standards/${encodeURIComponent(c.standard_ref)}/diff/${c.n}..${later.n}` };
  }
  return { consultation: c, comments, mappedTo };
}

/** Version n of the consultation's standard, if the viewer may see it and it descends from the commented draft. */
export async function laterVersion(ctx: Ctx, viewer: Viewer | null, c: ConsultationView, n: number) {
  const metas = await versionMetas(ctx.db, c.standard_id);
  const target = metas.find((m) => m.n === n);
  if (!target) throw new NotFound(messages.noVersion(c.designation, n));
  if (target.state !== 'published' && !can(viewer, 'drafts.read-unreleased')) {
    const released = (await repo.consultationsOfVersion(ctx.db, target.id)).some((x) => releasesDraft(x, ctx.clock.now()));
    if (!released) throw new NotFound(messages.noVersion(c.designation, n));
  }
  const byId = new Map(metas.map((m) => [m.id, m]));
  let at: (typeof metas)[number] | undefined = target;
  const seen = new Set<number>();
  while (at && at.id !== c.version_id && !seen.has(at.id)) {
    seen.add(at.id);
    at = at.based_on ? byId.get(at.based_on) : undefined;
  }
  if (!at) throw new Validation(messages.notLater(n, c.n), { version: messages.notLater(n, c.n) });
  return target;
}

export async function organisations(ctx: Ctx, id: number): Promise<string[]> {
  return repo.organisationsOf(ctx.db, id);
}

function authorOf(viewer: Viewer, onBehalf: CommentCreate['on_behalf_of']): Pick<NewComment, 'author_id' | 'author_name' | 'organisation' | 'entered_by'> {
  if (onBehalf) {
    if (!can(viewer, 'comments.on-behalf')) throw new Forbidden(messages.onBehalfOnly);
    return { author_id: null, author_name: onBehalf.name ?? onBehalf.organisation, organisation: onBehalf.organisation, entered_by: viewer.id };
  }
  return { author_id: viewer.id, author_name: viewer.name, organisation: viewer.organisation ?? '', entered_by: null };
}

/** The clause key and ref to store, or why the clause cannot be placed. */
function anchor(input: string | null | undefined, clauses: ClauseRow[]): Pick<NewComment, 'clause_key' | 'clause_ref'> | { error: string } {
  const r = resolveClause(input, clauses);
  if (r.kind === 'general') return { clause_key: null, clause_ref: null };
  if (r.kind === 'clause') return { clause_key: r.clause.key, clause_ref: r.clause.ref };
  return { error: r.reason };
}
const placeError = (reason: string) => `Choose a clause of the draft: ${reason}.`;

/**
 * The consultation as a submission first sees it, reused for a second (ctx.caches): the window is
 * checked again, authoritatively, in the transaction that writes the comment.
 */
async function consultationForSubmit(ctx: Ctx, viewer: Viewer, id: number): Promise<ConsultationFull> {
  const c = Number.isInteger(id) && id > 0 ? await ctx.caches.consultations.consultation(id, (x) => repo.consultationById(ctx.db, x)) : null;
  if (!c) throw new NotFound(messages.noConsultation);
  // consultationView's draftVisible and state, without copying the row (this runs for every comment).
  const now = ctx.clock.now();
  const draftVisible = c.version_state === 'published' || can(viewer, 'drafts.read-unreleased') || releasesDraft(c, now);
  if (!draftVisible && consultationState(c, now) !== 'scheduled') throw new NotFound(messages.noConsultation);
  return c;
}

/** What a submission needs before its body is read: the consultation (the viewer may see it), and its draft's clauses. */
export interface SubmitTarget {
  consultation: ConsultationFull;
  clauses: ClauseRow[];
}

/** The consultation a comment goes to (404 when the viewer may not see it), and its draft's clauses (both cached). */
export async function submitTarget(ctx: Ctx, viewer: Viewer, id: number): Promise<SubmitTarget> {
  const consultation = await consultationForSubmit(ctx, viewer, id);
  return { consultation, clauses: await ctx.caches.consultations.clausesOf(consultation.version_id, (v) => clausesOf(ctx.db, v)) };
}

/** The row a submission writes, or why it cannot (the window, on behalf of whom, the clause): synchronous, no I/O. */
export function commentRowOf(target: SubmitTarget, viewer: Viewer, input: CommentCreate, now: Date): NewComment {
  const c = target.consultation;
  checkOpen(c, now);
  const who = authorOf(viewer, input.on_behalf_of);
  const place = anchor(input.clause, target.clauses);
  if ('error' in place) throw new Validation(placeError(place.error), { clause: placeError(place.error) });
  // Field by field, not spread: it runs for every comment (see views.ts consultationView).
  return {
    consultation_id: c.id, author_id: who.author_id, author_name: who.author_name, organisation: who.organisation, entered_by: who.entered_by,
    clause_key: place.clause_key, clause_ref: place.clause_ref, paragraph: input.paragraph ?? null, line_number: input.line_number ?? null, type: input.type,
    comment: input.comment, proposed_change: input.proposed_change ?? null, submitted_at: '',
  };
}

/** Writes a checked row through the write queue (writer.ts): settles after the commit, with its receipt number. */
export async function writeComment(ctx: Ctx, viewer: Viewer, row: NewComment): Promise<CommentView> {
  return commentView(await writerFor(ctx).write(row, viewer.id));
}

/** Submits one comment, through the write queue (writer.ts); returns it with its receipt number. */
export async function submitComment(ctx: Ctx, viewer: Viewer, id: number, input: CommentCreate): Promise<CommentView> {
  const target = await submitTarget(ctx, viewer, id);
  return writeComment(ctx, viewer, commentRowOf(target, viewer, input, ctx.clock.now()));
}

async function commentAndConsultation(ctx: Ctx, id: number): Promise<{ comment: CommentRow; consultation: ConsultationFull }> {
  const comment = Number.isInteger(id) && id > 0 ? await repo.commentById(ctx.db, id) : null;
  if (!comment) throw new NotFound(messages.noComment);
  const consultation = (await repo.consultationById(ctx.db, comment.consultation_id))!;
  return { comment, consultation };
}

/** One comment, for its receipt page: visible as the matrix is. */
export async function getComment(ctx: Ctx, viewer: Viewer | null, id: number): Promise<{ comment: CommentView; consultation: ConsultationView }> {
  const { comment } = await commentAndConsultation(ctx, id);
  const consultation = await getConsultation(ctx, viewer, comment.consultation_id);
  checkCanRead(consultation, viewer);
  return { comment: commentView(comment), consultation };
}

const isOwn = (viewer: Viewer, c: CommentRow) => c.author_id === viewer.id || c.entered_by === viewer.id;
const AUTHOR_FIELDS = ['clause', 'paragraph', 'line_number', 'type', 'comment', 'proposed_change'] as const;
/** The columns an author's edit writes, and a revision keeps. */
const STORED_FIELDS = ['clause_key', 'clause_ref', 'paragraph', 'line_number', 'type', 'comment', 'proposed_change'] as const;

/** Edits a comment (its author, while open and before a disposition) and/or records a disposition (the secretariat). */
export async function editComment(ctx: Ctx, viewer: Viewer, id: number, patch: CommentPatch): Promise<CommentView> {
  const { comment, consultation } = await commentAndConsultation(ctx, id);
  const now = ctx.clock.now();
  const authorChange = AUTHOR_FIELDS.some((f) => patch[f] !== undefined);
  const disposing = patch.disposition !== undefined || patch.response !== undefined;
  if (!authorChange && !disposing) throw new Validation(messages.nothingToChange, { form: messages.nothingToChange });
  if (!isOwn(viewer, comment) && !can(viewer, 'comments.dispose')) throw new NotFound(messages.noComment);
  const update: Partial<CommentRow> = {};
  const events: Array<{ action: string; data: Record<string, unknown> }> = [];
  let edited = false;
  if (authorChange) {
    if (!isOwn(viewer, comment)) throw new Forbidden(messages.notYours);
    if (comment.withdrawn_at) throw new Conflict(messages.withdrawn);
    if (comment.disposition) throw new Conflict(messages.disposed);
    checkOpen(consultation, now);
    if (patch.clause !== undefined) {
      const place = anchor(patch.clause, await clausesOf(ctx.db, consultation.version_id));
      if ('error' in place) throw new Validation(placeError(place.error), { clause: placeError(place.error) });
      Object.assign(update, place);
    }
    for (const f of ['paragraph', 'line_number', 'type', 'comment', 'proposed_change'] as const) if (patch[f] !== undefined) Object.assign(update, { [f]: patch[f] });
    // Saving the same text again is not an edit: no "edited" time, no revision.
    edited = STORED_FIELDS.some((f) => f in update && (update[f] ?? null) !== comment[f]);
    if (edited) update.edited_at = now.toISOString();
    events.push({ action: 'comment.edited', data: { fields: AUTHOR_FIELDS.filter((f) => patch[f] !== undefined) } });
  }
  if (disposing) {
    if (!can(viewer, 'comments.dispose')) throw new Forbidden();
    if (comment.withdrawn_at) throw new Conflict(messages.withdrawn);
    if (consultationState(consultation, now) === 'scheduled') throw new Conflict(messages.disposeNotYet);
    const disposition = patch.disposition ?? comment.disposition;
    const response = patch.response !== undefined ? patch.response : comment.response;
    if (!disposition) throw new Validation(messages.chooseDisposition, { disposition: messages.chooseDisposition });
    if ((disposition === 'rejected' || disposition === 'partially_accepted') && !response) throw new Validation(messages.responseNeeded, { response: messages.responseNeeded });
    Object.assign(update, { disposition, response: response ?? null, disposed_by: viewer.id, disposed_at: now.toISOString() });
    events.push({ action: 'comment.disposed', data: { disposition, previous: comment.disposition } });
  }
  update.updated_at = now.toISOString();
  await ctx.db.transaction(async (trx) => {
    if (edited) await repo.insertRevision(trx, comment, viewer.id, now.toISOString());
    await repo.updateComment(trx, id, update);
    for (const e of events) await appendAudit(trx, ctx.clock, { actor_id: viewer.id, action: e.action, subject_type: 'comment', subject_id: id, data: { reference: reference(comment), ...e.data } }, ctx.logger);
    // The author is told of the disposition by mail, queued with it (issue 16 item 3).
    if (disposing) {
      await queueDisposition(trx, ctx.clock, {
        comment_id: id, reference: reference(comment), designation: designation(consultation.standard_type, consultation.standard_number),
        disposition: String(update.disposition), response: update.response ?? null,
      });
    }
  });
  return commentView((await repo.commentById(ctx.db, id))!);
}

/** The texts a comment had before its author's edits, oldest first (the secretariat's). */
export async function commentRevisions(ctx: Ctx, viewer: Viewer, id: number): Promise<{ comment: CommentView; revisions: CommentRevision[] }> {
  const { comment } = await getComment(ctx, viewer, id);
  return { comment, revisions: await repo.revisionsOf(ctx.db, comment.id) };
}

/** The comment, if the viewer may withdraw it now; else why not. The confirmation page asks this first. */
export async function checkWithdraw(ctx: Ctx, viewer: Viewer, id: number): Promise<{ comment: CommentRow; consultation: ConsultationFull }> {
  const { comment, consultation } = await commentAndConsultation(ctx, id);
  if (!isOwn(viewer, comment)) {
    if (can(viewer, 'comments.dispose')) throw new Forbidden(messages.notYours);
    throw new NotFound(messages.noComment);
  }
  if (comment.withdrawn_at) throw new Conflict(messages.withdrawn);
  if (comment.disposition) throw new Conflict(messages.disposed);
  checkOpen(consultation, ctx.clock.now());
  return { comment, consultation };
}

/** Withdraws one's own comment: it stays in the record, marked withdrawn. */
export async function withdrawComment(ctx: Ctx, viewer: Viewer, id: number): Promise<CommentView> {
  const { comment } = await checkWithdraw(ctx, viewer, id);
  const now = ctx.clock.now();
  await ctx.db.transaction(async (trx) => {
    await repo.updateComment(trx, id, { withdrawn_at: now.toISOString(), updated_at: now.toISOString() });
    await appendAudit(trx, ctx.clock, { actor_id: viewer.id, action: 'comment.withdrawn', subject_type: 'comment', subject_id: id, data: { reference: reference(comment) } }, ctx.logger);
  });
  return commentView((await repo.commentById(ctx.db, id))!);
}

const sheetRowSchema = z.object({
  clause: commentFields.clause,
  paragraph: commentFields.paragraph,
  line_number: commentFields.line_number,
  type: commentFields.type,
  comment: commentFields.comment,
  proposed_change: commentFields.proposed_change,
});

/** What a sheet did: the comments it added and updated, and how many of its rows named a comment as it is. */
export interface SheetImport {
  added: CommentView[];
  updated: CommentView[];
  unchanged: number;
}

/** A receipt as a sheet's Reference column gives it: C-3-12 is comment 12 of consultation 3. */
export function parseReceipt(s: string): { consultation: number; seq: number } | null {
  const m = /^C-(\d{1,9})-(\d{1,9})$/i.exec(s.trim());
  return m ? { consultation: Number(m[1]), seq: Number(m[2]) } : null;
}

type SheetFields = Pick<CommentRow, 'clause_key' | 'clause_ref' | 'paragraph' | 'line_number' | 'type' | 'comment' | 'proposed_change'>;

/** The author's fields of a row that differ from the comment it names (none: the row is the comment as it is). */
export function changedFields(row: SheetFields, c: CommentRow): Array<keyof SheetFields> {
  return (['clause_key', 'paragraph', 'line_number', 'type', 'comment', 'proposed_change'] as const).filter((f) => (row[f] ?? null) !== (c[f] ?? null));
}

/**
 * Why the viewer may not change a comment through a sheet, or null when they may: the rule of editing one
 * comment (their own, not withdrawn, no disposition; the window is checked for the whole sheet).
 */
export function refusalOf(viewer: Viewer, c: CommentRow, ref: string): string | null {
  if (!isOwn(viewer, c)) return `${ref} is not yours: only the person who submitted it can change it`;
  if (c.withdrawn_at) return `${ref} is withdrawn and cannot be changed`;
  if (c.disposition) return `${ref} has a disposition and can no longer be changed`;
  return null;
}

/**
 * Imports a comment sheet, all rows or none. A row without a receipt is a new comment on its clause;
 * a row with one (the export's Reference column) is the comment it names: left alone when unchanged,
 * updated when the viewer may still edit it, refused otherwise — never a second copy, never revived.
 * Every bad row is reported by its row number. The secretariat's new rows are entered on behalf of the
 * organisation in each row's MB/NC column.
 */
export async function importSheet(ctx: Ctx, viewer: Viewer, id: number, rows: SheetRow[]): Promise<SheetImport> {
  const c = await getConsultation(ctx, viewer, id);
  checkOpen(c, ctx.clock.now());
  const clauses = await clausesOf(ctx.db, c.version_id);
  const existing = new Map((await repo.listComments(ctx.db, c.id)).map((x) => [x.seq, x]));
  const onBehalf = can(viewer, 'comments.on-behalf');
  const problems: Record<string, string> = {};
  const prepared: NewComment[] = [];
  const updates: Array<{ comment: CommentRow; fields: SheetFields; changed: string[] }> = [];
  const named = new Map<number, number>();
  let unchanged = 0;
  for (const r of rows) {
    const parsed = sheetRowSchema.safeParse({ clause: r.clause, paragraph: r.paragraph, line_number: r.line_number, type: r.type, comment: r.comment, proposed_change: r.proposed_change });
    const issues: string[] = [];
    if (!parsed.success) issues.push(...Object.entries(fieldsOf(parsed.error)).map(([f, m]) => `${f.replace('_', ' ')}: ${m}`));
    const place = anchor(r.clause, clauses);
    if ('error' in place) issues.push(`clause: ${place.error}`);
    // The comment the row names, if it names one.
    let target: CommentRow | undefined;
    if (r.reference) {
      const receipt = parseReceipt(r.reference);
      const ref = r.reference.trim();
      if (!receipt) issues.unshift(`"${ref}" is not a receipt (like C-${c.id}-12): leave the Reference empty for a new comment`);
      else if (receipt.consultation !== c.id) issues.unshift(`${ref} is a comment of another consultation (C-${receipt.consultation}), not of this one (C-${c.id})`);
      else if (!(target = existing.get(receipt.seq))) issues.unshift(`there is no comment ${ref} in this consultation`);
      else if (named.has(receipt.seq)) issues.unshift(`${ref} is also on row ${named.get(receipt.seq)}: a comment is one row`);
      else named.set(receipt.seq, r.row);
    }
    if (issues.length || !parsed.success || 'error' in place) {
      problems[`row ${r.row}`] = issues.join('; ');
      continue;
    }
    const fields: SheetFields = {
      ...place, paragraph: parsed.data.paragraph ?? null, line_number: parsed.data.line_number ?? null,
      type: parsed.data.type, comment: parsed.data.comment, proposed_change: parsed.data.proposed_change ?? null,
    };
    if (target) {
      const changed = changedFields(fields, target);
      if (!changed.length) {
        unchanged++;
        continue;
      }
      const refusal = refusalOf(viewer, target, reference(target));
      if (refusal) problems[`row ${r.row}`] = refusal;
      else updates.push({ comment: target, fields, changed: changed.map((f) => (f === 'clause_key' ? 'clause' : f)) });
      continue;
    }
    const who = onBehalf && r.organisation ? authorOf(viewer, { organisation: r.organisation.slice(0, 200) }) : authorOf(viewer, undefined);
    prepared.push({ consultation_id: c.id, ...who, ...fields, submitted_at: '' });
  }
  const bad = Object.keys(problems).length;
  if (bad) throw new Validation(messages.sheetRows(bad), problems);
  const ids = await ctx.db.transaction(async (trx) => {
    const now = ctx.clock.now();
    const fresh = (await repo.consultationById(trx, c.id))!;
    checkOpen(fresh, now);
    for (const u of updates) {
      // Withdrawn or disposed since the sheet was read: the whole sheet is refused, as one edit would be.
      const still = (await repo.commentById(trx, u.comment.id))!;
      const refusal = refusalOf(viewer, still, reference(still));
      if (refusal) throw new Conflict(`${refusal}; nothing was imported.`);
      // An edit by sheet leaves the same trace as one by the form: the earlier text kept, "edited" shown.
      await repo.insertRevision(trx, still, viewer.id, now.toISOString());
      await repo.updateComment(trx, u.comment.id, { ...u.fields, updated_at: now.toISOString(), edited_at: now.toISOString() });
      await appendAudit(trx, ctx.clock, { actor_id: viewer.id, action: 'comment.edited', subject_type: 'comment', subject_id: u.comment.id, data: { reference: reference(u.comment), fields: u.changed, from: 'sheet' } }, ctx.logger);
    }
    if (!prepared.length) return [];
    const saved = await repo.insertComments(trx, c.id, prepared.map((p) => ({ ...p, submitted_at: now.toISOString() })));
    await appendAudit(trx, ctx.clock, { actor_id: viewer.id, action: 'comments.imported', subject_type: 'consultation', subject_id: c.id, data: { count: saved.length, first: reference({ consultation_id: c.id, seq: saved[0]!.seq }), last: reference({ consultation_id: c.id, seq: saved.at(-1)!.seq }) } }, ctx.logger);
    return saved.map((s) => s.id);
  });
  const all = await repo.listComments(ctx.db, c.id);
  const added = new Set(ids);
  const updated = new Set(updates.map((u) => u.comment.id));
  return { added: all.filter((x) => added.has(x.id)).map(commentView), updated: all.filter((x) => updated.has(x.id)).map(commentView), unchanged };
}
