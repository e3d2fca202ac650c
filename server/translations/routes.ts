import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Deps } from '../deps.ts';
import { allow, can, viewerOf } from '../auth/permissions.ts';
import { csrfFromBody } from '../auth/csrf.ts';
import { AppError, NotFound, Validation } from '../errors.ts';
import { errorsOf, formValues as keep, submitForm } from '../http/forms.ts';
import { parseOr422 } from '../http/validation.ts';
import { confirmed, renderConfirmation } from '../http/confirm.ts';
import { t } from '../i18n/index.ts';
import { localise } from '../i18n/messages.ts';
import { textOfUpload, uploadOne } from '../drafts/upload.ts';
import * as standards from '../standards/service.ts';
import type { StandardDetail, VersionInfo } from '../standards/service.ts';
import * as service from './service.ts';
import * as repo from './repo.ts';
import { isTranslationLanguage, LANGUAGE_NAMES, latestTranslated, TRANSLATION_LANGUAGES, type TranslationLanguage } from './rules.ts';
import { renderTranslation, sideBySide } from './render.ts';
import { messages as validationMessages, translationSchema, type TranslationInput } from './validation.ts';
import { langOf } from '../i18n/middleware.ts';

export const messages = {
  versionNumber: 'A version number is a whole number from 1, as in /standards/07.11/versions/2.',
  language: (lang: string) => `"${lang}" is not a language of our translations: use fr, es, ar, ru or zh.`,
} as const;

const enc = encodeURIComponent;
export const translationPath = (ref: string, n: number, lang: string) => `/standards/${enc(ref)}/versions/${n}/translations/${lang}`;
export const diffPath = (ref: string, from: number, to: number) => `/standards/${enc(ref)}/diff/${from}..${to}`;

function versionNumber(param: unknown): number {
  const n = Number(param);
  if (!/^\d{1,9}$/.test(String(param)) || !Number.isInteger(n) || n < 1) throw new NotFound(messages.versionNumber);
  return n;
}

/** The language in a path: one of ours, else 404 (English is the version page itself: the caller redirects). */
function languageOf(param: unknown): TranslationLanguage {
  const lang = String(param);
  if (!isTranslationLanguage(lang)) throw new NotFound(messages.language(lang.slice(0, 16)));
  return lang;
}

/** One translation as the pages and the lists show it: its language's names, its links, its flag. */
function entry(lang: string, ref: string, s: service.TranslationSummary) {
  const l = s.language;
  return {
    ...s,
    // the edition's name in the page's language ("Édition 2"), as {{versionName}} says it
    matches: localise(lang, s.matches),
    name: t(lang, `translations:languages.${l}`),
    own: LANGUAGE_NAMES[l].own,
    dir: LANGUAGE_NAMES[l].dir,
    href: translationPath(ref, s.n, l),
    sideBySide: `${translationPath(ref, s.n, l)}/side-by-side`,
    diff: s.current_n ? diffPath(ref, s.n, s.current_n) : null,
  };
}

/** The translations the reader can see of a standard, per version; kept per standard revision and reader kind. */
class TranslationLocals {
  private kept = new Map<string, { revision: number; metas: repo.TranslationMeta[] }>();
  constructor(private readonly deps: Deps) {}
  async metas(standardId: number, revision: number): Promise<repo.TranslationMeta[]> {
    const k = String(standardId);
    const hit = this.kept.get(k);
    if (hit && hit.revision === revision) return hit.metas;
    const metas = await repo.translationsOfStandard(this.deps.db, standardId);
    if (this.kept.size > 5_000) this.kept.clear();
    this.kept.set(k, { revision, metas });
    return metas;
  }
}

