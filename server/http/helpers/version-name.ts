import { editionLabel } from '../../versions/edition.ts';

/**
 * {{versionName v}} → "Edition 3" once published as Edition 3, else its label ("Draft Edition 3 for
 * consultation"): a draft keeps the label it was loaded with, which readers of the published text
 * should not see as its name.
 */
export default (v: { label?: string; edition?: number | null; amendment?: number | null; state?: string } | null | undefined): string => {
  if (!v) return '';
  if (v.edition && (v.state === undefined || v.state === 'published')) return editionLabel(v.edition, v.amendment ?? null);
  return v.label ?? '';
};
