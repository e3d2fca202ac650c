/** Dates and numbers in the reader's language, with Intl; English keeps the form on IMAS covers ("16 January 2026"). */
import { day, longDate, longDateTime } from '../time.ts';
import { localeOf } from './index.ts';

const dateFormats = new Map<string, Intl.DateTimeFormat>();
const numberFormats = new Map<string, Intl.NumberFormat>();

// Western digits in every language: designations, clause numbers and dates read alike in all of them.
const withLatinDigits = (lng: string) => `${localeOf(lng)}-u-nu-latn`;

/** 16 January 2026 · 16 janvier 2026 · ١٦ يناير ٢٠٢٦ (in Western digits) … */
export function formatDate(lng: string, v: unknown): string {
  if (lng === 'en' || !lng) return longDate(v);
  const d = day(v);
  if (!d) return '';
  let f = dateFormats.get(lng);
  if (!f) dateFormats.set(lng, (f = new Intl.DateTimeFormat(withLatinDigits(lng), { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })));
  return f.format(new Date(`${d}T00:00:00Z`));
}

/** The date and the time of day in UTC (times are stored and shown in UTC, design.md §2). */
export function formatDateTime(lng: string, v: unknown): string {
  if (lng === 'en' || !lng) return longDateTime(v);
  if (v === null || v === undefined || v === '') return '';
  const d = v instanceof Date ? v : new Date(String(v));
  if (Number.isNaN(d.getTime())) return String(v);
  return `${formatDate(lng, d)}, ${d.toISOString().slice(11, 16)} UTC`;
}

export function formatNumber(lng: string, n: unknown): string {
  if (typeof n !== 'number') return '';
  const key = lng || 'en';
  let f = numberFormats.get(key);
  if (!f) numberFormats.set(key, (f = new Intl.NumberFormat(withLatinDigits(key))));
  return f.format(n);
}
