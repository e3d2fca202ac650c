import { Router, type Response } from 'express';
import type { Deps } from '../deps.ts';
import type { Auth } from '../auth/middleware.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import { safeReturnPath } from '../auth/middleware.ts';
import { isLanguage, LANGUAGE_COOKIE, type Language } from '../i18n/index.ts';
import { NotFound } from '../errors.ts';
import { updateProfile } from '../accounts/service.ts';

const YEAR_MS = 365 * 24 * 3600 * 1000;

/**
 * The language switcher (issue 19, views/partials/site-header.hbs): a link per language for readers who
 * are not signed in (their pages are cached, so no form and no token there), a form for those who are,
 * whose choice is kept on their account as well (their pages and mails in it on every device).
 */
export function languageRoutes(deps: Deps, auth: Auth): Router {
  const r = Router();

  function choose(res: Response, lang: Language, next: unknown) {
    res.cookie(LANGUAGE_COOKIE, lang, { maxAge: YEAR_MS, httpOnly: true, sameSite: 'lax', secure: deps.config.secureCookies, path: '/' });
    res.redirect(303, safeReturnPath(next) ?? '/');
  }

  r.get('/language/:lang', allow('language.choose'), (req, res) => {
    const lang = req.params.lang;
    if (!isLanguage(lang)) throw new NotFound(`No interface language "${String(lang).slice(0, 20)}": choose one of en, fr, es, ar, ru, zh.`);
    choose(res, lang, req.query.next);
  });

  r.post('/language', allow('language.choose'), async (req, res) => {
    const lang = req.body?.lang;
    if (!isLanguage(lang)) throw new NotFound(`No interface language "${String(lang).slice(0, 20)}": choose one of en, fr, es, ar, ru, zh.`);
    const viewer = viewerOf(res);
    if (viewer) await updateProfile(auth.ctx, viewer, { language: lang });
    choose(res, lang, req.body?.next);
  });

  return r;
}
