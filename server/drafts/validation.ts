import { z } from 'zod';
import { NUMBER_FORMATS, STANDARD_TYPES, type StandardType } from '../standards/refs.ts';
import { isValidDay } from '../time.ts';
import { blank as blankToUndefined } from '../http/validation.ts';

/** Input of the secretariat's catalogue and draft actions: the same schemas for the forms and the API. */

/** What a .docx may unpack to, all its parts together: the longest IMAS is a few MB of Word XML (docx.ts). */
export const MAX_DOCX_UNPACKED = 50 * 1024 * 1024;

export const MAX_TEXT = 1_000_000; // characters of Markdown: the longest IMAS is a tenth of this

const EXAMPLES: Record<StandardType, string> = { IMAS: '07.11', TNMA: '12.10/01', 'T&EP': '07.31/01/2022' };

export const standardSchema = z
  .object({
    type: z.enum(STANDARD_TYPES, { error: 'Choose IMAS, TNMA or T&EP.' }),
    number: z.string({ error: 'Enter the number.' }).trim().min(1, 'Enter the number.').max(32, 'Use at most 32 characters.'),
    title: z.string({ error: 'Enter the title.' }).trim().min(1, 'Enter the title.').max(300, 'Use at most 300 characters.'),
  })
  .superRefine((s, ctx) => {
    if (!NUMBER_FORMATS[s.type].test(s.number)) {
      ctx.addIssue({ code: 'custom', path: ['number'], message: `A ${s.type} number is written like ${EXAMPLES[s.type]}.` });
    }
  });
export type StandardInput = z.output<typeof standardSchema>;

export const withdrawSchema = z.object({
  date: z
    .string({ error: 'Enter the date of withdrawal.' })
    .trim()
    .refine(isValidDay, 'Enter a date as YYYY-MM-DD, for example 2027-01-31.'),
  replaced_by: z.preprocess(blankToUndefined, z.string().trim().max(64, 'Use at most 64 characters.').optional().nullable()),
});
export type WithdrawInput = z.output<typeof withdrawSchema>;

/** based_on: a version number; "none" or null for a text based on nothing; left out for the latest version. */
const basedOn = z.preprocess(
  (v) => (v === '' || v === undefined ? undefined : v === 'none' || v === null ? null : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v),
  z.number({ error: 'Choose a version by its number, or "none".' }).int('Choose a version by its number.').min(1, 'Choose a version by its number.').nullable().optional(),
);

export const draftSchema = z.object({
  text: z
    .string({ error: 'Paste the text or upload a file.' })
    .max(MAX_TEXT, `The text is longer than ${MAX_TEXT.toLocaleString('en')} characters.`)
    // Browsers send form text with CRLF line ends: the stored text (and its sha256) uses LF.
    .transform((s) => s.replace(/\r\n?/g, '\n')),
  label: z.preprocess(blankToUndefined, z.string().trim().max(200, 'Use at most 200 characters.').optional()),
  based_on: basedOn,
});
export type DraftInput = z.output<typeof draftSchema>;
