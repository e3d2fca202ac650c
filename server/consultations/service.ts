import type { Knex } from 'knex';
import type { Db } from '../db.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import type { Viewer } from '../auth/viewer.ts';
import { seesUnreleasedDrafts } from '../auth/viewer.ts';
import { can } from '../auth/permissions.ts';
import { Conflict, Forbidden, NotFound, Validation } from '../errors.ts';
import { appendAudit, appendAuditEvents, auditRows, toTail, type AuditInput } from '../audit/service.ts';
import { auditKeyOf } from '../audit/key.ts';
import { busyWaitOf, isSqlite } from '../db.ts';
import { isBusyError } from '../db-busy.ts';
import { bumpRevision, clausesOf, type ClauseRow } from '../standards/repo.ts';
import type { StandardStates } from '../standards/state.ts';
import { canonicalRef, designation } from '../standards/refs.ts';
import { longDate } from '../time.ts';
import { byKey, locate, resolveClause, type Location } from './anchors.ts';
import { acceptsComments, checkChange, consultationState, releasesDraft, reportIsPublic, type ConsultationChange, type ConsultationState, type ConsultationTimes } from './state.ts';
import * as repo from './repo.ts';
import type { CommentRow, ConsultationFull, NewComment } from './repo.ts';
import { commentFields, type CommentCreate, type CommentPatch, type ConsultationCreate, type ConsultationPatch, type MatrixFilter } from './validation.ts';
import { z } from 'zod';
import type { SheetComment, SheetRow } from './sheets.ts';
import { fieldsOf } from '../http/validation.ts';

export const messages = {
  noConsultation: 'There is no such consultation.',
  noComment: 'There is no such comment.',
  noStandard: (ref: string) => `There is no standard "${ref}" in the catalogue.`,
  noVersion: (d: string, n: number) => `${d} has no version ${n}.`,
  notDraft: (label: string) => `${label} is not a draft: only drafts are put out for consultation.`,
  oneAtATime: (id: number) => `This draft already has a consultation that has not closed (C-${id}): extend or cancel it instead of opening another.`,
  closesBeforeOpens: 'The closing date must be after the opening date.',
  closesInPast: 'The closing date is in the past.',
  notOpen: (c: { state: ConsultationState; opens_at: string; closes_at: string }) =>
    c.state === 'scheduled'
      ? `This consultation is not open yet: comments are accepted from ${utc(c.opens_at)}.`
      : c.state === 'cancelled'
        ? 'This consultation was cancelled: it takes no comments.'
        : `This consultation closed on ${utc(c.closes_at)}: comments can no longer be submitted, changed or withdrawn.`,
  reportLater: (closes: string) => `The comments of this consultation are published in its report after the close (${utc(closes)}). Sign in to see them while it is open.`,
  onBehalfOnly: 'Only the secretariat can enter a comment on behalf of an organisation.',
  notYours: 'Only the person who submitted this comment can change or withdraw it.',
  disposed: 'The secretariat has recorded a disposition on this comment: it can no longer be changed or withdrawn.',
  withdrawn: 'This comment was withdrawn.',
  disposeNotYet: 'Dispositions are recorded once the consultation has opened.',
  responseNeeded: 'Explain the disposition: a response is needed when a comment is rejected or partially accepted.',
  chooseDisposition: 'Choose a disposition to go with the response.',
  nothingToChange: 'Send at least one field to change.',
  notLater: (n: number, from: number) => `Version ${n} is not a later draft based on version ${from}: comments can only be followed onto drafts descended from the one they were made on.`,
  sheetRows: (n: number) => `${n} row${n === 1 ? '' : 's'} of the sheet cannot be placed; nothing was imported. Correct the sheet and upload it again.`,
} as const;

const utc = (s: string) => `${longDate(s)} ${s.slice(11, 16)} UTC`;

export interface Ctx {
  db: Db;
  clock: Clock;
  states: StandardStates;
  logger?: Logger;
}

export interface ConsultationView extends ConsultationFull {
  state: ConsultationState;
  designation: string;
  /** whether the viewer may read the draft's text */
  draftVisible: boolean;
  reportPublic: boolean;
  comments: number;
}

