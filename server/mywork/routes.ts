import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import * as service from './service.ts';

/** "My work" (/me), where sign-in lands, and the secretariat's desk (/admin), which is its queue. */
export function myworkRoutes(deps: Deps): Router {
  const r = Router();

  r.get('/me', allow('work.read'), async (_req, res) => {
    const viewer = viewerOf(res)!;
    // What arrived since the last visit is marked "new" this time, and not the next.
    const since = await service.visit(deps.db, deps.clock, viewer);
    const work = await service.myWork(deps, viewer, since);
    res.set('Cache-Control', 'no-store').render('mywork/page', { title: 'My work', ...work });
  });

  r.get('/admin', allow('accounts.manage'), async (_req, res) => {
    res.set('Cache-Control', 'no-store').render('admin/index', { title: 'Secretariat desk', queue: await service.secretariatQueue(deps, viewerOf(res)!) });
  });

  return r;
}
