import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Forbidden, Unauthorized } from '../errors.ts';
import type { Role, Viewer } from './viewer.ts';

/**
 * Every route declares who may use it with allow(...) as its first handler; a test walks the
 * router and fails on a route without one (permissions fail closed).
 */
export type Rule = 'public' | 'signed-in' | readonly Role[];

export interface Guard extends RequestHandler {
  rule: Rule;
}

export function viewerOf(res: Response): Viewer | null {
  return (res.locals.viewer as Viewer | undefined) ?? null;
}

export function allow(rule: Rule): Guard {
  const guard = ((req: Request, res: Response, next: NextFunction) => {
    if (rule === 'public') return next();
    const viewer = viewerOf(res);
    if (!viewer) {
      if (req.path.startsWith('/api/') || req.originalUrl.startsWith('/api/')) return next(new Unauthorized());
      return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
    }
    if (rule !== 'signed-in' && !rule.includes(viewer.role)) return next(new Forbidden());
    next();
  }) as Guard;
  guard.rule = rule;
  return guard;
}
