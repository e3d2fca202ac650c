import { Router } from 'express';
import type { Deps } from '../deps.ts';

/** HTML pages of ballots (mounted by server/app.ts). */
export function ballotsRoutes(_deps: Deps): Router {
  const r = Router();
  return r;
}
