import { z } from 'zod';
import { blank, instant } from '../http/validation.ts';
import { POSITIONS, RULES } from './tally.ts';

export const wholeNumber = (label: string, min: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
    z.number({ error: `Enter ${label} as a whole number.` }).int(`Enter ${label} as a whole number.`).min(min, `${label[0]!.toUpperCase()}${label.slice(1)} starts at ${min}.`).max(999, 'That number is too large.'),
  );

export const openBallotSchema = z.object({
  closes_at: instant('the closing time'),
  rule: z.preprocess(blank, z.enum(RULES, { error: 'Choose the iso, majority or consensus rule.' }).default('iso')),
  quorum: z.preprocess(
    (v) => (blank(v) === undefined ? undefined : typeof v === 'string' ? Number(v) : v),
    z
      .number({ error: 'Enter the quorum as a fraction from 0 to 1, such as 0.5.' })
      .min(0, 'The quorum is a fraction from 0 to 1.')
      .max(1, 'The quorum is a fraction from 0 to 1.')
      .refine((q) => Math.abs(q * 10_000 - Math.round(q * 10_000)) < 1e-6, 'Give the quorum with at most 4 decimal places.')
      .default(0.5),
  ),
  // Opens the ballot although the ballot order holds it back (./order.ts): the secretariat's recorded reason.
  override_reason: z.preprocess(blank, z.string({ error: 'Give the reason as text.' }).trim().min(1).max(2000, 'Use at most 2000 characters.').optional()),
});
export type OpenBallotInput = z.output<typeof openBallotSchema>;

export const voteSchema = z
  .object({
    position: z.enum(POSITIONS, { error: 'Choose approve, disapprove, abstain or recuse.' }),
    reason: z.preprocess(blank, z.string().trim().max(10_000, 'Use at most 10000 characters.').optional()),
  })
  .superRefine((v, ctx) => {
    // ISO does not count a negative vote without reasons; here it cannot be cast without them.
    if (v.position === 'disapprove' && !v.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'Give the reasons for disapproving.' });
  });
export type VoteInput = z.output<typeof voteSchema>;

export const extendSchema = z.object({ closes_at: instant('the new closing time') });
export const moveSchema = z.object({ n: wholeNumber('the version number', 1) });

