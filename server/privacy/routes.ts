import { t } from '../i18n/index.ts';
import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps.ts';
import { NotFound } from '../errors.ts';
import { submitForm } from '../http/forms.ts';
import { pathId } from '../http/validation.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import type { Auth } from '../auth/middleware.ts';
import { findUserById } from '../accounts/repo.ts';
import * as service from './service.ts';

export const messages = {
  closed: 'Your account is closed. Your name, e-mail address and password have been erased; your comments and votes stay in the public record under your organisation.',
} as const;

const idOf = (s: unknown): number => pathId(s, service.messages.noSuchUser);

/** The privacy page, and the pages to download one's data and close an account (own, or any for the secretariat). */
export function privacyRoutes(deps: Deps, auth: Auth): Router {
  const r = Router();
  const { ctx } = auth;

  r.get('/privacy', allow('public'), (req, res) => {
    res.render('privacy/index', { title: t(res.locals.lang, 'privacy:title'), notice: req.query.closed === '1' && !viewerOf(res) ? messages.closed : null });
  });

  async function sendExport(res: Response, id: number) {
    const data = await service.exportData(ctx, viewerOf(res)!, id);
    res.set('Cache-Control', 'no-store');
    res.attachment(`imas-review-account-${id}.json`).type('application/json').send(JSON.stringify(data, null, 2));
  }

  async function renderClose(res: Response, id: number, extra: Record<string, unknown> = {}) {
    const viewer = viewerOf(res)!;
    const user = await findUserById(ctx.db, id);
    if (!user) throw new NotFound(service.messages.noSuchUser);
    const self = viewer.id === id;
    res.render('privacy/close', {
      title: self ? t(res.locals.lang, 'privacy:close.titleSelf') : t(res.locals.lang, 'privacy:close.headingOther', { name: user.name }),
      user,
      self,
      action: self ? '/account/close' : `/admin/users/${id}/close`,
      back: self ? '/account' : `/admin/users/${id}`,
      closed: Boolean((user as { closed_at?: string | null }).closed_at),
      ...extra,
    });
  }

  async function close(req: Request, res: Response, id: number, done: () => void) {
    const viewer = viewerOf(res)!;
    const password = typeof req.body?.password === 'string' ? req.body.password : undefined;
    // (the password is never put back in the page)
    await submitForm(res, async () => {
      await service.closeAccount(ctx, viewer, id, { password });
      done();
    }, (err) => renderClose(res, id, { errors: err.fields ?? {}, error: err.message }));
  }

  r.get('/account/export', allow('account.own'), (_req, res) => sendExport(res, viewerOf(res)!.id));
  r.get('/account/close', allow('account.own'), (_req, res) => renderClose(res, viewerOf(res)!.id));
  r.post('/account/close', allow('account.own'), (req, res, next) =>
    close(req, res, viewerOf(res)!.id, () => {
      // The account's sessions are already deleted; end this one in the browser too.
      auth.signOut(req, res, next, '/privacy?closed=1');
    }),
  );

  // — the secretariat, on request —
  r.get('/admin/users/:id/export', allow('accounts.manage'), (req, res) => sendExport(res, idOf(req.params.id)));
  r.get('/admin/users/:id/close', allow('accounts.manage'), (req, res) => renderClose(res, idOf(req.params.id)));
  r.post('/admin/users/:id/close', allow('accounts.manage'), (req, res) => {
    const id = idOf(req.params.id);
    // Closing one's own account from here still asks for the password (the service checks).
    return close(req, res, id, () => res.redirect(303, id === viewerOf(res)!.id ? '/privacy?closed=1' : `/admin/users/${id}?done=closed`));
  });

  return r;
}
