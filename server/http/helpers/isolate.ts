/**
 * {{isolate value}} → value between FIRST STRONG ISOLATE (U+2068) and POP DIRECTIONAL ISOLATE (U+2069):
 * the plain-text form of <bdi>, for places that take no markup (<title>, <option>). Handlebars escapes it.
 */
export default (v: unknown): string => (v == null || v === '' || typeof v === 'object' ? '' : `\u2068${String(v)}\u2069`);
