import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import { AppError } from '../errors.ts';
import { SEARCH_STATES, SEARCH_TYPES, readSearch, type SearchInput } from './validation.ts';
import * as service from './service.ts';
import { t } from '../i18n/index.ts';
import { langOf } from '../i18n/middleware.ts';

/** The search page (issue 15): the home page's box lands here. */
export function searchRoutes(deps: Deps): Router {
  const r = Router();
  r.get('/search', allow('public'), async (req, res) => {
    const raw = req.query as Record<string, unknown>;
    const echo = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string) : '');
    const form = { q: echo('q'), series: echo('series'), type: echo('type'), state: echo('state'), versions: echo('versions') };
    const lng = langOf(res);
    const page = (status: number, locals: Record<string, unknown>) =>
      res.status(status).render('search/index', {
        title: form.q ? t(lng, 'search:titleQuery', { q: form.q.slice(0, 80) }) : t(lng, 'search:title'),
        form,
        types: SEARCH_TYPES.map((type) => ({ value: type, selected: type === form.type })),
        states: SEARCH_STATES.map((s) => ({ value: s, selected: s === form.state })),
        allVersions: form.versions === 'all',
        ...locals,
      });
    // No query: the empty form, not an error.
    if (!form.q.trim() && raw.q === undefined) return page(200, {});
    let input: SearchInput;
    let outcome: service.SearchOutcome;
    try {
      input = readSearch(raw);
      outcome = await service.search(deps.db, deps.clock, viewerOf(res), input);
    } catch (err) {
      if (err instanceof AppError && err.status < 500) return page(err.status, { error: err.message });
      throw err;
    }
    if (outcome.kind === 'redirect') return res.redirect(303, outcome.url);
    const link = (p: number) => {
      const params = new URLSearchParams(Object.entries({ ...form, page: String(p) }).filter(([, v]) => v));
      return `/search?${params}`;
    };
    page(200, {
      searched: true,
      ...outcome,
      start: (outcome.page - 1) * service.PAGE_SIZE + 1,
      prev: outcome.page > 1 ? link(outcome.page - 1) : null,
      next: outcome.more ? link(outcome.page + 1) : null,
    });
  });
  return r;
}
