import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import { doneNotice } from '../http/done.ts';
import { errorsOf, submitForm } from '../http/forms.ts';
import { parseOr422 } from '../http/validation.ts';
import { t } from '../i18n/index.ts';
import { MODES } from './messages.ts';
import * as service from './service.ts';
import { settingsSchema } from './validation.ts';

// The notices a redirect names (?done=), as keys of locales/<lng>/notifications.json.
const done = { saved: 'notifications:settings.saved' } as const;

/**
 * The choice of notices on the account (/account/notifications), and the unsubscribe link of every mail:
 * GET shows a page with one button, POST turns the mail off. The POST is also RFC 8058's one-click
 * unsubscribe, sent by the mail program without a session or a form token: the token in the URL is the
 * whole authority (server/auth/csrf.ts exempts this one path).
 */
const noticeOf = (res: Response, key: string | null) => (key ? t(res.locals.lang, key) : null);

export function notificationsRoutes(deps: Deps): Router {
  const r = Router();
  const secret = deps.config.sessionSecret;

  async function renderSettings(req: Request, res: Response, extra: Record<string, unknown> = {}) {
    const current = (extra.mode as string | undefined) ?? (await service.settingsOf(deps.db, viewerOf(res)!)).mode;
    res.render('notifications/settings', {
      title: t(res.locals.lang, 'notifications:settings.title'),
      notice: noticeOf(res, doneNotice(done, req.query.done)),
      choices: MODES.map((m) => ({ value: m, label: t(res.locals.lang, `notifications:settings.modes.${m}`), checked: m === current })),
      ...extra,
    });
  }

  r.get('/account/notifications', allow('account.own'), (req, res) => renderSettings(req, res));

  r.post('/account/notifications', allow('account.own'), async (req, res) => {
    await submitForm(res, async () => {
      const input = parseOr422(settingsSchema, req.body);
      await service.changeSettings(deps.db, deps.clock, viewerOf(res)!, input, deps.logger);
      res.redirect(303, '/account/notifications?done=saved');
    }, (err) => renderSettings(req, res, { errors: errorsOf(err), mode: typeof req.body?.mode === 'string' ? req.body.mode : undefined }));
  });

  r.get('/unsubscribe/:token', allow('public'), async (req, res) => {
    await service.checkUnsubscribe(deps.db, secret, String(req.params.token));
    res.set('Cache-Control', 'no-store');
    res.render('notifications/unsubscribe', { title: t(res.locals.lang, 'notifications:unsubscribe.title'), action: `/unsubscribe/${encodeURIComponent(String(req.params.token))}` });
  });

  r.post('/unsubscribe/:token', allow('public'), async (req, res) => {
    await service.unsubscribe(deps.db, deps.clock, secret, String(req.params.token), deps.logger);
    res.set('Cache-Control', 'no-store');
    res.render('auth/message', { title: t(res.locals.lang, 'notifications:unsubscribe.doneTitle'), message: t(res.locals.lang, 'notifications:unsubscribe.done') });
  });

  return r;
}
