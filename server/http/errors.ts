import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { AppError, BadRequest, NotFound, ServiceUnavailable } from '../errors.ts';
import { isBusyError, isUnreachableError, messages as busyMessages } from '../db-busy.ts';
import { isNulError, messages as nulMessages } from './nul.ts';
import { localise } from '../i18n/messages.ts';
import { langOf } from '../i18n/middleware.ts';

const wantsJson = (req: Request): boolean => req.path.startsWith('/api/') || (!req.accepts('html') && Boolean(req.accepts('json')));

export const notFound: RequestHandler = (req, _res, next) => {
  next(new NotFound(req.path.startsWith('/api/') ? `No API route ${req.method} ${req.path}.` : 'There is no page at this address.'));
};

const TITLES: Record<number, string> = {
  400: 'Bad request', 401: 'Sign in needed', 403: 'Not allowed', 404: 'Page not found', 409: 'Not possible now',
  413: 'Too large', 422: 'Please check what you entered', 429: 'Too many requests', 500: 'Something went wrong',
  503: 'Busy: please try again',
};

/** The one error handler: known errors say what to fix; anything else is a plain 500 with no detail. */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  let status = 500;
  let code = 'internal';
  let message = 'Something went wrong on our side. It has been logged; please try again later.';
  let fields: Record<string, string> | undefined;
  // A lock that outlasted the waits of db-busy.ts, if it escaped them (a library's own statement): 503.
  if (isBusyError(err)) err = new ServiceUnavailable(busyMessages.busy, 5);
  // A database server out of reach (PostgreSQL restarting, a network cut): 503, and the pool recovers by itself.
  else if (isUnreachableError(err)) err = new ServiceUnavailable(busyMessages.unreachable, 5);
  // A U+0000 that came in another way than refuseNul checks (a multipart field, a cell of a sheet).
  if (isNulError(err)) err = new BadRequest(nulMessages.nul);
  if (err instanceof AppError) {
    ({ status, code, message, fields } = err);
  } else if (err && typeof err === 'object' && typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
    // The request's own fault, found before any route ran: body-parser (malformed JSON, too large, bad
    // charset or compression) and the router (a path parameter with a broken %-escape). Their messages
    // are not ours to show: each gets a fixed one.
    const type = 'type' in err ? err.type : undefined;
    status = err.status;
    code = type === 'entity.too.large' ? 'too_large' : 'bad_request';
    message =
      type === 'entity.too.large' ? 'The request body is too large.' :
      type === 'entity.parse.failed' ? 'The request body is not valid JSON.' :
      err instanceof URIError ? 'The address is not valid: it has a broken %-escape.' : 'The request could not be read.';
  }
  // The request log (pino-http) records a 503 with this error rather than one it would make itself.
  if (err instanceof ServiceUnavailable) (res as unknown as { err: unknown }).err = err;
  else if (status >= 500) req.log?.error({ err }, 'request failed');
  if (res.headersSent) return;
  res.status(status);
  if (err instanceof ServiceUnavailable) res.set('Retry-After', String(err.retryAfterSec));
  if (wantsJson(req)) {
    res.json({ error: { code, message, ...(fields ? { fields } : {}) } });
    return;
  }
  // The title in the page's language (locales/<lng>/messages/errors.json); the message is shown with {{msg}}.
  res.render('errors/page', { title: localise(langOf(res), TITLES[status] ?? 'Error'), status, message, notFound: status === 404 });
};