export const reference = (c: { consultation_id: number; seq: number }): string => `C-${c.consultation_id}-${c.seq}`;

function view(c: ConsultationFull, viewer: Viewer | null, now: Date, count = 0): ConsultationView {
  return {
    ...c,
    state: consultationState(c, now),
    designation: designation(c.standard_type, c.standard_number),
    draftVisible: c.version_state === 'published' || seesUnreleasedDrafts(viewer) || releasesDraft(c, now),
    reportPublic: reportIsPublic(c, now),
    comments: count,
  };
}

// ---------------------------------------------------------------- consultations

/** All consultations as the viewer may see them: a consultation on a draft still unreleased is for the Board and the secretariat. */
export async function listConsultations(ctx: Ctx, viewer: Viewer | null): Promise<ConsultationView[]> {
  const rows = await repo.listConsultations(ctx.db);
  const counts = await repo.commentCounts(ctx.db, rows.map((r) => r.id));
  const now = ctx.clock.now();
  return rows.map((r) => view(r, viewer, now, counts.get(r.id) ?? 0)).filter((c) => c.draftVisible || c.state === 'scheduled');
}

export async function getConsultation(ctx: Ctx, viewer: Viewer | null, id: number): Promise<ConsultationView> {
  const c = Number.isInteger(id) && id > 0 ? await repo.consultationById(ctx.db, id) : null;
  if (!c) throw new NotFound(messages.noConsultation);
  const v = view(c, viewer, ctx.clock.now(), (await repo.commentCounts(ctx.db, [c.id])).get(c.id) ?? 0);
  // A scheduled consultation is announced; one cancelled before it opened stays with those who see drafts.
  if (!v.draftVisible && v.state !== 'scheduled') throw new NotFound(messages.noConsultation);
  return v;
}

async function versionFor(db: Db | Knex.Transaction, ref: string, n: number) {
  const canonical = canonicalRef(ref) ?? ref;
  const s = await db('standards').where({ ref }).orWhere({ ref: canonical }).first('id', 'ref', 'type', 'number');
  if (!s) throw new NotFound(messages.noStandard(ref));
  const v = Number.isInteger(n) && n > 0 ? await db('versions').where({ standard_id: s.id, n }).first('id', 'n', 'label', 'state', 'standard_id') : null;
  if (!v) throw new NotFound(messages.noVersion(designation(s.type, s.number), n));
  return { standard: s as { id: number; ref: string; type: 'IMAS'; number: string }, version: v as { id: number; n: number; label: string; state: string; standard_id: number } };
}

/** Opens (or schedules) a consultation on a draft: one at a time per draft. */
export async function openConsultation(ctx: Ctx, actor: Viewer, ref: string, n: number, input: ConsultationCreate): Promise<ConsultationView> {
  const now = ctx.clock.now();
  const opens = input.opens_at ?? now.toISOString();
  if (input.closes_at <= opens) throw new Validation(messages.closesBeforeOpens, { closes_at: messages.closesBeforeOpens });
  if (input.closes_at <= now.toISOString()) throw new Validation(messages.closesInPast, { closes_at: messages.closesInPast });
  const id = await ctx.db.transaction(async (trx) => {
    const { standard, version } = await versionFor(trx, ref, n);
    if (version.state !== 'draft') throw new Conflict(messages.notDraft(version.label));
    const live = (await repo.consultationsOfVersion(trx, version.id)).find((c) => ['scheduled', 'open'].includes(consultationState(c, now)));
    if (live) throw new Conflict(messages.oneAtATime(live.id));
    const newId = await repo.insertConsultation(trx, { version_id: version.id, opens_at: opens, closes_at: input.closes_at, instructions: input.instructions ?? null, created_by: actor.id, created_at: now.toISOString() });
    // The standard's pages are cached per revision: the notice and the draft's visibility change now.
    await bumpRevision(trx, standard.id);
    await appendAudit(trx, ctx.clock, { actor_id: actor.id, action: 'consultation.opened', subject_type: 'consultation', subject_id: newId, data: { ref: standard.ref, n: version.n, opens_at: opens, closes_at: input.closes_at } }, ctx.logger);
    return newId;
  });
  return getConsultation(ctx, actor, id);
}

