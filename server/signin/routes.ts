import { t } from '../i18n/index.ts';
import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps.ts';
import { Validation } from '../errors.ts';
import { errorsOf, formValues as keep, submitForm } from '../http/forms.ts';
import { parseOr422 } from '../http/validation.ts';
import { allow, startPageOf, viewerOf } from '../auth/permissions.ts';
import { safeReturnPath, type Auth } from '../auth/middleware.ts';
import { TooManyRequests } from '../auth/rate-limit.ts';
import * as users from '../accounts/service.ts';
import { forgotSchema, registerSchema, signInSchema } from '../users/validation.ts';
import type { UserRow } from '../accounts/repo.ts';
import { isEnrolled } from '../twofactor/service.ts';
import { finishSignIn, startSecondStep } from '../twofactor/signin.ts';
import { choiceView } from '../organisations/service.ts';
import { langOf } from '../i18n/middleware.ts';

export const messages = {
  signedOut: 'You have signed out.',
  registered: 'Check your inbox: we have sent a link to confirm your address. You can sign in now, and comment once the address is confirmed.',
  verified: 'Your e-mail address is confirmed.',
  resetSent: 'If an account uses this address, we have sent it a link to choose a new password. The link works once, within one hour.',
  sessionEnded: 'Your session has ended after a time without activity, or after 12 hours. Please sign in again.',
  resetDone: 'Your password has been changed. Every session of your account has been signed out and its API tokens revoked. Sign in with the new password now.',
} as const;

/**
 * Where the user came from (a local path, validated) carried through sign-in, registration and the
 * confirmation mail, and the query string that passes it on to the next page of the process.
 */
function returnPath(from: unknown): { next: string | null; nextQuery: string } {
  const next = safeReturnPath(from);
  return { next, nextQuery: next ? `?next=${encodeURIComponent(next)}` : '' };
}

