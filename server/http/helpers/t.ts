import Handlebars from 'handlebars';
import { t as translate } from '../../i18n/index.ts';
import { localise } from '../../i18n/messages.ts';

type Options = { hash?: Record<string, unknown>; data?: { root?: { lang?: string } } };

/** The page's language: the layout's and the views' locals carry `lang` (server/i18n/middleware.ts). */
export const langOf = (options: Options | undefined): string => options?.data?.root?.lang ?? 'en';

// What must not pass as markup, in text or in a double-quoted attribute. An apostrophe stays as
// written: the texts were template text before they were keys, and their bytes are kept.
const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escapeText = (s: string) => s.replace(/[&<>"]/g, (c) => TEXT_ESCAPES[c]!);

/** {{t "standards:current.title" ref=ref}} → the text in the page's language, escaped (values too). */
export function t(key: string, options: Options): Handlebars.SafeString {
  return new Handlebars.SafeString(escapeText(translate(langOf(options), key, options.hash)));
}

/**
 * {{tHtml "home:intro" link="/standards"}} → a text whose translation holds markup of ours (a link, an
 * emphasis): each value is escaped, the rest is trusted as written in locales/.
 */
export function tHtml(key: string, options: Options): Handlebars.SafeString {
  const values: Record<string, unknown> = {};
  // Numbers stay numbers: i18next picks a plural form from `count` only when it is one.
  for (const [k, v] of Object.entries(options.hash ?? {})) values[k] = typeof v === 'number' ? v : v instanceof Handlebars.SafeString ? v.toString() : Handlebars.escapeExpression(v as string);
  return new Handlebars.SafeString(translate(langOf(options), key, values));
}

/** {{msg errors.text}} → a server message (English in code) in the page's language (i18n/messages.ts). */
export function msg(text: unknown, options: Options): string {
  return localise(langOf(options), text);
}

/** {{t (concat "auth:role." role)}}: a key built from a value (a role, a state). */
export function concat(...args: unknown[]): string {
  return args.slice(0, -1).map((a) => String(a ?? '')).join('');
}
