import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import { BadRequest } from '../errors.ts';
import * as standards from '../standards/service.ts';
import { pair, type DiffCache } from './service.ts';

/** GET /api/v1/standards/{ref}/diff?from=&to=: the structured diff (design.md §5). */
export function diffApi(deps: Deps, cache: DiffCache): Router {
  const r = Router();
  r.get('/standards/:ref/diff', allow('public'), async (req, res) => {
    const from = typeof req.query.from === 'string' ? req.query.from : '';
    const to = typeof req.query.to === 'string' ? req.query.to : '';
    if (!from || !to) {
      throw new BadRequest('Give both ends: ?from=1&to=current.', { ...(from ? {} : { from: 'required' }), ...(to ? {} : { to: 'required' }) });
    }
    const snap = await standards.resolveStandard(deps.states, String(req.params.ref));
    const detail = standards.standardDetail(snap, viewerOf(res), deps.clock.now());
    const p = pair(detail, from, to);
    const { diff } = await cache.get(deps.db, p.from.id, p.to.id);
    const end = (v: typeof p.from) => ({ n: v.n, label: v.label, state: v.state });
    res.json({ ref: detail.standard.ref, from: end(p.from), to: end(p.to), summary: diff.summary, clauses: diff.clauses });
  });
  return r;
}
