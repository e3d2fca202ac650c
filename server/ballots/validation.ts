import { z } from 'zod';
import { Validation } from '../errors.ts';
import { fieldsOf } from '../users/validation.ts';
import { POSITIONS, RULES } from './tally.ts';

/** Empty form fields are "not given". */
export const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/**
 * An instant: ISO 8601 with a zone, or what a datetime-local field sends (YYYY-MM-DDTHH:MM[:SS]),
 * read as UTC (the forms say so). Normalised to the ISO string the database compares.
 */
export const instant = (label: string) =>
  z
    .string({ error: `Enter ${label} as 2026-12-31T17:00Z.` })
    .trim()
    .transform((s, ctx) => {
      const withZone = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(s) ? `${s}Z` : s;
      const t = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(withZone) ? Date.parse(withZone) : NaN;
      if (Number.isNaN(t)) {
        ctx.addIssue({ code: 'custom', message: `Enter ${label} as a date and time, for example 2026-12-31T17:00Z (UTC).` });
        return z.NEVER;
      }
      return new Date(t).toISOString();
    });

export const wholeNumber = (label: string, min: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
    z.number({ error: `Enter ${label} as a whole number.` }).int(`Enter ${label} as a whole number.`).min(min, `${label[0]!.toUpperCase()}${label.slice(1)} starts at ${min}.`).max(999, 'That number is too large.'),
  );

export const openBallotSchema = z.object({
  closes_at: instant('the closing time'),
  rule: z.preprocess(blank, z.enum(RULES as [string, ...string[]], { error: 'Choose the iso, majority or consensus rule.' }).default('iso')),
  quorum: z.preprocess(
    (v) => (blank(v) === undefined ? undefined : typeof v === 'string' ? Number(v) : v),
    z
      .number({ error: 'Enter the quorum as a fraction from 0 to 1, such as 0.5.' })
      .min(0, 'The quorum is a fraction from 0 to 1.')
      .max(1, 'The quorum is a fraction from 0 to 1.')
      .refine((q) => Math.abs(q * 10_000 - Math.round(q * 10_000)) < 1e-6, 'Give the quorum with at most 4 decimal places.')
      .default(0.5),
  ),
});
export type OpenBallotInput = z.infer<typeof openBallotSchema> & { rule: 'iso' | 'majority' | 'consensus' };

export const voteSchema = z
  .object({
    position: z.enum(POSITIONS as [string, ...string[]], { error: 'Choose approve, disapprove, abstain or recuse.' }),
    reason: z.preprocess(blank, z.string().trim().max(10_000, 'Use at most 10000 characters.').optional()),
  })
  .superRefine((v, ctx) => {
    // ISO does not count a negative vote without reasons; here it cannot be cast without them.
    if (v.position === 'disapprove' && !v.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'Give the reasons for disapproving.' });
  });
export type VoteInput = { position: 'approve' | 'disapprove' | 'abstain' | 'recuse'; reason?: string };

export const extendSchema = z.object({ closes_at: instant('the new closing time') });
export const moveSchema = z.object({ n: wholeNumber('the version number', 1) });

/** Parses or throws Validation (422) with a message per field. */
export function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body ?? {});
  if (!r.success) throw new Validation('Some fields need attention.', fieldsOf(r.error));
  return r.data;
}
