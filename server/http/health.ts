import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { allow } from '../auth/permissions.ts';

/** /healthz: the process answers. /readyz: the database answers and is migrated. */
export function healthRoutes(deps: Deps): Router {
  const r = Router();
  r.get('/healthz', allow('public'), (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', allow('public'), async (_req, res) => {
    try {
      const [, pending] = (await deps.db.migrate.list()) as [unknown[], unknown[]];
      if (pending.length) return res.status(503).json({ status: 'not ready', reason: `${pending.length} migrations pending` });
      await deps.db.raw('select 1');
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'not ready', reason: 'database unavailable' });
    }
  });
  return r;
}
