import { Router } from 'express';
import { NotFound } from '../errors.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import type { Auth } from '../auth/middleware.ts';
import { parseOr422 as parse } from '../http/validation.ts';
import * as service from './service.ts';
import { accountId, closeSchema } from './validation.ts';

/** Personal data in the API: GET /users/{id|me}/export and POST /users/{id|me}/close. */
export function privacyApi(auth: Auth): Router {
  const r = Router();
  const { ctx } = auth;
  const idOf = (param: unknown, viewerId: number): number => {
    const id = accountId(param, viewerId);
    if (id === null) throw new NotFound(service.messages.noSuchUser);
    return id;
  };

  r.get('/users/:id/export', allow('account.own'), async (req, res) => {
    const viewer = viewerOf(res)!;
    const data = await service.exportData(ctx, viewer, idOf(req.params.id, viewer.id));
    res.set('Cache-Control', 'no-store').json(data);
  });

  r.post('/users/:id/close', allow('account.own'), async (req, res) => {
    const viewer = viewerOf(res)!;
    const id = idOf(req.params.id, viewer.id);
    const input = parse(closeSchema, req.body ?? {});
    res.json({ user: await service.closeAccount(ctx, viewer, id, input) });
  });

  return r;
}
