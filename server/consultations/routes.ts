import { Router } from 'express';
import type { Deps } from '../deps.ts';

/** HTML pages of consultations (mounted by server/app.ts). */
export function consultationsRoutes(_deps: Deps): Router {
  const r = Router();
  return r;
}