/** HTML pages of translations, the secretariat's form, and what the library's pages show of them. */
export function translationsRoutes(deps: Deps): Router {
  const r = Router();
  const { db, clock } = deps;
  const kept = new TranslationLocals(deps);

  /**
   * What the library's pages (catalogue, history, a version) show of translations, put in their
   * locals for the partials in views/partials/translations/ (the standards' routes know nothing of
   * translations). A translation write bumps the standard's revision, so a cached page shows the new list.
   */
  const libraryLocals = async (req: Request, res: Response, next: NextFunction) => {
    try {
      await putLibraryLocals(req, res);
    } catch (err) {
      // the standards' own route says what is wrong with the address; anything else is logged
      if (!(err instanceof AppError)) deps.logger.warn({ err }, 'translations of the page not read');
    }
    next();
  };
  async function putLibraryLocals(req: Request, res: Response): Promise<void> {
    const lang = langOf(res);
    if (req.path === '/standards') {
      const byStandard: Record<string, { code: string; name: string }[]> = {};
      for (const { ref, language } of await repo.publishedLanguages(db)) (byStandard[ref] ??= []).push({ code: language, name: t(lang, `translations:languages.${language}`) });
      res.locals.translationLanguages = byStandard;
      return;
    }
    const found = await standards.findStandard(deps.states, String(req.params.ref));
    if ('redirect' in found) return;
    const detail = standards.standardDetail(found.snapshot, viewerOf(res), clock.now());
    const list = service.summarise(detail, await kept.metas(detail.standard.id, detail.revision)).map((s) => entry(lang, detail.standard.ref, s));
    res.locals.translations = list;
    const n = req.params.n === undefined ? detail.current?.n : Number(req.params.n);
    const manage = can(viewerOf(res), 'translations.manage');
    const mine = list.filter((x) => x.n === n);
    // a reader in another language whose language has no translation of this version is told of the
    // nearest one there is (newest first): the current edition's page names an older translation
    const nearest = lang === 'en' || n === undefined || mine.some((x) => x.language === lang) ? undefined : list.filter((x) => x.language === lang).sort((a, b) => Math.abs(a.n - n) - Math.abs(b.n - n) || b.n - a.n)[0];
    res.locals.otherTranslation = nearest && {
      ...nearest,
      earlier: nearest.n < n!,
      // what changed between the version it renders and this one
      diffHere: nearest.n < n! ? diffPath(detail.standard.ref, nearest.n, n!) : diffPath(detail.standard.ref, n!, nearest.n),
    };
    res.locals.versionTranslations = {
      // a reader sees the section when there is a translation; the secretariat always (its form)
      show: n !== undefined && (mine.length > 0 || manage),
      manage,
      n,
      ref: detail.standard.ref,
      list: mine,
      languages: TRANSLATION_LANGUAGES.map((code) => ({ code, name: t(lang, `translations:languages.${code}`) })),
    };
  }
  r.get(['/standards', '/standards/:ref', '/standards/:ref/versions', '/standards/:ref/versions/:n'], allow('public'), libraryLocals);

  /** The standard and the version named in the URL, as the reader may see them; null after a redirect. */
  async function versionFor(req: Request, res: Response, rest: (ref: string) => string): Promise<{ detail: StandardDetail; v: VersionInfo } | null> {
    const n = versionNumber(req.params.n);
    const found = await standards.findStandard(deps.states, String(req.params.ref));
    if ('redirect' in found) {
      res.redirect(301, rest(found.redirect));
      return null;
    }
    const detail = standards.standardDetail(found.snapshot, viewerOf(res), clock.now());
    return { detail, v: standards.versionOf(detail, n) };
  }

  /** What every translated page carries: the version's title block, the notices, the flag, the links. */
  function pageModel(res: Response, detail: StandardDetail, page: service.TranslationPage, language: TranslationLanguage, list: ReturnType<typeof entry>[]) {
    const lang = langOf(res);
    const ref = detail.standard.ref;
    const v = page.version;
    const name = t(lang, `translations:languages.${language}`);
    return {
      ...detail,
      version: v,
      isDraft: v.state !== 'published',
      translation: {
        language,
        name,
        own: LANGUAGE_NAMES[language].own,
        dir: LANGUAGE_NAMES[language].dir,
        official: page.meta.official,
        updated_at: page.meta.updated_at,
        // the English text is authoritative, said in the translation's own language too
        authoritativeOwn: language === lang ? null : t(language, 'translations:authoritative.own'),
        href: translationPath(ref, v.n, language),
        sideBySide: `${translationPath(ref, v.n, language)}/side-by-side`,
        english: `/standards/${enc(ref)}/versions/${v.n}`,
        stale: page.staleness.stale,
        matches: localise(lang, page.staleness.matches),
        diff: page.staleness.currentN ? diffPath(ref, v.n, page.staleness.currentN) : null,
        others: list.filter((x) => x.n === v.n && x.language !== language),
      },
    };
  }

  async function listOf(res: Response, detail: StandardDetail) {
    const lang = langOf(res);
    return (await service.translationsOf(db, detail)).map((s) => entry(lang, detail.standard.ref, s));
  }

  const doneText = (lang: string, done: unknown) => (done === 'loaded' || done === 'replaced' || done === 'removed' ? t(lang, `translations:done.${done}`) : null);

  const words = (res: Response) => ({ linkTitle: t(langOf(res), 'translations:linkToClause') });

  async function sendTranslation(req: Request, res: Response, detail: StandardDetail, v: VersionInfo, language: TranslationLanguage, extra: Record<string, unknown> = {}) {
    const page = await service.translationPage(db, detail, v, language);
    const model = pageModel(res, detail, page, language, await listOf(res, detail));
    const lang = langOf(res);
    res.render('translations/page', {
      title: t(lang, 'translations:page.title', { designation: detail.standard.designation, edition: model.translation.matches, language: model.translation.name }),
      ...model,
      body: renderTranslation(page.clauses, words(res)),
      toc: page.clauses.filter((c) => c.depth <= 2).map((c) => ({ ref: c.ref, num: c.label, heading: c.heading, depth: c.depth })),
      done: doneText(lang, req.query.done),
      ...extra,
    });
  }

  r.get('/standards/:ref/versions/:n/translations/:lang', allow('public'), async (req, res) => {
    if (req.params.lang === 'en') return res.redirect(301, `/standards/${enc(String(req.params.ref))}/versions/${versionNumber(req.params.n)}`);
    const language = languageOf(req.params.lang);
    const found = await versionFor(req, res, (ref) => translationPath(ref, Number(req.params.n), language));
    if (!found) return;
    await sendTranslation(req, res, found.detail, found.v, language);
  });

  r.get('/standards/:ref/versions/:n/translations/:lang/side-by-side', allow('public'), async (req, res) => {
    const language = languageOf(req.params.lang);
    const found = await versionFor(req, res, (ref) => `${translationPath(ref, Number(req.params.n), language)}/side-by-side`);
    if (!found) return;
    const { detail, v } = found;
    const page = await service.translationPage(db, detail, v, language);
    const model = pageModel(res, detail, page, language, await listOf(res, detail));
    const lang = langOf(res);
    res.render('translations/side-by-side', {
      title: t(lang, 'translations:sideBySide.title', { designation: detail.standard.designation, edition: model.translation.matches, language: model.translation.name }),
      ...model,
      rows: sideBySide(page.clauses, page.english, words(res)),
    });
  });

  // The latest translation in a language: the current edition's, else the newest the reader can see.
  r.get('/standards/:ref/translations/:lang', allow('public'), async (req, res) => {
    if (req.params.lang === 'en') return res.redirect(301, `/standards/${enc(String(req.params.ref))}`);
    const language = languageOf(req.params.lang);
    const found = await standards.findStandard(deps.states, String(req.params.ref));
    if ('redirect' in found) return res.redirect(301, `/standards/${enc(found.redirect)}/translations/${language}`);
    const detail = standards.standardDetail(found.snapshot, viewerOf(res), clock.now());
    const list = await service.translationsOf(db, detail);
    const have = new Set(list.filter((x) => x.language === language).map((x) => x.n));
    const v = latestTranslated(detail.versions, (x) => have.has(x.n));
    if (!v) throw new NotFound(service.messages.noLatest(detail.standard.designation, service.languageName(language)));
    await sendTranslation(req, res, detail, v, language, { translationPermalink: true });
  });

  // — the secretariat: load, replace, remove (multipart like drafts: a .md or .docx file, or the text) —

  async function renderManage(req: Request, res: Response, extra: Record<string, unknown> = {}) {
    const found = await versionFor(req, res, (ref) => `/standards/${enc(ref)}/versions/${Number(req.params.n)}/translations`);
    if (!found) return;
    const { detail, v } = found;
    const lang = langOf(res);
    const list = (await listOf(res, detail)).filter((x) => x.n === v.n);
    const values = (extra.values ?? {}) as Record<string, unknown>;
    res.render('translations/manage', {
      title: t(lang, 'translations:manage.title', { designation: detail.standard.designation, version: localise(lang, v.edition_label || v.label) }),
      ...detail,
      version: v,
      isDraft: v.state !== 'published',
      list,
      done: doneText(lang, req.query.done),
      languages: TRANSLATION_LANGUAGES.map((code) => ({ code, name: t(lang, `translations:languages.${code}`), selected: values.language === code, has: list.some((x) => x.language === code) })),
      ...extra,
      values,
    });
  }

  r.get('/standards/:ref/versions/:n/translations', allow('public'), (req, res) => renderManage(req, res));

  r.post('/standards/:ref/versions/:n/translations', allow('translations.manage'), uploadOne, csrfFromBody, async (req, res) => {
    const values: Record<string, unknown> = keep(req.body, 'language', 'text', 'official');
    await submitForm(res, async () => {
      const n = versionNumber(req.params.n);
      const upload = await textOfUpload(req.file);
      if (upload) {
        values.text = upload.text;
        values.filename = upload.filename;
      }
      if (!String(values.text ?? '').trim()) throw new Validation(validationMessages.noText, { text: validationMessages.noText });
      const input: TranslationInput = parseOr422(translationSchema, values);
      const saved = await service.loadTranslation(db, clock, viewerOf(res), String(req.params.ref), n, input);
      res.redirect(303, `${translationPath(saved.standard.ref, saved.version.n, input.language)}?done=${saved.replaced ? 'replaced' : 'loaded'}`);
    }, (err) => renderManage(req, res, { values, errors: errorsOf(err) }));
  });

  r.post('/standards/:ref/versions/:n/translations/:lang/remove', allow('translations.manage'), async (req, res) => {
    const language = languageOf(req.params.lang);
    const n = versionNumber(req.params.n);
    const lang = langOf(res);
    const found = await versionFor(req, res, (ref) => `/standards/${enc(ref)}/versions/${n}/translations`);
    if (!found) return;
    const { detail, v } = found;
    const back = `/standards/${enc(detail.standard.ref)}/versions/${n}/translations`;
    if (!confirmed(req.body)) {
      await service.translationPage(db, detail, v, language); // 404 when there is none
      const what = { designation: detail.standard.designation, version: localise(lang, v.edition_label || v.label), language: t(lang, `translations:languages.${language}`) };
      return renderConfirmation(res, {
        title: t(lang, 'translations:remove.title', what),
        what: [t(lang, 'translations:remove.what', what)],
        undo: t(lang, 'translations:remove.undo'),
        action: `${translationPath(detail.standard.ref, n, language)}/remove`,
        button: t(lang, 'translations:remove.button'),
        back: { href: back, label: t(lang, 'translations:remove.back') },
      });
    }
    await service.removeTranslation(db, clock, viewerOf(res)!, detail.standard.ref, n, language);
    res.redirect(303, `${back}?done=removed`);
  });

  return r;
}
