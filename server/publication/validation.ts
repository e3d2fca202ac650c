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
  // Published "with immediate effect, awaiting endorsement" by the IACG-MA (issue 12 item 6): an explicit
  // choice; without it a publication says nothing about endorsement, as before (clients keep working).
  awaiting_endorsement: z.preprocess(
    (v) => (v === undefined || v === null || v === '' ? false : typeof v === 'string' ? (['on', 'true', 'yes', '1'].includes(v.trim().toLowerCase()) ? true : ['false', 'no', '0', 'off'].includes(v.trim().toLowerCase()) ? false : v) : v),
    z.boolean({ error: 'Say true or false: published before the UN endorsement, awaiting it?' }),
  ),
});
export type PublishInput = z.infer<typeof publishSchema>;
