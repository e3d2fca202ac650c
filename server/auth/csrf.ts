import crypto from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import cookieParser from 'cookie-parser';
import { csrfSync } from 'csrf-sync';
import { doubleCsrf } from 'csrf-csrf';
import { AppError } from '../errors.ts';

/**
 * CSRF protection of every form and cookie-authenticated write, in two kinds:
 * - signed in: the synchroniser token of csrf-sync, kept in the user's session;
 * - anonymous (sign-in, registration, reset forms): a signed double-submit token (csrf-csrf), an HMAC'd
 *   random value in an HttpOnly cookie that the form must repeat, so that a visit stores no session.
 * Multipart forms (uploads) carry the token in their body, read by multer: their check waits until the
 * route has parsed the body (csrfFromBody), before anything is read or written; never in the URL.
 */

export const messages = {
  csrf: 'This form has expired or did not come from this site. Go back, reload the page and try again.',
} as const;

declare module 'express-serve-static-core' {
  interface Request {
    /** a multipart write whose token is in the body: checked by csrfFromBody once the route has parsed it */
    csrfAfterBody?: (req: Request, res: Response, next: NextFunction) => void;
  }
}

/** The double-submit cookie; __Host- (Secure, no Domain, path /) where PUBLIC_URL is https, as the session's. */
export const csrfCookieName = (secure: boolean): string => (secure ? '__Host-imas.csrf' : 'imas.csrf');

/** The one path taken without a CSRF token: the unsubscribe link of the notices by mail. */
export const ONE_CLICK_UNSUBSCRIBE = /^\/unsubscribe\/[^/]+$/;

const UNSAFE = (method: string) => !['GET', 'HEAD', 'OPTIONS'].includes(method);
const signedIn = (req: Request) => Boolean(req.user);

function tokenOf(req: Request): string | undefined {
  const fromBody = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>)._csrf : undefined;
  if (typeof fromBody === 'string') return fromBody;
  return req.get('x-csrf-token') || undefined;
}

export interface Csrf {
  /** cookies, then the check of unsafe methods, then res.locals.csrfToken for signed-in pages */
  middleware: RequestHandler[];
  /** the token for a form: the session's when signed in, else a double-submit one (its cookie set on req.res) */
  token(req: Request, overwrite?: boolean): string;
}

export function createCsrf(opts: { sessionSecret: string; secure: boolean }): Csrf {
  const sync = csrfSync({ getTokenFromRequest: tokenOf });
  const double = doubleCsrf({
    // Its own key, derived from SESSION_SECRET: one secret, two uses that cannot be swapped.
    getSecret: () => crypto.createHmac('sha256', opts.sessionSecret).update('imas-review anonymous csrf').digest('hex'),
    // Anonymous forms have no session to bind to: the token is bound to its cookie.
    getSessionIdentifier: () => 'anonymous',
    cookieName: csrfCookieName(opts.secure),
    cookieOptions: { sameSite: 'strict', secure: opts.secure, httpOnly: true, path: '/' },
    getCsrfTokenFromRequest: tokenOf,
  });
  const refused = () => new AppError(403, 'csrf', messages.csrf);

  const verify = (req: Request, res: Response, next: NextFunction) => {
    if (signedIn(req)) return sync.csrfSynchronisedProtection(req, res, (err?: unknown) => next(err ? refused() : undefined));
    next(double.validateRequest(req) ? undefined : refused());
  };

  const check: RequestHandler = (req, res, next) => {
    if (!UNSAFE(req.method)) return next();
    // RFC 8058 one-click unsubscribe: the mail program POSTs to the link with no cookie and no form.
    // Nothing there to forge: the signed token in the URL is the only authority (never the session),
    // and all it can do is turn its own user's mail off (server/notifications/routes.ts).
    if (req.method === 'POST' && ONE_CLICK_UNSUBSCRIBE.test(req.path)) return next();
    // A Bearer token is not sent by browsers on their own, and an API call without a session user
    // carries no ambient authority: nothing to forge. Session-authenticated API writes need the header.
    if (req.authVia === 'bearer' || (req.originalUrl.startsWith('/api/') && req.authVia !== 'session')) return next();
    // The token of a multipart form is in its body, which only the route's multer reads.
    if (req.is('multipart/form-data') && !req.get('x-csrf-token')) {
      req.csrfAfterBody = verify;
      return next();
    }
    verify(req, res, next);
  };

  const locals: RequestHandler = (req, res, next) => {
    // Signed-in pages carry the token (the sign-out form is in the header); anonymous pages only where
    // they have a form, so that the public library sets no cookie.
    if (req.authVia === 'session') res.locals.csrfToken = sync.generateToken(req);
    next();
  };

  return {
    middleware: [cookieParser(), check, locals],
    token: (req, overwrite) => (signedIn(req) ? sync.generateToken(req, overwrite) : double.generateCsrfToken(req, req.res!, { overwrite })),
  };
}

/**
 * After the multipart parser (multer, file in memory), before the handler: checks the token the body
 * carries. A route that takes multipart forms must have it, or allow() refuses them (fail closed).
 */
export const csrfFromBody: RequestHandler = (req, res, next) => {
  const verify = req.csrfAfterBody;
  if (!verify) return next();
  delete req.csrfAfterBody;
  verify(req, res, next);
};

/** Whether a multipart write reaches a route that checks its token in the body (see allow()). */
export function csrfPendingUnchecked(req: Request): boolean {
  if (!req.csrfAfterBody) return false;
  const stack = (req.route as { stack?: Array<{ handle: unknown }> } | undefined)?.stack ?? [];
  return !stack.some((layer) => layer.handle === csrfFromBody);
}
