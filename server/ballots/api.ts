import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import * as service from './service.ts';
import { parseOr422 as parse, pathId } from '../http/validation.ts';
import { extendSchema, moveSchema, openBallotSchema, voteSchema } from './validation.ts';

export const idOf = (s: unknown): number => pathId(s, service.messages.noBallot);
export const nOf = (s: unknown): number => pathId(s, `There is no version "${String(s)}".`);

/** JSON API of ballots under /api/v1 (mounted by server/app.ts; publication is in server/publication/api.ts); paths described in ./openapi.ts. */
export function ballotsApi(deps: Deps): Router {
  const r = Router();
  const { db, clock } = deps;
  const view = (id: number, res: Parameters<typeof viewerOf>[0]) => service.getBallot(db, clock, id, viewerOf(res));

  r.post('/standards/:ref/versions/:n/ballots', allow('ballots.manage'), async (req, res) => {
    const input = parse(openBallotSchema, req.body);
    const id = await service.openBallot(db, clock, viewerOf(res)!, String(req.params.ref), nOf(req.params.n), input);
    res.status(201).location(`/api/v1/ballots/${id}`).json(await view(id, res));
  });

  r.get('/ballots', allow('public'), async (_req, res) => {
    res.json(await service.listBallots(db, clock, viewerOf(res)));
  });

  r.get('/ballots/:id', allow('public'), async (req, res) => {
    res.json(await view(idOf(req.params.id), res));
  });

  r.get('/ballots/:id/history', allow('ballots.read-open'), async (req, res) => {
    const id = idOf(req.params.id);
    await view(id, res); // 404 unless the ballot exists
    res.json({ events: await service.voteHistory(db, id) });
  });

  r.put('/ballots/:id/vote', allow('ballots.vote'), async (req, res) => {
    const id = idOf(req.params.id);
    const input = parse(voteSchema, req.body);
    await service.castVote(db, clock, viewerOf(res)!, id, input);
    res.json(await view(id, res));
  });

  // Extend: a later closing time.
  r.patch('/ballots/:id', allow('ballots.manage'), async (req, res) => {
    const id = idOf(req.params.id);
    const { closes_at } = parse(extendSchema, req.body);
    await service.extendBallot(db, clock, viewerOf(res)!, id, closes_at);
    res.json(await view(id, res));
  });

  r.post('/ballots/:id/close', allow('ballots.manage'), async (req, res) => {
    const id = idOf(req.params.id);
    await service.closeBallot(db, clock, viewerOf(res)!, id);
    res.json(await view(id, res));
  });

  r.post('/ballots/:id/cancel', allow('ballots.manage'), async (req, res) => {
    const id = idOf(req.params.id);
    await service.cancelBallot(db, clock, viewerOf(res)!, id);
    res.json(await view(id, res));
  });

  r.post('/ballots/:id/move', allow('ballots.manage'), async (req, res) => {
    const id = idOf(req.params.id);
    const { n } = parse(moveSchema, req.body);
    await service.moveBallot(db, clock, viewerOf(res)!, id, n);
    res.json(await view(id, res));
  });

  return r;
}
