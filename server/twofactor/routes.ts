import { t } from '../i18n/index.ts';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Deps } from '../deps.ts';
import { AppError, NotFound } from '../errors.ts';
import { errorsOf, submitForm } from '../http/forms.ts';
import { pathId } from '../http/validation.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import type { Auth } from '../auth/middleware.ts';
import { TooManyRequests } from '../auth/rate-limit.ts';
import { findUserById } from '../accounts/repo.ts';
import * as service from './service.ts';
import { requiresTwoFactor } from './totp.ts';
import { finishSignIn, pendingSecondStep } from './signin.ts';

export const ENROL_PATH = '/account/two-factor';

const done: Record<string, string> = {
  off: 'Two-factor sign-in is off.',
  recovery: 'You signed in with a recovery code: it cannot be used again. Make new ones below if few are left.',
};

const field = (body: unknown, name: string, max = 200): string => {
  const v = (body ?? {}) as Record<string, unknown>;
  return typeof v[name] === 'string' ? (v[name] as string).slice(0, max) : '';
};

/**
 * Secretariat accounts must have two-factor sign-in (design: ASVS L2 for privileged accounts). One
 * signed in without it is sent to enrol before anything else: every page but the enrolment page and
 * sign-out redirects there, and the API refuses with 403. Also tells the account page whether it is on.
 */
export function twoFactorGate(deps: Deps): RequestHandler {
  return async (req, res, next) => {
    const viewer = viewerOf(res);
    // Only the roles that must use a second factor are looked up: other readers' pages cost no query.
    if (!viewer || !requiresTwoFactor(viewer.role)) return next();
    if (await service.isEnrolled(deps, viewer.id)) return next();
    if (req.originalUrl.startsWith('/api/')) return next(new AppError(403, 'two_factor_required', service.messages.enrolFirst));
    if (req.path === ENROL_PATH || req.path.startsWith(`${ENROL_PATH}/`) || (req.method === 'POST' && req.path === '/logout')) return next();
    res.redirect(303, ENROL_PATH);
  };
}

