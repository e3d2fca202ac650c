/**
 * Interface languages (issue 19): the six official languages of the United Nations. The catalogues are
 * JSON files, one per area (namespace) and language, under locales/<lng>/<ns>.json, loaded once at
 * start; keys are written `ns:key.path` ({{t "standards:current.title"}} in a view, `t(lng, …)` in code).
 * English is the reference: every key of locales/en exists in every language (test/unit/i18n.test.ts).
 * Server-side messages (validation and errors) stay English in code and in the API; pages show them
 * through localise() (messages.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import i18next, { type i18n, type TOptions } from 'i18next';

export const LANGUAGES = ['en', 'fr', 'es', 'ar', 'ru', 'zh'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'en';

/** Each language's own name (the switcher shows it in that language) and writing direction. */
export const LANGUAGE_INFO: Record<Language, { name: string; dir: 'ltr' | 'rtl'; locale: string }> = {
  en: { name: 'English', dir: 'ltr', locale: 'en-GB' },
  fr: { name: 'Français', dir: 'ltr', locale: 'fr-FR' },
  es: { name: 'Español', dir: 'ltr', locale: 'es-ES' },
  ar: { name: 'العربية', dir: 'rtl', locale: 'ar' },
  ru: { name: 'Русский', dir: 'ltr', locale: 'ru-RU' },
  zh: { name: '中文', dir: 'ltr', locale: 'zh-CN' },
};

export const isLanguage = (v: unknown): v is Language => typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);

export const localesDir = path.resolve(import.meta.dirname, '../../locales');

type Catalogue = Record<string, unknown>;

/** locales/<lng>/<ns>.json → { lng: { ns: catalogue } } (messages/ is read by messages.ts). */
export function readCatalogues(dir = localesDir): Record<string, Record<string, Catalogue>> {
  const out: Record<string, Record<string, Catalogue>> = {};
  for (const lng of LANGUAGES) {
    out[lng] = {};
    const d = path.join(dir, lng);
    if (!fs.existsSync(d)) continue;
    for (const f of fs.readdirSync(d).sort()) {
      if (!f.endsWith('.json')) continue;
      out[lng][f.slice(0, -5)] = JSON.parse(fs.readFileSync(path.join(d, f), 'utf8')) as Catalogue;
    }
  }
  return out;
}

let instance: i18n | undefined;

function i18nInstance(): i18n {
  if (instance) return instance;
  const resources = readCatalogues();
  const inst = i18next.createInstance();
  void inst.init({
    resources,
    supportedLngs: [...LANGUAGES],
    fallbackLng: DEFAULT_LANGUAGE,
    ns: Object.keys(resources.en ?? {}),
    defaultNS: 'common',
    // Handlebars escapes what the helper returns (and tHtml escapes each value itself).
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
    showSupportNotice: false,
  } as Parameters<i18n['init']>[0]);
  instance = inst;
  return inst;
}

// The catalogues are read once and never change in a running process: a text without values is
// looked up once per language and key (i18next's lookup costs ~10 µs; a page has dozens of them).
const plain = new Map<string, string>();

/** The text of `key` in `lng` (English when missing), with its values put in; `count` picks the plural form. */
export function t(lng: string, key: string, values?: TOptions): string {
  if (values && Object.keys(values).length) return i18nInstance().t(key, { ...values, lng }) as string;
  const k = `${lng}\u0001${key}`;
  let text = plain.get(k);
  if (text === undefined) {
    text = i18nInstance().t(key, { lng }) as string;
    // Bounded by the catalogues (keys built from a value, {{t (concat …)}}, may name one that is not there).
    if (plain.size < 20_000) plain.set(k, text);
  }
  return text;
}

/** t() bound to one language (for mails, exports, one request). */
export const fixedT = (lng: string) => (key: string, values?: TOptions): string => t(lng, key, values);

export const dirOf = (lng: string): 'ltr' | 'rtl' => (isLanguage(lng) ? LANGUAGE_INFO[lng].dir : 'ltr');
export const localeOf = (lng: string): string => (isLanguage(lng) ? LANGUAGE_INFO[lng].locale : 'en-GB');

/**
 * The best of our languages for an Accept-Language header (RFC 9110 §12.5.4): highest q first, then
 * order; a region or script (fr-CA, zh-Hant) matches its language. Undefined when none matches.
 */
export function fromAcceptLanguage(header: string | undefined): Language | undefined {
  if (!header) return undefined;
  let best: { lng: Language; q: number; i: number } | undefined;
  header.split(',').slice(0, 20).forEach((part, i) => {
    const [tag, ...params] = part.trim().split(';');
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qp ? Number(qp.slice(2)) : 1;
    if (!tag || !(q > 0)) return;
    const lng = tag.trim().toLowerCase().split('-')[0];
    if (!isLanguage(lng)) return;
    if (!best || q > best.q) best = { lng, q, i };
  });
  return best?.lng;
}

/** The cookie that keeps a reader's choice of language on this device. */
export const LANGUAGE_COOKIE = 'lang';

/** The reader's language: their choice on this device, then their account's, then the browser's, then English. */
export function chooseLanguage(choice: { cookie?: string; account?: string | null; acceptLanguage?: string }): Language {
  if (isLanguage(choice.cookie)) return choice.cookie;
  if (isLanguage(choice.account)) return choice.account;
  return fromAcceptLanguage(choice.acceptLanguage) ?? DEFAULT_LANGUAGE;
}

/** The `lang` cookie's value in a Cookie header, without parsing the rest (the fast path's way). */
export function languageCookie(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  const m = /(?:^|;\s*)lang=([a-z]{2})(?:;|\s|$)/.exec(cookieHeader);
  return m?.[1];
}