/** Extends (or otherwise moves the dates of), closes early or cancels a consultation. */
export async function changeConsultation(ctx: Ctx, actor: Viewer, id: number, patch: ConsultationPatch): Promise<ConsultationView> {
  await ctx.db.transaction(async (trx) => {
    const c = await repo.consultationById(trx, id);
    if (!c) throw new NotFound(messages.noConsultation);
    const now = ctx.clock.now();
    const t = now.toISOString();
    const change: ConsultationChange = patch.close ? { kind: 'close' } : patch.cancel ? { kind: 'cancel' } : { kind: 'reschedule', opens_at: patch.opens_at, closes_at: patch.closes_at };
    const verdict = checkChange(c, change, now);
    if (!verdict.ok) throw new Conflict(verdict.reason);
    let update: Parameters<typeof repo.updateConsultation>[2];
    let action: string;
    if (change.kind === 'close') {
      update = { closes_at: t }; // closing early is closes_at = now (design.md §2)
      action = 'consultation.closed';
    } else if (change.kind === 'cancel') {
      update = { cancelled_at: t };
      action = 'consultation.cancelled';
    } else {
      update = {};
      if (patch.opens_at) update.opens_at = patch.opens_at;
      if (patch.closes_at) update.closes_at = patch.closes_at;
      if (patch.instructions !== undefined) update.instructions = patch.instructions;
      action = patch.closes_at && patch.closes_at > c.closes_at ? 'consultation.extended' : 'consultation.changed';
    }
    await repo.updateConsultation(trx, id, update);
    forgetConsultation(ctx, id);
    await bumpRevision(trx, c.standard_id);
    await appendAudit(trx, ctx.clock, { actor_id: actor.id, action, subject_type: 'consultation', subject_id: id, data: { before: { opens_at: c.opens_at, closes_at: c.closes_at }, ...update } }, ctx.logger);
  });
  return getConsultation(ctx, actor, id);
}

/** The draft's clauses, when the viewer may read them. */
export async function draftClauses(ctx: Ctx, c: ConsultationView): Promise<ClauseRow[]> {
  return c.draftVisible ? clausesOf(ctx.db, c.version_id) : [];
}

export const clauseCounts = (ctx: Ctx, c: ConsultationView) => repo.countsByClause(ctx.db, c.id);

// ---------------------------------------------------------------- comments

export interface CommentView extends CommentRow {
  reference: string;
  withdrawn: boolean;
  on_behalf: boolean;
  location?: Location;
}

const commentView = (r: CommentRow): CommentView => ({ ...r, reference: reference(r), withdrawn: Boolean(r.withdrawn_at), on_behalf: r.entered_by !== null && r.author_id === null });

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
    withdrawn: c.withdrawn,
    withdrawn_at: c.withdrawn_at,
    disposition: c.disposition,
    response: c.response,
    disposed_at: c.disposed_at,
    ...(c.location ? { location: c.location } : {}),
  };
}

export function sheetComment(c: CommentView): SheetComment {
  return {
    reference: c.reference, organisation: c.organisation, author_name: c.author_name, line_number: c.line_number, clause_ref: c.clause_ref,
    paragraph: c.paragraph, type: c.type, comment: c.comment, proposed_change: c.proposed_change, disposition: c.disposition,
    response: c.response, withdrawn: c.withdrawn, submitted_at: c.submitted_at,
  };
}

/**
 * Who may read the comments: everyone once the report is public; signed-in users before that.
 * The public asking too early is told when the report comes (409: the consultation is not in that state yet).
 */