/** Sign-in, sign-out, registration, address verification and password reset pages. */
export function signinRoutes(deps: Deps, auth: Auth): Router {
  const r = Router();
  const { ctx } = auth;

  const renderLogin = (req: Request, res: Response, extra: Record<string, unknown> = {}) =>
    res.render('auth/login', { title: t(res.locals.lang, 'auth:titles.signIn'), csrfToken: auth.csrfToken(req), ...extra });

  r.get('/login', allow('auth.sign-in'), (req, res) => {
    const viewer = viewerOf(res);
    if (viewer) return res.redirect(303, safeReturnPath(req.query.next) ?? startPageOf(viewer.role));
    // Kept in the session through the sign-in (Passport regenerates it; keepSessionInfo carries it over).
    const back = returnPath(req.query.next);
    if (back.next) req.session.returnTo = back.next;
    const ended = req.session.ended;
    delete req.session.ended;
    renderLogin(req, res, { notice: ended ? messages.sessionEnded : null, values: {}, ...back });
  });

  r.post('/login', allow('auth.sign-in'), async (req, res, next) => {
    const values = keep(req.body, 'email'); // never a password
    let email = '';
    await submitForm(res, () => {
      email = parseOr422(signInSchema, req.body).email;
    }, (err) => renderLogin(req, res, { values, errors: errorsOf(err) }));
    if (!email) return;
    const ip = req.ip ?? 'unknown';
    const limited = await refusal(() => auth.limiters.check(res, ip, email));
    if (limited) return renderLogin(req, res.status(429), { values, error: limited });
    req.body.email = email;
    auth.passport.authenticate('local', { session: false }, async (err: unknown, user: UserRow | false) => {
      try {
        if (err) return next(err);
        if (!user) {
          await auth.limiters.failed(ip, email);
          return renderLogin(req, res.status(401), { values, error: users.messages.wrongCredentials });
        }
        // With two-factor sign-in the password alone signs nobody in, and does not reset the count of
        // failures: a wrong code counts as a failed attempt until the code is right.
        if (await isEnrolled(ctx, user.id)) return startSecondStep(deps, auth, req, res, next, user);
        await auth.limiters.succeeded(ip, email);
        finishSignIn(deps, auth, req, res, next, user);
      } catch (e) {
        next(e);
      }
    })(req, res, next);
  });

  r.post('/logout', allow('auth.sign-out'), async (req, res, next) => {
    const viewer = viewerOf(res)!;
    await users.signedOut(ctx, viewer, req.ip);
    auth.signOut(req, res, next, '/?signed-out=1');
  });

  r.get('/register', allow('auth.register'), async (req, res) => {
    res.render('auth/register', { title: t(res.locals.lang, 'auth:titles.register'), csrfToken: auth.csrfToken(req), values: {}, choice: await choiceView(ctx.db, { all: false }), ...returnPath(req.query.next) });
  });

  r.post('/register', allow('auth.register'), async (req, res) => {
    const values = keep(req.body, 'name', 'email', 'organisation', 'organisation_id', 'organisation_other');
    const back = returnPath(req.body?.next);
    const again = async (status: number, extra: { errors?: Record<string, string>; error?: string }) =>
      res.status(status).render('auth/register', { title: t(res.locals.lang, 'auth:titles.register'), csrfToken: auth.csrfToken(req), values, choice: await choiceView(ctx.db, { all: false, values, errors: extra.errors }), ...back, ...extra });
    const limited = await refusal(() => auth.limiters.check(res, req.ip ?? 'unknown'));
    if (limited) return again(429, { error: limited });
    await submitForm(res, async () => {
      await users.register(ctx, parseOr422(registerSchema, req.body), back.next, langOf(res));
      // The sign-in link keeps the way back, and so does the link in the mail.
      res.render('auth/message', { title: t(res.locals.lang, 'auth:titles.checkInbox'), message: messages.registered, signInLink: true, ...back });
    }, (err) => again(err.status, { errors: errorsOf(err) }));
  });

  // The link in the mail opens a page with a button: a GET changes nothing (and mail scanners that
  // follow links do not use them up).
  r.get('/verify-email', allow('public'), async (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    const c = await users.checkLink(ctx, 'verify', token);
    if (!c.ok) return res.status(400).render('auth/message', { title: t(res.locals.lang, 'auth:titles.confirm'), message: c.message, problem: true });
    res.render('auth/verify', { title: t(res.locals.lang, 'auth:titles.confirm'), token, csrfToken: auth.csrfToken(req), ...returnPath(req.query.next) });
  });

  r.post('/verify-email', allow('public'), async (req, res) => {
    const token = typeof req.body?.token === 'string' ? req.body.token : '';
    try {
      await users.verifyEmail(ctx, token);
    } catch (err) {
      if (err instanceof Validation) return res.status(400).render('auth/message', { title: t(res.locals.lang, 'auth:titles.confirm'), message: err.message, problem: true });
      throw err;
    }
    const back = returnPath(req.body?.next);
    res.render('auth/message', { title: t(res.locals.lang, 'auth:titles.confirmed'), message: messages.verified, signInLink: !viewerOf(res), ...back });
  });

  r.get('/forgot-password', allow('public'), (req, res) => {
    res.render('auth/forgot', { title: t(res.locals.lang, 'auth:titles.forgot'), csrfToken: auth.csrfToken(req), values: {} });
  });

  r.post('/forgot-password', allow('public'), async (req, res) => {
    const values = keep(req.body, 'email');
    const again = (status: number, extra: Record<string, unknown>) =>
      res.status(status).render('auth/forgot', { title: t(res.locals.lang, 'auth:titles.forgot'), csrfToken: auth.csrfToken(req), values, ...extra });
    const limited = await refusal(() => auth.limiters.check(res, req.ip ?? 'unknown'));
    if (limited) return again(429, { error: limited });
    await submitForm(res, async () => {
      await users.requestPasswordReset(ctx, parseOr422(forgotSchema, req.body).email);
      res.render('auth/message', { title: t(res.locals.lang, 'auth:titles.checkInbox'), message: messages.resetSent });
    }, (err) => again(err.status, { errors: errorsOf(err) }));
  });

  r.get('/reset-password', allow('public'), async (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    const c = await users.checkLink(ctx, 'reset', token);
    if (!c.ok) return res.status(400).render('auth/message', { title: t(res.locals.lang, 'auth:titles.reset'), message: c.message, problem: true, forgotLink: true });
    res.render('auth/reset', { title: t(res.locals.lang, 'auth:titles.reset'), token, csrfToken: auth.csrfToken(req) });
  });

  r.post('/reset-password', allow('public'), async (req, res) => {
    const token = typeof req.body?.token === 'string' ? req.body.token : '';
    const password = typeof req.body?.password === 'string' ? req.body.password : '';
    await submitForm(res, async () => {
      await users.resetPassword(ctx, token, password);
      res.render('auth/message', { title: t(res.locals.lang, 'auth:titles.passwordChanged'), message: messages.resetDone, signInLink: true });
    }, (err) =>
      // A link that no longer works has no form to come back to: the page says so, and offers a new link.
      err.fields?.token
        ? res.status(400).render('auth/message', { title: t(res.locals.lang, 'auth:titles.reset'), message: err.message, problem: true, forgotLink: true })
        : res.render('auth/reset', { title: t(res.locals.lang, 'auth:titles.reset'), token, csrfToken: auth.csrfToken(req), errors: errorsOf(err) }));
  });

  return r;
}

/** The message of a brute-force refusal (forms show it above the form, 429), or null when allowed. */
async function refusal(check: () => Promise<void>): Promise<string | null> {
  try {
    await check();
    return null;
  } catch (err) {
    if (err instanceof TooManyRequests) return err.message;
    throw err;
  }
}
