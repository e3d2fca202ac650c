import { z } from 'zod';
import { MAX_TEXT } from '../drafts/validation.ts';
import { TRANSLATION_LANGUAGES } from './rules.ts';

/** Input of loading a translation: the same schema for the form and the API. */

export const messages = {
  language: 'Choose the language of the translation: French (fr), Spanish (es), Arabic (ar), Russian (ru) or Chinese (zh).',
  english: 'English is the text of the version itself: a translation is in French, Spanish, Arabic, Russian or Chinese.',
  noText: 'Paste the translated text, or choose a .md or .docx file.',
  official: 'Say whether the translation is official or unofficial.',
  tooLong: `The text is longer than ${MAX_TEXT.toLocaleString('en')} characters.`,
} as const;

const TRUE = new Set(['true', 'yes', 'on', '1', 'official']);
const FALSE = new Set(['false', 'no', 'off', '0', 'unofficial', '']);

export const languageSchema = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim().toLowerCase() : v),
  z.string({ error: messages.language }).refine((v) => v !== 'en', messages.english).pipe(z.enum(TRANSLATION_LANGUAGES, { error: messages.language })),
);

export const translationSchema = z.object({
  language: languageSchema,
  text: z
    .string({ error: messages.noText })
    .max(MAX_TEXT, messages.tooLong)
    // Browsers send form text with CRLF line ends: the stored text (and its sha256) uses LF.
    .transform((s) => s.replace(/\r\n?/g, '\n'))
    .refine((s) => s.trim() !== '', messages.noText),
  // official: true/false in JSON; "official"/"unofficial" (or yes/no) from the form; absent = unofficial
  official: z.preprocess(
    (v) => (v === undefined || v === null ? false : typeof v === 'boolean' ? v : typeof v === 'string' && TRUE.has(v.trim().toLowerCase()) ? true : typeof v === 'string' && FALSE.has(v.trim().toLowerCase()) ? false : v),
    z.boolean({ error: messages.official }),
  ),
});
export type TranslationInput = z.output<typeof translationSchema>;
