import { Router, type Response } from 'express';
import type { Deps } from '../deps.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import { csrfFromBody } from '../auth/csrf.ts';
import { NotFound } from '../errors.ts';
import { parseOr422 } from '../http/validation.ts';
import { textOfUpload, uploadOne } from '../drafts/upload.ts';
import * as standards from '../standards/service.ts';
import type { StandardDetail } from '../standards/service.ts';
import * as service from './service.ts';
import { isTranslationLanguage, LANGUAGE_NAMES, latestTranslated, type TranslationLanguage } from './rules.ts';
import { translationSchema } from './validation.ts';

export const messages = {
  versionNumber: 'The version number must be a whole number from 1.',
  language: 'The language must be one of fr, es, ar, ru, zh (English is the version itself).',
} as const;

const enc = encodeURIComponent;
const links = (ref: string, n: number, lang: string) => ({
  html: `/standards/${enc(ref)}/versions/${n}/translations/${lang}`,
  side_by_side: `/standards/${enc(ref)}/versions/${n}/translations/${lang}/side-by-side`,
  api: `/api/v1/standards/${enc(ref)}/versions/${n}/translations/${lang}`,
  english_html: `/standards/${enc(ref)}/versions/${n}`,
  english_api: `/api/v1/standards/${enc(ref)}/versions/${n}`,
});
const diffLinks = (ref: string, from: number, to: number) => ({ from, to, html: `/standards/${enc(ref)}/diff/${from}..${to}`, api: `/api/v1/standards/${enc(ref)}/diff?from=${from}&to=${to}` });

/** A translation in a list (the standard's JSON, a version's list). */
export function summaryJson(ref: string, s: service.TranslationSummary) {
  return {
    language: s.language,
    n: s.n,
    official: s.official,
    stale: s.stale,
    matches: s.matches,
    sample: s.sample,
    updated_at: s.updated_at,
    diff: s.current_n ? diffLinks(ref, s.n, s.current_n) : null,
    links: links(ref, s.n, s.language),
  };
}

/** The `translations` field of a standard's JSON (GET /api/v1/standards/{ref}): the versions the caller may see. */
export async function standardTranslationsField(deps: Pick<Deps, 'db'>, detail: StandardDetail): Promise<{ translations: ReturnType<typeof summaryJson>[] }> {
  return { translations: (await service.translationsOf(deps.db, detail)).map((s) => summaryJson(detail.standard.ref, s)) };
}

function translationJson(detail: StandardDetail, page: service.TranslationPage) {
  const v = page.version;
  const ref = detail.standard.ref;
  const language = page.meta.language as TranslationLanguage;
  return {
    ref,
    designation: detail.standard.designation,
    n: v.n,
    language,
    dir: LANGUAGE_NAMES[language].dir,
    official: page.meta.official,
    // the English text is authoritative; a translation renders it
    authoritative: 'en',
    stale: page.staleness.stale,
    matches: { n: v.n, label: v.label, state: v.state, edition: v.edition, amendment: v.amendment, name: page.staleness.matches },
    current: detail.current ? { n: detail.current.n, label: detail.current.label, edition: detail.current.edition, amendment: detail.current.amendment } : null,
    diff: page.staleness.currentN ? diffLinks(ref, v.n, page.staleness.currentN) : null,
    sample: page.meta.sample,
    sha256: page.meta.sha256,
    created_at: page.meta.created_at,
    updated_at: page.meta.updated_at,
    text: page.meta.source,
    clauses: page.clauses,
    links: links(ref, v.n, language),
  };
}

/** JSON faces of translations (server/translations/openapi.ts): the same services as the pages. */
export function translationsApi(deps: Deps): Router {
  const r = Router();
  const { db, clock } = deps;

  const number = (param: unknown) => {
    const n = Number(param);
    if (!/^\d{1,9}$/.test(String(param)) || n < 1) throw new NotFound(messages.versionNumber);
    return n;
  };
  const language = (param: unknown): TranslationLanguage => {
    if (!isTranslationLanguage(param)) throw new NotFound(messages.language);
    return param;
  };
  const detailOf = async (ref: string, res: Response) => standards.standardDetail(await standards.resolveStandard(deps.states, ref), viewerOf(res), clock.now());

  r.get('/standards/:ref/versions/:n/translations', allow('public'), async (req, res) => {
    const n = number(req.params.n);
    const d = await detailOf(String(req.params.ref), res);
    standards.versionOf(d, n);
    res.json({ ref: d.standard.ref, n, translations: (await service.translationsOf(db, d)).filter((x) => x.n === n).map((s) => summaryJson(d.standard.ref, s)) });
  });

  r.get('/standards/:ref/versions/:n/translations/:lang', allow('public'), async (req, res) => {
    const n = number(req.params.n);
    const lang = language(req.params.lang);
    const d = await detailOf(String(req.params.ref), res);
    res.json(translationJson(d, await service.translationPage(db, d, standards.versionOf(d, n), lang)));
  });

  r.get('/standards/:ref/translations/:lang', allow('public'), async (req, res) => {
    const lang = language(req.params.lang);
    const d = await detailOf(String(req.params.ref), res);
    const have = new Set((await service.translationsOf(db, d)).filter((x) => x.language === lang).map((x) => x.n));
    const v = latestTranslated(d.versions, (x) => have.has(x.n));
    if (!v) throw new NotFound(service.messages.noLatest(d.standard.designation, service.languageName(lang)));
    res.json(translationJson(d, await service.translationPage(db, d, v, lang)));
  });

  // JSON {text, official?}, or multipart with a .md or .docx `file` instead of `text`: loads or replaces.
  r.put('/standards/:ref/versions/:n/translations/:lang', allow('translations.manage'), uploadOne, csrfFromBody, async (req, res) => {
    const n = number(req.params.n);
    const upload = await textOfUpload(req.file);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const input = parseOr422(translationSchema, { ...body, ...(upload ? { text: upload.text } : {}), language: String(req.params.lang) });
    const saved = await service.loadTranslation(db, clock, viewerOf(res), String(req.params.ref), n, input);
    const d = await detailOf(saved.standard.ref, res);
    const page = await service.translationPage(db, d, standards.versionOf(d, saved.version.n), input.language);
    res
      .status(saved.replaced ? 200 : 201)
      .location(links(saved.standard.ref, saved.version.n, input.language).api)
      .json({ ...translationJson(d, page), ...(upload ? { notes: upload.notes } : {}) });
  });

  r.delete('/standards/:ref/versions/:n/translations/:lang', allow('translations.manage'), async (req, res) => {
    const n = number(req.params.n);
    const lang = language(req.params.lang);
    await service.removeTranslation(db, clock, viewerOf(res)!, String(req.params.ref), n, lang);
    res.status(204).end();
  });

  return r;
}
