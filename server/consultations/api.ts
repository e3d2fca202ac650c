import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import { BadRequest } from '../errors.ts';
import * as service from './service.ts';
import { consultationJson, type CommentView, type ConsultationView } from './views.ts';
import { Pacer, writeCsv, writeCsvStream, writeXlsx, type SheetComment, type SheetMeta } from './sheets.ts';
import { writeXlsxOffThread } from './xlsx-thread.ts';
import { pagingOf } from './listing.ts';
import { rowsOfUpload, uploadSheet } from './upload.ts';
import { csrfFromBody } from '../auth/csrf.ts';
import { commentCreateSchema, commentPatchSchema, consultationCreateSchema, consultationPatchSchema, matrixFilterOf, matrixSortOf, type MatrixFilter, type MatrixSort } from './validation.ts';
import { parseOr422, pathId } from '../http/validation.ts';

const idOf = (req: Request) => pathId(req.params.id, service.messages.noConsultation);
const commentIdOf = (req: Request) => pathId(req.params.id, service.messages.noComment);
/** `?version=n`: follow the comments onto a later draft. */
export function versionParam(req: Request): number | undefined {
  const v = req.query.version;
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || !/^\d{1,6}$/.test(v) || Number(v) < 1) throw new BadRequest('?version= takes a version number (1, 2, …).', { version: 'must be a version number' });
  return Number(v);
}

/** A file name for exports, the standard, draft and consultation and the day it was taken: IMAS-07.11-v4-comments-C-1-2026-12-02.csv */
export const exportName = (c: ConsultationView, ext: string, date: string) => `${c.designation.replace(/[^A-Za-z0-9.&-]+/g, '-')}-v${c.n}-comments-C-${c.id}-${date}.${ext}`;

/** The query of a matrix page, its filters and order kept (what `next` links carry). */
export function matrixQuery(filter: MatrixFilter, sort: MatrixSort, extra: Record<string, string | number | undefined> = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (typeof v === 'string') p.set(k, v);
  if (filter.mine) p.set('mine', '1');
  if (sort !== 'reference') p.set('sort', sort);
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) p.set(k, String(v));
  return p.toString();
}

async function* sheetBatches(batches: AsyncIterable<CommentView[]>): AsyncGenerator<SheetComment[]> {
  for await (const b of batches) yield b.map(service.sheetComment);
}

/**
 * The JSON list written as it is read: the same document res.json would send, a batch of comments at a
 * time, waiting for the client when it reads slower than we write, the event loop let turn between batches.
 */
async function writeJsonList(res: Response, head: Record<string, unknown>, batches: AsyncIterable<CommentView[]>): Promise<void> {
  res.status(200).set('Content-Type', 'application/json; charset=utf-8');
  const start = JSON.stringify({ ...head, comments: [] });
  res.write(start.slice(0, -2));
  let first = true;
  const pace = new Pacer(res);
  for await (const batch of batches) {
    if (res.destroyed) return;
    let chunk = '';
    for (const c of batch) {
      chunk += (first ? '' : ',') + JSON.stringify(service.commentJson(c));
      first = false;
      if (pace.due()) {
        res.write(chunk);
        chunk = '';
        await pace.breathe();
      }
    }
    res.write(chunk);
    await pace.breathe();
  }
  res.end(']}');
}

/** The blank template's file name: IMAS-07.11-v4-comment-template-C-1.xlsx */
const templateName = (c: ConsultationView, ext: string) => `${c.designation.replace(/[^A-Za-z0-9.&-]+/g, '-')}-v${c.n}-comment-template-C-${c.id}.${ext}`;

