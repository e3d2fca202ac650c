import { z } from 'zod';
import { blank, instant } from '../http/validation.ts';
import { isValidDay } from '../time.ts';
import { MAX_TEXT } from '../drafts/validation.ts';
import { POSITIONS, PROPOSAL_KINDS, STATUSES } from './rules.ts';

/** Input of proposals: the same schemas for the forms and the API. */

const KIND_ERROR = 'Choose what is proposed: a new IMAS, an amendment of an existing document, a new TNMA or a new T&EP.';

const text = (label: string, max: number) =>
  z
    .string({ error: `Enter the ${label}.` })
    .transform((s) => s.replace(/\r\n?/g, '\n').trim())
    .pipe(z.string().min(1, `Enter the ${label}.`).max(max, `Use at most ${max.toLocaleString('en')} characters.`));

/** yes / no from a form's radio buttons, or a JSON boolean. */
const yesNo = z.preprocess(
  (v) => (v === 'yes' || v === 'true' || v === 'on' ? true : v === 'no' || v === 'false' ? false : v),
  z.boolean({ error: 'Say whether the change is substantial: yes or no.' }),
);

const fields = {
  kind: z.enum(PROPOSAL_KINDS, { error: KIND_ERROR }),
  standard: z.preprocess(blank, z.string().trim().max(64, 'Use at most 64 characters.').optional().nullable()),
  proposed_number: z.preprocess(blank, z.string().trim().max(32, 'Use at most 32 characters.').optional().nullable()),
  title: text('title', 300),
  rationale: text('rationale', 20_000),
  scope: text('scope', 20_000),
  substantial: yesNo,
};

export const proposalSchema = z.object(fields).superRefine((p, ctx) => {
  if (p.kind === 'amendment' && !p.standard) ctx.addIssue({ code: 'custom', path: ['standard'], message: 'Name the document the amendment concerns, for example 07.11.' });
});
export type ProposalInput = z.output<typeof proposalSchema>;

/** A change by the proposer or the secretariat before circulation: any of the fields. */
export const proposalUpdateSchema = z.object(fields).partial();
export type ProposalUpdate = z.output<typeof proposalUpdateSchema>;

export const circulateSchema = z.object({
  response_due_at: instant('the response date'),
});
export type CirculateInput = z.output<typeof circulateSchema>;

export const respondSchema = z.object({
  position: z.enum(POSITIONS, { error: 'Choose support or no support.' }),
  comment: z.preprocess(blank, z.string().transform((s) => s.replace(/\r\n?/g, '\n').trim()).pipe(z.string().max(10_000, 'Use at most 10,000 characters.')).optional().nullable()),
});
export type RespondInput = z.output<typeof respondSchema>;

export const dropSchema = z.object({
  reason: text('reason for dropping the proposal', 5000),
});
export type DropInput = z.output<typeof dropSchema>;

export const steeringGroupSchema = z.object({
  approved_on: z
    .string({ error: 'Enter the date of the Steering Group\'s approval.' })
    .trim()
    .refine(isValidDay, 'Enter a date as YYYY-MM-DD, for example 2027-01-31.'),
});
export type SteeringGroupInput = z.output<typeof steeringGroupSchema>;

/** A draft from a proposal: its text; for a new standard also the number and title it is added under. */
export const proposalDraftSchema = z.object({
  text: z
    .string({ error: 'Paste the text of the draft.' })
    .max(MAX_TEXT, `The text is longer than ${MAX_TEXT.toLocaleString('en')} characters.`)
    .transform((s) => s.replace(/\r\n?/g, '\n'))
    .refine((s) => s.trim().length > 0, 'Paste the text of the draft.'),
  label: z.preprocess(blank, z.string().trim().max(200, 'Use at most 200 characters.').optional()),
  number: z.preprocess(blank, z.string().trim().max(32, 'Use at most 32 characters.').optional()),
  title: z.preprocess(blank, z.string().trim().max(300, 'Use at most 300 characters.').optional()),
});
export type ProposalDraftInput = z.output<typeof proposalDraftSchema>;

/** The log's filters, from a query string: anything unknown is ignored rather than refused. */
export const listQuerySchema = z.object({
  status: z.preprocess(blank, z.enum(STATUSES).optional()).catch(undefined),
  kind: z.preprocess(blank, z.enum(PROPOSAL_KINDS).optional()).catch(undefined),
  year: z.preprocess(blank, z.coerce.number().int().min(1990).max(2200).optional()).catch(undefined),
  decision: z.preprocess(blank, z.enum(['supported', 'not_supported', 'pending']).optional()).catch(undefined),
  standard: z.preprocess(blank, z.string().trim().max(64).optional()).catch(undefined),
  q: z.preprocess(blank, z.string().trim().max(200).optional()).catch(undefined),
});
export type ListQuery = z.output<typeof listQuerySchema>;
