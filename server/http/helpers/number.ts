import { formatNumber } from '../../i18n/format.ts';
import { langOf } from './t.ts';
/** {{number 12345}} → 12,345 (12 345 in French…) */
export default (n: number, options: Parameters<typeof langOf>[0]): string => formatNumber(langOf(options), n);
