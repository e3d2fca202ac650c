import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import { readSearch } from './validation.ts';
import * as service from './service.ts';

/** GET /api/v1/search: the page's service as JSON. A designation answers with where it leads. */
export function searchApi(deps: Deps): Router {
  const r = Router();
  r.get('/search', allow('public'), async (req, res) => {
    const input = readSearch(req.query);
    const outcome = await service.search(deps.db, deps.clock, viewerOf(res), input);
    if (outcome.kind === 'redirect') {
      res.json({ query: input.q, standard: { ref: outcome.ref, clause: outcome.clause, url: outcome.url }, results: [], standards: [], comments: null, more: false, page: 1 });
      return;
    }
    res.json({
      query: input.q,
      standard: null,
      page: outcome.page,
      more: outcome.more,
      results: outcome.results,
      standards: outcome.standards,
      comments: outcome.comments,
    });
  });
  return r;
}
