import { Router, type Response } from 'express';
import type { Deps } from '../deps.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import { BadRequest } from '../errors.ts';
import type { DiffCache } from '../diff/service.ts';
import * as consultations from '../consultations/service.ts';
import { matrixFilterOf } from '../consultations/validation.ts';
import { pathId } from '../http/validation.ts';
import { DOCX_TYPE, fileName } from './common.ts';
import { buildCommentReport } from './comments.ts';
import * as service from './service.ts';

/** Sends a .docx as a download; like the other exports, never kept by a shared cache (drafts, comments). */
export function sendDocx(res: Response, file: service.WordFile): void {
  res.set('Content-Type', DOCX_TYPE);
  res.set('Content-Disposition', `attachment; filename="${file.filename}"`);
  res.set('Cache-Control', 'private, no-store');
  res.send(file.body);
}

export function wordCtx(deps: Deps, files: service.WordCache): service.Ctx {
  return { db: deps.db, states: deps.states, now: deps.clock.now(), publicUrl: deps.config.publicUrl, files };
}

/**
 * The Word documents under /api/v1 (issue 20): the redline between two versions, the clean edition of a
 * published version, the comment report. Paths described in ./openapi.ts. Mounted before the standards'
 * API, whose /standards/{ref}/versions/{n} would otherwise read "3.docx" as a version number.
 */
export function wordApi(deps: Deps, cache: DiffCache, files: service.WordCache): Router {
  const r = Router();

  r.get('/standards/:ref/diff.docx', allow('public'), async (req, res) => {
    const from = typeof req.query.from === 'string' ? req.query.from : '';
    const to = typeof req.query.to === 'string' ? req.query.to : '';
    if (!from || !to) {
      throw new BadRequest('Give both ends: ?from=1&to=current.', { ...(from ? {} : { from: 'required' }), ...(to ? {} : { to: 'required' }) });
    }
    sendDocx(res, await service.redline(wordCtx(deps, files), cache, viewerOf(res), String(req.params.ref), from, to));
  });

  r.get('/standards/:ref/versions/:n.docx', allow('public'), async (req, res) => {
    sendDocx(res, await service.edition(wordCtx(deps, files), viewerOf(res), String(req.params.ref), String(req.params.n)));
  });

  // Beside comments.csv and comments.xlsx: the same permission, the same filters, the same rows.
  r.get('/consultations/:id/comments.docx', allow('consultation-report.read'), async (req, res) => {
    const ctx: consultations.Ctx = { db: deps.db, clock: deps.clock, states: deps.states, caches: deps.caches, logger: deps.logger };
    const id = pathId(req.params.id, consultations.messages.noConsultation);
    const m = await consultations.listComments(ctx, viewerOf(res), id, matrixFilterOf(req.query as Record<string, unknown>));
    const c = m.consultation;
    const meta = { date: deps.clock.now().toISOString().slice(0, 10), document: `${c.designation} ${c.label}`, project: `Consultation C-${c.id}` };
    const body = await buildCommentReport(m.comments.map(consultations.sheetComment), meta, `Comments on ${c.designation} ${c.label}`);
    sendDocx(res, { filename: fileName(c.designation, `v${c.n}`, 'comments', `C-${c.id}`), body });
  });

  return r;
}
