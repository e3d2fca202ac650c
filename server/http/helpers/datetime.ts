import { longDate } from '../../time.ts';

/** {{datetime value}} → 15 January 2027, 12:00 UTC: times are stored and shown in UTC (design.md §2). */
export default (v: unknown): string => {
  if (v === null || v === undefined || v === '') return '';
  const d = v instanceof Date ? v : new Date(String(v));
  if (Number.isNaN(d.getTime())) return String(v);
  return `${longDate(d)}, ${d.toISOString().slice(11, 16)} UTC`;
};
