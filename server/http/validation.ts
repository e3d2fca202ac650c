import { z } from 'zod';
import { NotFound, Validation } from '../errors.ts';

/**
 * The validation kit every feature uses: parse-or-422, ids and refs from paths, the one rule for
 * date-time fields. Schemas stay in each feature's validation.ts; the rules they share live here.
 */

export const messages = {
  fields: 'Some fields need attention.',
  notFound: 'Not found.',
} as const;

/** The first message per field, keyed by its path (`on_behalf_of.organisation`), or `form` for the whole. */
export function fieldsOf(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : 'form';
    const message = issue.code === 'unrecognized_keys' ? `Unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}.` : issue.message;
    fields[key] ??= message;
  }
  return fields;
}

/** The typed value, or a Validation (422) with a message per field. A missing body is an empty one. */
export function parseOr422<T extends z.ZodType>(schema: T, input: unknown, message: string = messages.fields): z.output<T> {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  throw new Validation(message, fieldsOf(r.error));
}

/**
 * A positive integer from a path (`/ballots/:id`, `/versions/:n`), or 404: a path that does not
 * name a thing is a page that does not exist, whatever it was spelled like (`/ballots/abc`, `/ballots/0`).
 */
export function pathId(param: unknown, notFound: string = messages.notFound): number {
  const s = String(param);
  if (!/^\d{1,15}$/.test(s) || Number(s) < 1) throw new NotFound(notFound);
  return Number(s);
}

/**
 * A standard's ref as the path gives it (`07.11`, `tnma-12.10-01`, or a spelling that redirects):
 * the standards service resolves it; here it is only bounded, so no lookup runs on a megabyte of path.
 */
export function pathRef(param: unknown, notFound = 'There is no such standard.'): string {
  const s = typeof param === 'string' ? param : String(param ?? '');
  if (!s || s.length > 64) throw new NotFound(notFound);
  return s;
}

/** Empty form fields are "not given". */
export const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

// YYYY-MM-DD, then optionally a time (T or a space) with minutes, seconds, a fraction, and a zone.
const INSTANT = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

// A bare date (no time) is the start of that UTC day, as consultations have always read it.
export const INSTANT_FORMS =
  'ISO 8601 with Z or an offset (2027-03-31T17:00Z, 2027-03-31T19:00+02:00); without a zone, as an HTML ' +
  'datetime-local field sends it (2027-03-31T17:00), it is read as UTC; a bare date (2027-03-31) means 00:00 UTC that day.';

/** An instant as a string, or null when it is not one of the forms of INSTANT_FORMS. */
export function readInstant(input: string): string | null {
  const m = INSTANT.exec(input.trim());
  if (!m) return null;
  const [, date, time, zone] = m;
  const t = Date.parse(`${date}T${time ?? '00:00'}${zone ? zone.toUpperCase() : 'Z'}`);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/**
 * The one rule for date-time fields (opening and closing times of consultations and ballots): every
 * form of INSTANT_FORMS, normalised to the ISO UTC string the database compares. The description says
 * so in the API documents.
 */
export const instant = (label: string) => {
  const problem = `Enter ${label} as a date and time in UTC, for example 2027-03-31T23:59.`;
  return z
    .string({ error: problem })
    .transform((s, ctx) => {
      const at = readInstant(s);
      if (at === null) {
        ctx.addIssue({ code: 'custom', message: problem });
        return z.NEVER;
      }
      return at;
    })
    .describe(`An instant. Accepts ${INSTANT_FORMS}`);
};
