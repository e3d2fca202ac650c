import { Router } from 'express';
import type { Deps } from '../deps.ts';

/** JSON API of drafts under /api/v1 (mounted by server/app.ts); paths described in ./openapi.ts. */
export function draftsApi(_deps: Deps): Router {
  const r = Router();
  return r;
}
