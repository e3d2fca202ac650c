import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { allow } from '../auth/permissions.ts';
import { busyWaitOf } from '../db.ts';
import { writeLockFree } from '../db-busy.ts';

/**
 * /healthz: the process answers (no database). /readyz: the instance is not shutting down (SIGTERM), and
 * the database answers, is migrated and can be written — on SQLite, not locked by another process
 * (writes would wait, then answer 503).
 */
export function healthRoutes(deps: Deps): Router {
  const r = Router();
  r.get('/healthz', allow('public'), (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', allow('public'), async (_req, res) => {
    const notReady = (reason: string) => res.status(503).set('Retry-After', '1').json({ status: 'not ready', reason });
    if (deps.readiness?.stopping) return notReady('shutting down');
    try {
      const busy = busyWaitOf(deps.db);
      if (busy?.busy) return notReady('database locked by another process');
      const [, pending] = (await deps.db.migrate.list()) as [unknown[], unknown[]];
      if (pending.length) return notReady(`${pending.length} migrations pending`);
      await deps.db.raw('select 1');
      if (busy && !(await writeLockFree(deps.db))) return notReady('database locked by another process');
      res.json({ status: 'ready' });
    } catch {
      notReady('database unavailable');
    }
  });
  return r;
}
