import { Router } from 'express';
import type { Deps } from '../deps.ts';

/** HTML pages of drafts (mounted by server/app.ts). */
export function draftsRoutes(_deps: Deps): Router {
  const r = Router();
  return r;
}