/** The second step of signing in, and enrolment on the account page. */
export function twoFactorRoutes(deps: Deps, auth: Auth): Router {
  const r = Router();
  const ctx = deps;
  const meta = (req: Request, via: 'form' | 'account') => ({ ip: req.ip, via });

  const renderCode = (req: Request, res: Response, extra: Record<string, unknown> = {}) =>
    res.render('auth/code', { title: t(res.locals.lang, 'auth:titles.code'), csrfToken: auth.csrfToken(req), ...extra });

  r.get('/login/code', allow('auth.sign-in'), (req, res) => {
    if (viewerOf(res)) return res.redirect(303, '/account');
    if (!pendingSecondStep(req, deps.clock.now().getTime())) return res.redirect(303, '/login');
    renderCode(req, res);
  });

  r.post('/login/code', allow('auth.sign-in'), async (req, res, next) => {
    const pending = pendingSecondStep(req, deps.clock.now().getTime());
    if (viewerOf(res) || !pending) {
      if (req.session) delete req.session.twoFactor;
      return res.redirect(303, '/login');
    }
    const ip = req.ip ?? 'unknown';
    try {
      await auth.limiters.check(res, ip, pending.email);
    } catch (err) {
      if (err instanceof TooManyRequests) return renderCode(req, res.status(429), { error: err.message });
      throw err;
    }
    const code = field(req.body, 'code').trim();
    if (!code) return renderCode(req, res.status(422), { errors: { code: service.messages.enterCode } });
    const user = await findUserById(deps.db, pending.userId);
    if (!user || user.disabled_at) {
      delete req.session.twoFactor;
      return res.redirect(303, '/login');
    }
    const result = await service.checkSecondFactor(ctx, user.id, code, meta(req, 'form'));
    if (!result.ok) {
      // Counted like a wrong password: five in a row and this account is blocked from this address.
      await auth.limiters.failed(ip, pending.email);
      return renderCode(req, res.status(401), { errors: { code: service.messages.wrongCode } });
    }
    await auth.limiters.succeeded(ip, pending.email);
    if (result.method === 'recovery' && !req.session.returnTo) req.session.returnTo = `${ENROL_PATH}?done=recovery`;
    finishSignIn(deps, auth, req, res, next, user);
  });

  async function renderEnrol(req: Request, res: Response, extra: Record<string, unknown> = {}) {
    const viewer = viewerOf(res)!;
    // The page shows a secret (or recovery codes): never kept in a cache.
    res.set('Cache-Control', 'no-store');
    const state = await service.status(ctx, viewer.id);
    const base = { title: t(res.locals.lang, 'account:titles.twoFactor'), required: requiresTwoFactor(viewer.role), enabled: state.enabled, recoveryLeft: state.recoveryLeft };
    if (state.enabled || extra.recoveryCodes) return res.render('account/two-factor', { ...base, ...extra });
    res.render('account/two-factor', { ...base, ...(await service.pendingEnrolment(ctx, viewer)), ...extra });
  }

  /** A wrong code or password on the account page counts toward the lockout too (a stolen session cannot guess on). */
  async function guarded<T>(req: Request, res: Response, run: () => Promise<T>): Promise<T> {
    const viewer = viewerOf(res)!;
    const ip = req.ip ?? 'unknown';
    await auth.limiters.check(res, ip, viewer.email);
    try {
      return await run();
    } catch (err) {
      if (err instanceof service.WrongFactor) await auth.limiters.failed(ip, viewer.email);
      throw err;
    }
  }

  r.get(ENROL_PATH, allow('account.own'), (req, res) => renderEnrol(req, res, { notice: done[String(req.query.done)] ?? null }));

  r.post(ENROL_PATH, allow('account.own'), async (req, res) => {
    const viewer = viewerOf(res)!;
    await submitForm(res, async () => {
      // Not counted toward the lockout: the secret was just shown to this session, there is nothing to guess.
      const recoveryCodes = await service.confirmEnrolment(ctx, viewer, field(req.body, 'code'));
      await renderEnrol(req, res.status(201), { recoveryCodes, notice: 'Two-factor sign-in is on.' });
    }, (err) => renderEnrol(req, res, { errors: errorsOf(err), error: null }));
  });

  r.post(`${ENROL_PATH}/recovery-codes`, allow('account.own'), async (req, res) => {
    const viewer = viewerOf(res)!;
    await submitForm(res, async () => {
      const recoveryCodes = await guarded(req, res, () => service.renewRecoveryCodes(ctx, viewer, field(req.body, 'code'), meta(req, 'account')));
      await renderEnrol(req, res.status(201), { recoveryCodes, notice: 'New recovery codes are ready; the old ones no longer work.' });
    }, (err) => renderEnrol(req, res, { renewErrors: errorsOf(err) }));
  });

  r.post(`${ENROL_PATH}/disable`, allow('account.own'), async (req, res) => {
    const viewer = viewerOf(res)!;
    await submitForm(res, async () => {
      await guarded(req, res, () => service.disable(ctx, viewer, { code: field(req.body, 'disable_code'), password: field(req.body, 'password', 4096) }, meta(req, 'account')));
      res.redirect(303, `${ENROL_PATH}?done=off`);
    }, (err) => {
      // The field is disable_code on the page: the renewal form above has its own "code".
      const { code, ...others } = errorsOf(err);
      return renderEnrol(req, res, { disableErrors: { ...others, disable_code: code } });
    });
  });

  r.post('/admin/users/:id/two-factor/disable', allow('accounts.manage'), async (req, res) => {
    const id = pathId(req.params.id, 'There is no such user.');
    if (!(await findUserById(deps.db, id))) throw new NotFound('There is no such user.');
    await service.resetFor(ctx, viewerOf(res)!.id, id);
    res.redirect(303, `/admin/users/${id}?done=two-factor-off`);
  });

  return r;
}
