import { editionLabel } from '../../versions/edition.ts';
import { localise } from '../../i18n/messages.ts';
import { langOf } from './t.ts';

/**
 * {{versionName v}} → "Edition 3" once published as Edition 3, else its label ("Draft Edition 3 for
 * consultation"): a draft keeps the label it was loaded with, which readers of the published text
 * should not see as its name. In the page's language where the label has a known form
 * (locales/<lng>/messages/common.json).
 */
export default (v: { label?: string; edition?: number | null; amendment?: number | null; state?: string } | null | undefined, options?: Parameters<typeof langOf>[0]): string => {
  if (!v) return '';
  const lang = langOf(options);
  if (v.edition && (v.state === undefined || v.state === 'published')) return localise(lang, editionLabel(v.edition, v.amendment ?? null));
  return localise(lang, v.label ?? '');
};
