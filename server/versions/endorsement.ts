/** Pure: the endorsement status of a version, read by the library's pages (server/standards/) and by server/endorsement/. */
/**
 * What a version's pages and the API say about endorsement: `endorsed` once recorded; `awaiting` for a
 * version published "with immediate effect, awaiting endorsement" until then; otherwise nothing.
 */
export function endorsementStatus(v: { state: string; endorsed_on: string | null; published_before_endorsement: boolean }): 'endorsed' | 'awaiting' | null {
  if (v.endorsed_on) return 'endorsed';
  return v.state === 'published' && v.published_before_endorsement ? 'awaiting' : null;
}
