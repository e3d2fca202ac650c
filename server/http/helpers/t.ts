import Handlebars from 'handlebars';
import { t as translate } from '../../i18n/index.ts';
import { localise } from '../../i18n/messages.ts';

type Options = { hash?: Record<string, unknown>; data?: { root?: { lang?: string } } };

/** The page's language: the layout's and the views' locals carry `lang` (server/i18n/middleware.ts). */
export const langOf = (options: Options | undefined): string => options?.data?.root?.lang ?? 'en';

/** {{t "standards:current.title" ref=ref}} → the text in the page's language; Handlebars escapes it. */
export function t(key: string, options: Options): string {
  return translate(langOf(options), key, options.hash);
}

/**
 * {{tHtml "home:intro" link="/standards"}} → a text whose translation holds markup of ours (a link, an
 * emphasis): each value is escaped, the rest is trusted as written in locales/.
 */
export function tHtml(key: string, options: Options): Handlebars.SafeString {
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options.hash ?? {})) values[k] = v instanceof Handlebars.SafeString ? v.toString() : Handlebars.escapeExpression(v as string);
  return new Handlebars.SafeString(translate(langOf(options), key, values));
}

/** {{msg errors.text}} → a server message (English in code) in the page's language (i18n/messages.ts). */
export function msg(text: unknown, options: Options): string {
  return localise(langOf(options), text);
}
