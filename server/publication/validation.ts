import { z } from 'zod';
import { isValidDay } from '../time.ts';
import { blank } from '../http/validation.ts';
import { wholeNumber } from '../ballots/validation.ts';

export const publishSchema = z.object({
  edition: wholeNumber('the edition', 1),
  amendment: z.preprocess((v) => (blank(v) === undefined || v === null ? undefined : v), wholeNumber('the amendment', 1).optional()),
  in_force_from: z
    .string({ error: 'Enter the in-force date as YYYY-MM-DD.' })
    .trim()
    .refine(isValidDay, 'Enter the in-force date as YYYY-MM-DD, for example 2027-03-01.'),
  summary: z.string({ error: 'Summarise what this edition changes.' }).trim().min(1, 'Summarise what this edition changes.').max(2000, 'Use at most 2000 characters.'),
});
export type PublishInput = z.infer<typeof publishSchema>;
