import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import { nOf } from '../ballots/api.ts';
import { parseOr422 as parse } from '../http/validation.ts';
import { stepSchema } from './validation.ts';
import * as service from './service.ts';

/** JSON API of the steps after the Board under /api/v1 (mounted by server/app.ts; described in ./openapi.ts). */
export function endorsementApi(deps: Deps): Router {
  const r = Router();
  const { db, clock } = deps;

  r.get('/standards/:ref/versions/:n/steps', allow('versions.record-steps'), async (req, res) => {
    res.json(await service.afterBoard(db, clock, String(req.params.ref), nOf(req.params.n)));
  });

  r.post('/standards/:ref/versions/:n/steps', allow('versions.record-steps'), async (req, res) => {
    const input = parse(stepSchema, req.body);
    res.status(201).json(await service.recordStep(db, clock, viewerOf(res)!, String(req.params.ref), nOf(req.params.n), input));
  });

  return r;
}
