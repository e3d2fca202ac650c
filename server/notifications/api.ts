import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import { parseOr422 } from '../http/validation.ts';
import * as service from './service.ts';
import { settingsSchema } from './validation.ts';

/** GET and PUT /api/v1/me/notifications: the signed-in user's choice of notices by mail. */
export function notificationsApi(deps: Deps): Router {
  const r = Router();
  r.get('/me/notifications', allow('account.own'), async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await service.settingsOf(deps.db, viewerOf(res)!));
  });
  r.put('/me/notifications', allow('account.own'), async (req, res) => {
    const input = parseOr422(settingsSchema, req.body);
    res.json(await service.changeSettings(deps.db, deps.clock, viewerOf(res)!, input, deps.logger));
  });
  return r;
}
