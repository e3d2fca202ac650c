import { formatDateTime } from '../../i18n/format.ts';
import { langOf } from './t.ts';

/** {{datetime value}} → 15 January 2027, 12:00 UTC: times are stored and shown in UTC (design.md §2). */
export default (v: unknown, options: Parameters<typeof langOf>[0]): string => formatDateTime(langOf(options), v);
