/**
 * The review cycle of a document (domain.md §1: each IMAS every three years, TNMAs every year), as a
 * pure rule: data in, data out. The period runs from the day of its last edition or amendment; the
 * review is due on the day the period ends, overdue from the next day, and the secretariat's queue
 * lists it from NOTICE_DAYS before. Days are UTC calendar days (YYYY-MM-DD).
 */
export const NOTICE_DAYS = 90;

export type ReviewStatus = 'due' | 'overdue';

/** The day `years` after `day`; 29 February goes to 1 March in a year without one (Date's own rule). */
export function addYears(day: string, years: number): string {
  const d = new Date(`${day}T00:00:00.000Z`);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.toISOString().slice(0, 10);
}

const addDays = (day: string, days: number): string => new Date(Date.parse(`${day}T00:00:00.000Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * Whether a document's review is due (within NOTICE_DAYS of the end of its period, or on that day) or
 * overdue (after it); null when it is not yet the time to list it.
 */
export function reviewStatus(lastEdition: string, years: number, today: string): { status: ReviewStatus; due_on: string } | null {
  const due = addYears(lastEdition, years);
  if (today > due) return { status: 'overdue', due_on: due };
  if (today >= addDays(due, -NOTICE_DAYS)) return { status: 'due', due_on: due };
  return null;
}
