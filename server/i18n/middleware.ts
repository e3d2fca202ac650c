import type { NextFunction, Request, Response } from 'express';
import { chooseLanguage, dirOf, languageCookie, LANGUAGE_INFO, LANGUAGES, type Language } from './index.ts';

/** The switcher's entries: each language in its own name. */
export const languageChoices = LANGUAGES.map((code) => ({ code, name: LANGUAGE_INFO[code].name, dir: LANGUAGE_INFO[code].dir }));

/** The language of this request (after the session: a signed-in reader's account may name one). */
export function requestLanguage(req: Request, res: Response): Language {
  const viewer = res.locals.viewer as { language?: string | null } | null;
  return chooseLanguage({ cookie: languageCookie(req.headers.cookie), account: viewer?.language, acceptLanguage: req.headers['accept-language'] });
}

/** Puts the language in the views' locals (`lang`, `dir`) and says pages vary by it. */
export function languageLocals(req: Request, res: Response, next: NextFunction): void {
  const lang = requestLanguage(req, res);
  res.locals.lang = lang;
  res.locals.dir = dirOf(lang);
  res.locals.languages = languageChoices;
  // Said in the answer too (RFC 9110 §8.5); a cached page keeps it with its other headers.
  res.setHeader('Content-Language', lang);
  next();
}

/** The page's language as languageLocals put it (English before it ran). */
export const langOf = (res: Response): string => String(res.locals.lang ?? 'en');
