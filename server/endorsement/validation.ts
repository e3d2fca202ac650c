import { z } from 'zod';
import { isValidDay } from '../time.ts';
import { blank } from '../http/validation.ts';
import { STEPS } from './rules.ts';

export const stepSchema = z.object({
  step: z.enum(STEPS, { error: "Choose the step: steering_group (the Steering Group's acceptance) or endorsement (the UN endorsement, IACG-MA)." }),
  date: z.string({ error: 'Enter the date as YYYY-MM-DD.' }).trim().refine(isValidDay, 'Enter the date as YYYY-MM-DD, for example 2027-03-01.'),
  note: z.preprocess(blank, z.string({ error: 'Give the note as text.' }).trim().max(2000, 'Use at most 2000 characters.').optional()),
});
export type StepInput = z.output<typeof stepSchema>;
