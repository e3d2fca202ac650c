import { longDate } from '../../time.ts';
/** {{date value}} → 16 January 2026 */
export default (v: unknown): string => longDate(v);
