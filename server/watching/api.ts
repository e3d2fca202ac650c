import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import { parseOr422, pathId } from '../http/validation.ts';
import * as service from './service.ts';
import { watchSchema } from './validation.ts';

/** GET, POST and DELETE /me/watches: what the caller watches. */
export function watchingApi(deps: Deps): Router {
  const r = Router();
  const { db, clock } = deps;

  r.get('/me/watches', allow('watches.own'), async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await service.watchList(db, viewerOf(res)!));
  });

  r.post('/me/watches', allow('watches.own'), async (req, res) => {
    const viewer = viewerOf(res)!;
    await service.watch(db, clock, viewer, parseOr422(watchSchema, req.body));
    res.status(201).json(await service.watchList(db, viewer));
  });

  // Watch nothing (also turns off a Board member's default of everything).
  r.delete('/me/watches', allow('watches.own'), async (_req, res) => {
    await service.watchNothing(db, clock, viewerOf(res)!);
    res.status(204).end();
  });

  r.delete('/me/watches/:id', allow('watches.own'), async (req, res) => {
    await service.unwatch(db, clock, viewerOf(res)!, pathId(req.params.id, service.messages.noWatch));
    res.status(204).end();
  });

  return r;
}
