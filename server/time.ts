/** All instants are stored as ISO 8601 UTC strings, so SQLite and PostgreSQL compare them alike. */
export function iso(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'number') return new Date(v).toISOString();
  return String(v);
}

/** A calendar day (YYYY-MM-DD), however the driver returned it. */
export function day(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v).slice(0, 10);
}

export function isValidDay(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** 16 January 2026: the form on IMAS covers, unambiguous everywhere. */
export function longDate(v: unknown): string {
  const d = day(v);
  if (!d) return '';
  const [y, m, dd] = d.split('-');
  return `${Number(dd)} ${MONTHS[Number(m) - 1]} ${y}`;
}

/** 15 January 2027, 12:00 UTC: times are stored and shown in UTC (design.md §2). */
export function longDateTime(v: unknown): string {
  if (v === null || v === undefined || v === '') return '';
  const d = v instanceof Date ? v : new Date(String(v));
  if (Number.isNaN(d.getTime())) return String(v);
  return `${longDate(d)}, ${d.toISOString().slice(11, 16)} UTC`;
}

/** The calendar day before `day` (YYYY-MM-DD): the last day of a range that ends where the next begins. */
export function dayBefore(day: string): string {
  const d = new Date(`${day.slice(0, 10)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}
