import Handlebars from 'handlebars';
import { langOf } from './t.ts';

/**
 * {{feedLang}} after a feed's address: "?lang=fr" on a page in French, nothing in English. A feed reader
 * fetches without the reader's cookie, so the language a page links its feeds in is in their address.
 */
export default (options: Parameters<typeof langOf>[0]): Handlebars.SafeString => {
  const lang = langOf(options);
  // a language code of ours (two letters), nothing to escape
  return new Handlebars.SafeString(/^[a-z]{2}$/.test(lang) && lang !== 'en' ? `?lang=${lang}` : '');
};
