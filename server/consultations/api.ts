import { Router } from 'express';
import type { Deps } from '../deps.ts';

/** JSON API of consultations under /api/v1 (mounted by server/app.ts); paths described in ./openapi.ts. */
export function consultationsApi(_deps: Deps): Router {
  const r = Router();
  return r;
}
