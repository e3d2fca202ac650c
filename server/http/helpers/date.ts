import { formatDate } from '../../i18n/format.ts';
import { langOf } from './t.ts';
/** {{date value}} → 16 January 2026 (in the page's language) */
export default (v: unknown, options: Parameters<typeof langOf>[0]): string => formatDate(langOf(options), v);