/** JSON API of consultations and comments under /api/v1 (design.md §6); paths described in ./openapi.ts. */
export function consultationsApi(deps: Deps): Router {
  const r = Router();
  const ctx: service.Ctx = { db: deps.db, clock: deps.clock, states: deps.states, caches: deps.caches, logger: deps.logger };
  /** The template's header block: today, the draft, the consultation. */
  const today = () => deps.clock.now().toISOString().slice(0, 10);
  const sheetMeta = (c: ConsultationView): SheetMeta => ({ date: today(), document: `${c.designation} ${c.label}`, project: `Consultation C-${c.id}` });

  r.post('/standards/:ref/versions/:n/consultations', allow('consultations.manage'), async (req, res) => {
    const input = parseOr422(consultationCreateSchema, req.body);
    const c = await service.openConsultation(ctx, viewerOf(res)!, String(req.params.ref), Number(req.params.n), input);
    res.status(201).location(`/api/v1/consultations/${c.id}`).json(consultationJson(c));
  });

  r.get('/consultations', allow('public'), async (_req, res) => {
    res.json({ consultations: (await service.listConsultations(ctx, viewerOf(res))).map(consultationJson) });
  });

  r.get('/consultations/:id', allow('public'), async (req, res) => {
    res.json(consultationJson(await service.getConsultation(ctx, viewerOf(res), idOf(req))));
  });

  r.patch('/consultations/:id', allow('consultations.manage'), async (req, res) => {
    const patch = parseOr422(consultationPatchSchema, req.body);
    res.json(consultationJson(await service.changeConsultation(ctx, viewerOf(res)!, idOf(req), patch)));
  });

  r.post('/consultations/:id/comments', allow('comments.create'), async (req, res) => {
    const input = parseOr422(commentCreateSchema, req.body);
    const c = await service.submitComment(ctx, viewerOf(res)!, idOf(req), input);
    res.status(201).location(`/api/v1/comments/${c.id}`).json(service.commentJson(c));
  });

  r.post('/consultations/:id/comments/sheet', allow('comments.create'), uploadSheet, csrfFromBody, async (req, res) => {
    const rows = await rowsOfUpload(req.file);
    const done = await service.importSheet(ctx, viewerOf(res)!, idOf(req), rows);
    // `imported` (the comments added) is kept for clients written before rows could name a comment.
    res.status(done.added.length ? 201 : 200).json({
      added: done.added.length, updated: done.updated.length, unchanged: done.unchanged, imported: done.added.length,
      comments: done.added.map(service.commentJson), updated_comments: done.updated.map(service.commentJson),
    });
  });

  // Public once the report is out; signed-in users before that (the service says which).
  // With `limit` or `cursor`: one page and the link to the next. Without: the whole list, streamed in batches.
  r.get('/consultations/:id/comments', allow('consultation-report.read'), async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const paging = pagingOf(q);
    const filter = matrixFilterOf(q);
    const sort = matrixSortOf(q);
    const version = versionParam(req);
    if (paging.limit !== undefined || paging.cursor !== undefined) {
      const m = await service.matrixPage(ctx, viewerOf(res), idOf(req), { filter, sort, version, ...paging });
      const next = m.next ? `/api/v1/consultations/${m.consultation.id}/comments?${matrixQuery(filter, sort, { version, limit: m.limit, cursor: m.next })}` : null;
      res.json({ consultation: consultationJson(m.consultation), mapped_to: m.mappedTo, comments: m.comments.map(service.commentJson), next, next_cursor: m.next, limit: m.limit });
      return;
    }
    const m = await service.matrixStream(ctx, viewerOf(res), idOf(req), { filter, sort, version });
    await streamed(res, () => writeJsonList(res, { consultation: consultationJson(m.consultation), mapped_to: m.mappedTo }, m.batches()));
  });

  r.get('/consultations/:id/comments.csv', allow('consultation-report.read'), async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const m = await service.matrixStream(ctx, viewerOf(res), idOf(req), { filter: matrixFilterOf(q), sort: matrixSortOf(q) });
    exportHeaders(res, exportName(m.consultation, 'csv', today()), 'text/csv; charset=utf-8');
    await streamed(res, () => writeCsvStream(res, sheetBatches(m.batches())));
  });

  r.get('/consultations/:id/comments.xlsx', allow('consultation-report.read'), async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const m = await service.matrixStream(ctx, viewerOf(res), idOf(req), { filter: matrixFilterOf(q), sort: matrixSortOf(q) });
    exportHeaders(res, exportName(m.consultation, 'xlsx', today()), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    await streamed(res, () => writeXlsxOffThread(res, sheetBatches(m.batches()), sheetMeta(m.consultation)));
  });

  /** A response already under way that fails (the client went, the database failed) is cut, not answered twice. */
  async function streamed(res: Response, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      if (!res.headersSent) throw err;
      deps.logger?.warn({ err, path: res.req.originalUrl }, 'a streamed response was cut short');
      res.destroy();
    }
  }

  // The blank ISO template for this consultation: the header block and the columns, no rows.
  r.get('/consultations/:id/template.csv', allow('comment-template.read'), async (req, res) => {
    const c = await service.getConsultation(ctx, viewerOf(res), idOf(req));
    sendExport(res, templateName(c, 'csv'), 'text/csv; charset=utf-8', writeCsv([], sheetMeta(c)));
  });

  r.get('/consultations/:id/template.xlsx', allow('comment-template.read'), async (req, res) => {
    const c = await service.getConsultation(ctx, viewerOf(res), idOf(req));
    sendExport(res, templateName(c, 'xlsx'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', await writeXlsx([], sheetMeta(c)));
  });

  r.get('/comments/:id', allow('consultation-report.read'), async (req, res) => {
    res.json(service.commentJson((await service.getComment(ctx, viewerOf(res), commentIdOf(req))).comment));
  });

  // The texts a comment had before its author's edits: the secretariat's, not the public record.
  r.get('/comments/:id/revisions', allow('comments.read-revisions'), async (req, res) => {
    const { comment, revisions } = await service.commentRevisions(ctx, viewerOf(res)!, commentIdOf(req));
    res.json({ comment_id: comment.id, reference: comment.reference, edited_at: comment.edited_at, revisions: revisions.map(service.revisionJson) });
  });

  r.patch('/comments/:id', allow('comments.edit-own'), async (req, res) => {
    const patch = parseOr422(commentPatchSchema, req.body);
    res.json(service.commentJson(await service.editComment(ctx, viewerOf(res)!, commentIdOf(req), patch)));
  });

  r.delete('/comments/:id', allow('comments.edit-own'), async (req, res) => {
    res.json(service.commentJson(await service.withdrawComment(ctx, viewerOf(res)!, commentIdOf(req))));
  });

  return r;
}

function exportHeaders(res: Response, filename: string, type: string): void {
  res.set('Content-Type', type);
  res.set('Content-Disposition', `attachment; filename="${filename}"`);
  res.set('Cache-Control', 'private, no-store');
}

export function sendExport(res: Response, filename: string, type: string, body: string | Buffer): void {
  exportHeaders(res, filename, type);
  res.send(body);
}

export type { CommentView };
