import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { allow } from '../auth/permissions.ts';
import { publicationsFeed } from './service.ts';

/** Atom feeds (design.md §6), built from the same data as the pages. */
export function feedsRoutes(deps: Deps): Router {
  const r = Router();
  r.get('/feeds/publications.atom', allow('feeds.read'), async (_req, res) => {
    res.type('application/atom+xml; charset=utf-8').send(await publicationsFeed(deps.db, deps.config.publicUrl));
  });
  return r;
}
