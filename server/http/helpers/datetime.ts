import { longDateTime } from '../../time.ts';

/** {{datetime value}} → 15 January 2027, 12:00 UTC: times are stored and shown in UTC (design.md §2). */
export default (v: unknown): string => longDateTime(v);