function checkCanRead(c: ConsultationView, viewer: Viewer | null): void {
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
async function laterVersion(ctx: Ctx, viewer: Viewer | null, c: ConsultationView, n: number) {
  const metas = (await ctx.db('versions').where({ standard_id: c.standard_id }).select('id', 'n', 'label', 'state', 'based_on')) as Array<{ id: number; n: number; label: string; state: string; based_on: number | null }>;
  const target = metas.find((m) => m.n === n);
  if (!target) throw new NotFound(messages.noVersion(c.designation, n));
  if (target.state !== 'published' && !seesUnreleasedDrafts(viewer)) {
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

/**
 * Consultations on the drafts this consultation's draft descends from: their comments can be shown
 * where their clauses are now (`/consultations/{id}/comments?version=n`).
 */
export async function earlierConsultations(ctx: Ctx, viewer: Viewer | null, c: ConsultationView): Promise<ConsultationView[]> {
  const metas = (await ctx.db('versions').where({ standard_id: c.standard_id }).select('id', 'based_on')) as Array<{ id: number; based_on: number | null }>;
  const byId = new Map(metas.map((m) => [m.id, m]));
  const ancestors = new Set<number>();
  for (let at = byId.get(c.version_id)?.based_on; at && !ancestors.has(at); at = byId.get(at)?.based_on ?? null) ancestors.add(at);
  if (!ancestors.size) return [];
  const now = ctx.clock.now();
  const rows = (await repo.listConsultations(ctx.db)).filter((x) => ancestors.has(x.version_id));
  return rows.map((x) => view(x, viewer, now)).filter((x) => x.draftVisible && x.state !== 'scheduled');
}

/** The comments the viewer wrote (or entered) on a consultation: their receipts. */
export async function ownComments(ctx: Ctx, viewer: Viewer, id: number): Promise<CommentView[]> {
  return (await repo.listComments(ctx.db, id, { authorId: viewer.id })).map(commentView);
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

function checkOpen(c: ConsultationTimes, now: Date): void {
  if (!acceptsComments(c, now)) throw new Conflict(messages.notOpen({ state: consultationState(c, now), opens_at: c.opens_at, closes_at: c.closes_at }));
}

/**
 * A version's clauses never change once saved: kept in memory per version (a few versions are under
 * consultation at a time), so a comment costs no read of its draft.
 */
const clauseCache = new WeakMap<Db, Map<number, ClauseRow[]>>();
async function cachedClauses(ctx: Ctx, versionId: number): Promise<ClauseRow[]> {
  let m = clauseCache.get(ctx.db);
  if (!m) clauseCache.set(ctx.db, (m = new Map()));
  let clauses = m.get(versionId);
  if (!clauses) {
    clauses = await clausesOf(ctx.db, versionId);
    if (m.size >= 16) m.delete(m.keys().next().value!);
    m.set(versionId, clauses);
  }
  return clauses;
}

/**
 * The consultation as a submission first sees it, reused for a second: the window is checked again,
 * authoritatively, in the transaction that writes the comment.
 */
const recent = new WeakMap<Db, Map<number, { at: number; c: ConsultationFull }>>();
async function consultationForSubmit(ctx: Ctx, viewer: Viewer, id: number): Promise<ConsultationView> {
  let m = recent.get(ctx.db);
  if (!m) recent.set(ctx.db, (m = new Map()));
  const t = Date.now();
  let hit = m.get(id);
  if (!hit || t - hit.at > 1000) {
    const c = Number.isInteger(id) && id > 0 ? await repo.consultationById(ctx.db, id) : null;
    if (!c) throw new NotFound(messages.noConsultation);
    m.set(id, (hit = { at: t, c }));
  }
  const v = view(hit.c, viewer, ctx.clock.now());
  if (!v.draftVisible && v.state !== 'scheduled') throw new NotFound(messages.noConsultation);
  return v;
}
const forgetConsultation = (ctx: Ctx, id: number) => recent.get(ctx.db)?.delete(id);

/** Submits one comment; returns it with its receipt number. */
export async function submitComment(ctx: Ctx, viewer: Viewer, id: number, input: CommentCreate): Promise<CommentView> {
  const c = await consultationForSubmit(ctx, viewer, id);
  checkOpen(c, ctx.clock.now());
  const who = authorOf(viewer, input.on_behalf_of);
  const place = anchor(input.clause, await cachedClauses(ctx, c.version_id));
  if ('error' in place) throw new Validation(placeError(place.error), { clause: placeError(place.error) });
  const row: NewComment = {
    consultation_id: c.id, ...who, ...place, paragraph: input.paragraph ?? null, line_number: input.line_number ?? null, type: input.type,
    comment: input.comment, proposed_change: input.proposed_change ?? null, submitted_at: '',
  };
  const saved = await writerFor(ctx).write(row, viewer.id);
  return commentView(saved);
}

/**
 * Comments are written through a queue that commits whatever has arrived in one transaction: SQLite
 * has one writer, and a transaction per comment (with its fsync and a dozen statements through the
 * query builder) caps submissions far below what the HTTP side can take. A batch is a handful of
 * statements whatever its size. Each comment is checked against the window again inside the
 * transaction, at the time it is written, and gets its own audit event; its promise settles only
 * after the commit, so a 201 is never sent for a comment that is not on disk.
 */
class CommentWriter {
  private queue: Array<{ row: NewComment; actor: number; resolve: (r: CommentRow) => void; reject: (e: unknown) => void }> = [];
  private running = false;
  constructor(private readonly ctx: Ctx) {}

  write(row: NewComment, actor: number): Promise<CommentRow> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, actor, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length) {
        let batch: typeof this.queue = [];
        let settle: Array<() => void> = [];
        try {
          if (isSqlite(this.ctx.db)) {
            // A commit waits for the disk (synchronous=FULL) with the event loop blocked: gather for a
            // moment what the other requests in flight are about to submit, and commit them together.
            if (this.queue.length < 16) await new Promise((r) => setTimeout(r, 3));
            // The pool's connection, held for one synchronous transaction: nothing else can run on
            // it in between, and no statement goes through the query builder.
            const client = this.ctx.db.client as { acquireConnection(): Promise<SqliteConnection>; releaseConnection(c: SqliteConnection): Promise<unknown> };
            const once = async () => {
              const conn = await client.acquireConnection();
              try {
                // Taken once the connection is ours: what arrived while waiting for it joins this batch.
                batch = this.queue.splice(0, 500);
                const raw = sqliteStatements(conn);
                settle = conn.transaction(() => this.writeRaw(raw, batch)).immediate();
              } catch (err) {
                // Another process holds the write lock and nothing was written: the batch goes back to
                // the head of the queue, to be taken again (with what arrives meanwhile) after a pause.
                if (isBusyError(err)) {
                  this.queue.unshift(...batch);
                  batch = [];
                }
                throw err;
              } finally {
                await client.releaseConnection(conn);
              }
            };
            // Waits without blocking the loop, then 503 for everything queued (db-busy.ts).
            const busy = busyWaitOf(this.ctx.db);
            await (busy ? busy.run(once) : once());
          } else {
            await this.ctx.db.transaction(async (trx) => {
              batch = this.queue.splice(0, 500);
              settle = await this.writeKnex(trx, batch);
            });
          }
          for (const s of settle) s();
        } catch (err) {
          // No connection at all, or a lock that outlasted the wait: fail what is waiting rather than retry for ever.
          for (const job of batch.length ? batch : this.queue.splice(0, 500)) job.reject(err);
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** Each consultation's window is checked at the time of writing; comments of a shut one are refused. */
  private plan(batch: typeof this.queue, lookup: (cid: number) => ConsultationTimes | null | undefined, settle: Array<() => void>) {
    const now = this.ctx.clock.now();
    const byConsultation = new Map<number, typeof batch>();
    for (const job of batch) byConsultation.set(job.row.consultation_id, [...(byConsultation.get(job.row.consultation_id) ?? []), job]);
    const accepted: Array<{ cid: number; jobs: typeof batch; rows: NewComment[] }> = [];
    for (const [cid, jobs] of byConsultation) {
      const c = lookup(cid);
      try {
        if (!c) throw new NotFound(messages.noConsultation);
        checkOpen(c, now);
      } catch (err) {
        for (const job of jobs) settle.push(() => job.reject(err));
        continue;
      }
      accepted.push({ cid, jobs, rows: jobs.map((j) => ({ ...j.row, submitted_at: now.toISOString() })) });
    }
    return accepted;
  }

  private record(cid: number, jobs: typeof this.queue, rows: NewComment[], saved: Array<{ id: number; seq: number }>, events: AuditInput[], settle: Array<() => void>) {
    jobs.forEach((job, k) => {
      const { id, seq } = saved[k]!;
      const row = rows[k]!;
      events.push({ actor_id: job.actor, action: 'comment.submitted', subject_type: 'comment', subject_id: id, data: { consultation_id: cid, reference: reference({ consultation_id: cid, seq }), clause: row.clause_ref, type: row.type, organisation: row.organisation } });
      const full: CommentRow = { ...row, id, seq, disposition: null, response: null, disposed_by: null, disposed_at: null, withdrawn_at: null, updated_at: null };
      settle.push(() => job.resolve(full));
    });
  }

  private writeRaw(raw: RawStatements, batch: typeof this.queue): Array<() => void> {
    const settle: Array<() => void> = [];
    const events: AuditInput[] = [];
    for (const { cid, jobs, rows } of this.plan(batch, (cid) => raw.consultation.get(cid) as ConsultationTimes | undefined, settle)) {
      this.record(cid, jobs, rows, insertCommentsRaw(raw, cid, rows), events, settle);
    }
    appendAuditRaw(raw, this.ctx.clock, auditKeyOf(this.ctx.db), events);
    return settle;
  }

  private async writeKnex(trx: Knex.Transaction, batch: typeof this.queue): Promise<Array<() => void>> {
    const settle: Array<() => void> = [];
    const events: AuditInput[] = [];
    const found = new Map<number, ConsultationFull | null>();
    for (const cid of new Set(batch.map((j) => j.row.consultation_id))) found.set(cid, await repo.consultationById(trx, cid));
    for (const { cid, jobs, rows } of this.plan(batch, (cid) => found.get(cid), settle)) {
      this.record(cid, jobs, rows, await repo.insertComments(trx, cid, rows), events, settle);
    }
    await appendAuditEvents(trx, this.ctx.clock, events);
    return settle;
  }
}

/**
 * On SQLite a batch runs through prepared statements: each statement through the query builder costs
 * far more than SQLite takes to run it, and the single connection is shared with every other request
 * while the batch holds it.
 */
interface SqliteStatement {
  get(...params: unknown[]): unknown;
  run(...params: unknown[]): { lastInsertRowid: number | bigint };
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
  transaction<T>(fn: () => T): { immediate(): T };
}
interface RawStatements {
  consultation: SqliteStatement;
  maxSeq: SqliteStatement;
  insertComment: SqliteStatement;
  lastHash: SqliteStatement;
  insertAudit: SqliteStatement;
}
const prepared = new WeakMap<SqliteConnection, RawStatements>();
function sqliteStatements(conn: SqliteConnection): RawStatements {
  let s = prepared.get(conn);
  if (!s) {
    s = {
      consultation: conn.prepare('select opens_at, closes_at, cancelled_at from consultations where id = ?'),
      maxSeq: conn.prepare('select max(seq) as seq from comments where consultation_id = ?'),
      insertComment: conn.prepare(
        'insert into comments (consultation_id, seq, author_id, author_name, organisation, entered_by, clause_key, clause_ref, paragraph, line_number, type, comment, proposed_change, submitted_at) values (@consultation_id, @seq, @author_id, @author_name, @organisation, @entered_by, @clause_key, @clause_ref, @paragraph, @line_number, @type, @comment, @proposed_change, @submitted_at)',
      ),
      lastHash: conn.prepare('select hash, keyed from audit_events order by id desc limit 1'),
      insertAudit: conn.prepare('insert into audit_events (at, actor_id, action, subject_type, subject_id, data, prev_hash, hash, keyed) values (@at, @actor_id, @action, @subject_type, @subject_id, @data, @prev_hash, @hash, @keyed)'),
    };
    prepared.set(conn, s);
  }
  return s;
}

function insertCommentsRaw(raw: RawStatements, cid: number, rows: NewComment[]): Array<{ id: number; seq: number }> {
  let seq = Number((raw.maxSeq.get(cid) as { seq: number | null } | undefined)?.seq ?? 0);
  return rows.map((r) => {
    const row = { ...r, seq: ++seq };
    return { id: Number(raw.insertComment.run(row).lastInsertRowid), seq: row.seq };
  });
}

/** The rows, hashes and chain of audit/service.ts auditRows(), written with the prepared statements. */
function appendAuditRaw(raw: RawStatements, clock: Clock, key: string | null, events: AuditInput[]): void {
  if (!events.length) return;
  const tail = toTail(raw.lastHash.get() as { hash: string; keyed: number } | undefined);
  // better-sqlite3 binds no booleans.
  for (const row of auditRows(clock.now().toISOString(), events, tail, key)) raw.insertAudit.run({ ...row, keyed: row.keyed ? 1 : 0 });
}

const writers = new WeakMap<Db, CommentWriter>();
function writerFor(ctx: Ctx): CommentWriter {
  let w = writers.get(ctx.db);
  if (!w) writers.set(ctx.db, (w = new CommentWriter(ctx)));
  return w;
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
    await repo.updateComment(trx, id, update);
    for (const e of events) await appendAudit(trx, ctx.clock, { actor_id: viewer.id, action: e.action, subject_type: 'comment', subject_id: id, data: { reference: reference(comment), ...e.data } }, ctx.logger);
  });
  return commentView((await repo.commentById(ctx.db, id))!);
}

/** Withdraws one's own comment: it stays in the record, marked withdrawn. */
export async function withdrawComment(ctx: Ctx, viewer: Viewer, id: number): Promise<CommentView> {
  const { comment, consultation } = await commentAndConsultation(ctx, id);
  if (!isOwn(viewer, comment)) {
    if (can(viewer, 'comments.dispose')) throw new Forbidden(messages.notYours);
    throw new NotFound(messages.noComment);
  }
  if (comment.withdrawn_at) throw new Conflict(messages.withdrawn);
  if (comment.disposition) throw new Conflict(messages.disposed);
  const now = ctx.clock.now();
  checkOpen(consultation, now);
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

/**
 * Imports a comment sheet: every row becomes a comment on its clause, or — when any row cannot be
 * placed — nothing is imported and every bad row is reported by its row number. The secretariat's
 * sheets are entered on behalf of the organisation in each row's MB/NC column.
 */
export async function importSheet(ctx: Ctx, viewer: Viewer, id: number, rows: SheetRow[]): Promise<CommentView[]> {
  const c = await getConsultation(ctx, viewer, id);
  checkOpen(c, ctx.clock.now());
  const clauses = await clausesOf(ctx.db, c.version_id);
  const onBehalf = can(viewer, 'comments.on-behalf');
  const problems: Record<string, string> = {};
  const prepared: NewComment[] = [];
  for (const r of rows) {
    const parsed = sheetRowSchema.safeParse({ clause: r.clause, paragraph: r.paragraph, line_number: r.line_number, type: r.type, comment: r.comment, proposed_change: r.proposed_change });
    const issues: string[] = [];
    if (!parsed.success) issues.push(...Object.entries(fieldsOf(parsed.error)).map(([f, m]) => `${f.replace('_', ' ')}: ${m}`));
    const place = anchor(r.clause, clauses);
    if ('error' in place) issues.push(`clause: ${place.error}`);
    if (issues.length || !parsed.success || 'error' in place) {
      problems[`row ${r.row}`] = issues.join('; ');
      continue;
    }
    const who = onBehalf && r.organisation ? authorOf(viewer, { organisation: r.organisation.slice(0, 200) }) : authorOf(viewer, undefined);
    prepared.push({
      consultation_id: c.id, ...who, ...place, paragraph: parsed.data.paragraph ?? null, line_number: parsed.data.line_number ?? null,
      type: parsed.data.type, comment: parsed.data.comment, proposed_change: parsed.data.proposed_change ?? null, submitted_at: '',
    });
  }
  const bad = Object.keys(problems).length;
  if (bad) throw new Validation(messages.sheetRows(bad), problems);
  const ids = await ctx.db.transaction(async (trx) => {
    const now = ctx.clock.now();
    const fresh = (await repo.consultationById(trx, c.id))!;
    checkOpen(fresh, now);
    const saved = await repo.insertComments(trx, c.id, prepared.map((p) => ({ ...p, submitted_at: now.toISOString() })));
    await appendAudit(trx, ctx.clock, { actor_id: viewer.id, action: 'comments.imported', subject_type: 'consultation', subject_id: c.id, data: { count: saved.length, first: reference({ consultation_id: c.id, seq: saved[0]!.seq }), last: reference({ consultation_id: c.id, seq: saved.at(-1)!.seq }) } }, ctx.logger);
    return saved.map((s) => s.id);
  });
  const all = await repo.listComments(ctx.db, c.id);
  const wanted = new Set(ids);
  return all.filter((x) => wanted.has(x.id)).map(commentView);
}

