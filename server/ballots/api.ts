import { Router } from 'express';
import type { Deps } from '../deps.ts';

/** JSON API of ballots under /api/v1 (mounted by server/app.ts); paths described in ./openapi.ts. */
export function ballotsApi(_deps: Deps): Router {
  const r = Router();
  return r;
}
