import type BetterSqlite3 from 'better-sqlite3';
import { Conflict, NotFound } from '../errors.ts';
import { appendAuditRowsSqlite, type AuditInput } from '../audit/rows.ts';
import { messages } from './messages.ts';
import { consultationTimesSqlite, insertCommentsSqlite, type CommentRow, type NewComment } from './repo.ts';
import { acceptsComments, consultationState, type ConsultationTimes } from './state.ts';
import { reference } from './views.ts';

/**
 * One batch of the comment queue on SQLite (writer.ts), in the caller's immediate transaction on the
 * pool's connection: prepared statements, no query builder.
 */

/** The audit event of a submitted comment (its data is scrubbed like any other by server/audit/). */
export const submittedEvent = (actor: number, c: CommentRow): AuditInput => ({
  actor_id: actor,
  action: 'comment.submitted',
  subject_type: 'comment',
  subject_id: c.id,
  data: { consultation_id: c.consultation_id, reference: reference(c), clause: c.clause_ref, type: c.type, organisation: c.organisation },
});

/** Comments are written, edited and withdrawn only while the window is open: checked before, and again in the writing transaction. */
export function checkOpen(c: ConsultationTimes, now: Date): void {
  if (!acceptsComments(c, now)) throw refusalOf(c, now);
}

/** Why a consultation takes no comment at `now` (its window as read in the writing transaction, or none). */
export function refusalOf(c: ConsultationTimes | null, now: Date): Error {
  if (!c) return new NotFound(messages.noConsultation);
  return new Conflict(messages.notOpen({ state: consultationState(c, now), opens_at: c.opens_at, closes_at: c.closes_at }));
}

export interface BatchJob {
  row: NewComment;
  actor: number;
}
/**
 * A comment as stored once written: its row with its id, receipt number and submission time, every
 * field named. Not `Object.assign({}, row, more)`: of a row this wide V8 (Node 20) makes a
 * dictionary-mode object (~2 KB allocated, and slow reads in every later step: the insert's columns,
 * the audit event, the view, the JSON), nor a spread (a new hidden class each time). Measured on
 * PostgreSQL: 41 KB allocated per comment submitted, 6.8 KB of it in two such copies.
 */
export function storedComment(row: NewComment, id: number, seq: number, submitted_at: string): CommentRow {
  return {
    id, consultation_id: row.consultation_id, seq, author_id: row.author_id, author_name: row.author_name, organisation: row.organisation, entered_by: row.entered_by,
    clause_key: row.clause_key, clause_ref: row.clause_ref, paragraph: row.paragraph, line_number: row.line_number, type: row.type, comment: row.comment, proposed_change: row.proposed_change,
    disposition: null, response: null, disposed_by: null, disposed_at: null, withdrawn_at: null, submitted_at, updated_at: null, edited_at: null,
  };
}

/** Per job: the comment as stored, or the window that refused it (null: no such consultation). */
export type BatchOutcome = { saved: CommentRow } | { refused: ConsultationTimes | null };

/** The jobs' places in the batch per consultation, in the order each consultation first comes (both databases' batches go so). */
export function jobsByConsultation(jobs: BatchJob[]): Map<number, number[]> {
  const byConsultation = new Map<number, number[]>();
  jobs.forEach((job, k) => {
    const list = byConsultation.get(job.row.consultation_id);
    if (list) list.push(k);
    else byConsultation.set(job.row.consultation_id, [k]);
  });
  return byConsultation;
}

/** The outcome of a comment refused by its consultation's window `w` (none: no such consultation). */
export const refusedBy = (w: ConsultationTimes | null | undefined): BatchOutcome => ({ refused: w ? { opens_at: w.opens_at, closes_at: w.closes_at, cancelled_at: w.cancelled_at } : null });

/**
 * Writes the comments of `jobs` at `now`: each consultation's window is read and checked, the accepted
 * comments get their receipt numbers, and each its audit event (`eventOf`), keyed with `key`. The
 * outcomes are in the order of the jobs.
 */
export function writeBatchSqlite(conn: BetterSqlite3.Database, jobs: BatchJob[], now: Date, key: string | null, eventOf: (actor: number, c: CommentRow) => AuditInput = submittedEvent): BatchOutcome[] {
  const at = now.toISOString();
  const out: BatchOutcome[] = new Array(jobs.length);
  const events: AuditInput[] = [];
  for (const [cid, ks] of jobsByConsultation(jobs)) {
    const c = consultationTimesSqlite(conn, cid);
    if (!c || !acceptsComments(c, now)) {
      for (const k of ks) out[k] = refusedBy(c);
      continue;
    }
    const rows = ks.map((k) => jobs[k]!.row);
    insertCommentsSqlite(conn, cid, rows, at).forEach(({ id, seq }, i) => {
      const k = ks[i]!;
      const saved = storedComment(rows[i]!, id, seq, at);
      events.push(eventOf(jobs[k]!.actor, saved));
      out[k] = { saved };
    });
  }
  appendAuditRowsSqlite(conn, key, at, events);
  return out;
}
