import { Router, type Response } from 'express';
import type { Deps } from '../deps.ts';
import { allow, can, viewerOf } from '../auth/permissions.ts';
import { parseOr422 as parse, pathId } from '../http/validation.ts';
import * as service from './service.ts';
import { boardQuerySchema, chairSchema, chairUpdateSchema, membershipSchema, membershipUpdateSchema, mergeSchema, organisationPatchSchema, organisationSchema } from './validation.ts';

const idOf = (s: unknown): number => pathId(s, service.messages.noOrganisation);
const membershipIdOf = (s: unknown): number => pathId(s, service.messages.noMembership);
const chairIdOf = (s: unknown): number => pathId(s, service.messages.noChair);

/** The organisations register and the Review Board in the API (/api/v1); paths described in ./openapi.ts. */
export function organisationsApi(deps: Deps): Router {
  const r = Router();
  const { db, clock } = deps;
  const manages = (res: Response) => can(viewerOf(res), 'organisations.manage');

  r.get('/organisations', allow('organisations.read'), async (_req, res) => {
    res.json({ organisations: await service.listOrganisations(db, manages(res)) });
  });

  r.post('/organisations', allow('organisations.manage'), async (req, res) => {
    const o = await service.createOrganisation(db, clock, viewerOf(res)!, parse(organisationSchema, req.body));
    res.status(201).location(`/api/v1/organisations/${o.id}`).json(await service.organisationPage(db, clock, o.id, true));
  });

  r.get('/organisations/:id', allow('organisations.read'), async (req, res) => {
    res.json(await service.organisationPage(db, clock, idOf(req.params.id), manages(res)));
  });

  r.patch('/organisations/:id', allow('organisations.manage'), async (req, res) => {
    const id = idOf(req.params.id);
    await service.updateOrganisation(db, clock, viewerOf(res)!, id, parse(organisationPatchSchema, req.body));
    res.json(await service.organisationPage(db, clock, id, true));
  });

  r.post('/organisations/:id/merge', allow('organisations.manage'), async (req, res) => {
    const { into } = parse(mergeSchema, req.body);
    const target = await service.mergeOrganisation(db, clock, viewerOf(res)!, idOf(req.params.id), into);
    res.json(await service.organisationPage(db, clock, target.id, true));
  });

  r.get('/board', allow('board.read'), async (req, res) => {
    const { on } = parse(boardQuerySchema, req.query);
    res.json(boardJson(await service.board(db, on ?? clock.now().toISOString())));
  });

  r.get('/board/memberships', allow('board.manage'), async (_req, res) => {
    res.json({ memberships: (await service.memberships(db)).map(membershipJson), chairs: (await service.chairs(db)).map(chairJson) });
  });

  r.post('/board/memberships', allow('board.manage'), async (req, res) => {
    const id = await service.addMembership(db, clock, viewerOf(res)!, parse(membershipSchema, req.body));
    res.status(201).json({ membership: membershipJson((await service.membership(db, id))!) });
  });

  r.put('/board/memberships/:id', allow('board.manage'), async (req, res) => {
    const id = membershipIdOf(req.params.id);
    await service.updateMembership(db, clock, viewerOf(res)!, id, parse(membershipUpdateSchema, req.body));
    res.json({ membership: membershipJson((await service.membership(db, id))!) });
  });

  r.delete('/board/memberships/:id', allow('board.manage'), async (req, res) => {
    await service.deleteMembership(db, clock, viewerOf(res)!, membershipIdOf(req.params.id));
    res.status(204).end();
  });

  r.post('/board/chairs', allow('board.manage'), async (req, res) => {
    const id = await service.setChair(db, clock, viewerOf(res)!, parse(chairSchema, req.body));
    res.status(201).json({ chair: chairJson((await service.chair(db, id))!) });
  });

  r.put('/board/chairs/:id', allow('board.manage'), async (req, res) => {
    const id = chairIdOf(req.params.id);
    await service.updateChair(db, clock, viewerOf(res)!, id, parse(chairUpdateSchema, req.body));
    res.json({ chair: chairJson((await service.chair(db, id))!) });
  });

  return r;
}

type BoardView = Awaited<ReturnType<typeof service.board>>;
const orgJson = (o: { id: number; name: string; short_name: string | null }, since: string | undefined) => ({ id: o.id, name: o.name, short_name: o.short_name, since: since ?? null });

export function boardJson(b: BoardView) {
  return {
    on: b.on,
    members: b.members.map((o) => orgJson(o, b.since[o.id])),
    observers: b.observers.map((o) => orgJson(o, b.since[o.id])),
    chair: b.chair ? { ...orgJson(b.chair, b.chair_since ?? undefined), representative: b.representative_name } : null,
  };
}

const membershipJson = (m: Awaited<ReturnType<typeof service.memberships>>[number]) => ({
  id: m.id,
  organisation_id: m.organisation_id,
  organisation: m.organisation_name,
  status: m.status,
  from: m.from_date,
  until: m.until_date,
  principal: m.principal_user_id === null ? null : { id: m.principal_user_id, name: m.principal_name },
  alternates: m.alternates,
});

const chairJson = (c: Awaited<ReturnType<typeof service.chairs>>[number]) => ({
  id: c.id,
  organisation_id: c.organisation_id,
  organisation: c.organisation_name,
  representative: c.representative_user_id === null ? null : { id: c.representative_user_id, name: c.representative_name },
  from: c.from_date,
  until: c.until_date,
});
