import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import { nOf } from '../ballots/api.ts';
import { parseOr422 as parse } from '../http/validation.ts';
import { publishSchema } from './validation.ts';
import * as service from './service.ts';

/**
 * JSON API of publication under /api/v1 (mounted by server/app.ts; described with the ballots' paths in
 * server/ballots/openapi.ts). The HTML form is on the ballot page it comes from (server/ballots/routes.ts).
 */
export function publicationApi(deps: Deps): Router {
  const r = Router();
  const { db, clock } = deps;

  r.post('/standards/:ref/versions/:n/publish', allow('versions.publish'), async (req, res) => {
    const input = parse(publishSchema, req.body);
    res.json(await service.publishVersion(db, clock, viewerOf(res)!, String(req.params.ref), nOf(req.params.n), input));
  });

  return r;
}
