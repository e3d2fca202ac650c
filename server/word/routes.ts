import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import { BadRequest } from '../errors.ts';
import type { DiffCache } from '../diff/service.ts';
import * as service from './service.ts';
import { sendDocx, wordCtx } from './api.ts';
import { langOf } from '../i18n/middleware.ts';

/** /standards/{ref}/diff/{a}..{b}.docx: the diff page's redline in Word (mounted before the diff pages). */
export function wordRoutes(deps: Deps, cache: DiffCache, files: service.WordCache): Router {
  const r = Router();
  r.get('/standards/:ref/diff/:range.docx', allow('public'), async (req, res) => {
    const m = /^([^.]+)\.\.([^.]+)$/.exec(String(req.params.range));
    if (!m) throw new BadRequest('Ask for a redline as /standards/07.11/diff/1..3.docx (numbers or "current").');
    sendDocx(res, await service.redline(wordCtx(deps, files), cache, viewerOf(res), String(req.params.ref), m[1]!, m[2]!, langOf(res)));
  });
  return r;
}
