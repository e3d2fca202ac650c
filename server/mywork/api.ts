import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import * as service from './service.ts';

/** GET /me/work: what waits for the caller, as on /me (reading it does not count as a visit). */
export function myworkApi(deps: Deps): Router {
  const r = Router();
  r.get('/me/work', allow('work.read'), async (_req, res) => {
    const viewer = viewerOf(res)!;
    const work = await service.myWork(deps, viewer, await service.lastVisit(deps.db, viewer));
    res.set('Cache-Control', 'no-store').json(work);
  });
  return r;
}
