import { Router, type Response } from 'express';
import type { Deps } from '../deps.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import { parseOr422 as parse, pathId } from '../http/validation.ts';
import * as service from './service.ts';
import { circulateSchema, dropSchema, listQuerySchema, proposalDraftSchema, proposalSchema, proposalUpdateSchema, respondSchema, steeringGroupSchema } from './validation.ts';

export const idOf = (s: unknown): number => pathId(s, service.messages.noProposal);

/** JSON API of proposals under /api/v1 (mounted by server/app.ts); paths described in ./openapi.ts. */
export function proposalsApi(deps: Deps): Router {
  const r = Router();
  const { db, clock } = deps;

  async function view(id: number, res: Response) {
    const viewer = viewerOf(res);
    const v = await service.getProposal(db, clock, id, viewer);
    return { ...v, actions: await service.actionsFor(db, clock, v, viewer) };
  }

  r.get('/proposals', allow('proposals.read'), async (req, res) => {
    const query = listQuerySchema.parse(req.query ?? {});
    const { proposals, total } = await service.listProposals(db, clock, query);
    res.json({ proposals, total });
  });

  r.post('/proposals', allow('proposals.create'), async (req, res) => {
    const input = parse(proposalSchema, req.body);
    const id = await service.submitProposal(db, clock, viewerOf(res)!, input);
    res.status(201).location(`/api/v1/proposals/${id}`).json(await view(id, res));
  });

  r.get('/proposals/:id', allow('proposals.read'), async (req, res) => {
    res.json(await view(idOf(req.params.id), res));
  });

  r.patch('/proposals/:id', allow('proposals.edit'), async (req, res) => {
    const id = idOf(req.params.id);
    await service.updateProposal(db, clock, viewerOf(res)!, id, parse(proposalUpdateSchema, req.body));
    res.json(await view(id, res));
  });

  r.post('/proposals/:id/circulate', allow('proposals.manage'), async (req, res) => {
    const id = idOf(req.params.id);
    await service.circulateProposal(db, clock, deps.config.proposalSupportPercent, viewerOf(res)!, id, parse(circulateSchema, req.body));
    res.json(await view(id, res));
  });

  r.put('/proposals/:id/response', allow('proposals.respond'), async (req, res) => {
    const id = idOf(req.params.id);
    const input = parse(respondSchema, req.body);
    await service.respond(db, clock, viewerOf(res)!, id, input);
    res.json(await view(id, res));
  });

  r.post('/proposals/:id/decision', allow('proposals.manage'), async (req, res) => {
    const id = idOf(req.params.id);
    await service.decideProposal(db, clock, viewerOf(res)!, id);
    res.json(await view(id, res));
  });

  r.post('/proposals/:id/steering-group', allow('proposals.manage'), async (req, res) => {
    const id = idOf(req.params.id);
    await service.approveBySteeringGroup(db, clock, viewerOf(res)!, id, parse(steeringGroupSchema, req.body));
    res.json(await view(id, res));
  });

  r.post('/proposals/:id/drop', allow('proposals.manage'), async (req, res) => {
    const id = idOf(req.params.id);
    await service.dropProposal(db, clock, viewerOf(res)!, id, parse(dropSchema, req.body));
    res.json(await view(id, res));
  });

  r.post('/proposals/:id/drafts', allow('proposals.manage'), async (req, res) => {
    const id = idOf(req.params.id);
    const saved = await service.createDraftFromProposal(db, clock, viewerOf(res)!, id, parse(proposalDraftSchema, req.body));
    const path = `/standards/${encodeURIComponent(saved.ref)}/versions/${saved.n}`;
    res.status(201).location(`/api/v1${path}`).json({ ref: saved.ref, n: saved.n, href: path, proposal: await view(id, res) });
  });

  return r;
}
