import { z } from 'zod';
import { LANGUAGES } from '../i18n/index.ts';
import { passwordProblem } from '../accounts/passwords.ts';
import { ROLES } from '../auth/viewer.ts';
import { organisationChoice } from '../organisations/validation.ts';

const text = (label: string, max: number) =>
  z
    .string({ error: `Enter ${label}.` })
    .trim()
    .min(1, `Enter ${label}.`)
    .max(max, `Use at most ${max} characters.`);

export const email = z
  .string({ error: 'Enter your e-mail address.' })
  .trim()
  .min(1, 'Enter your e-mail address.')
  .max(320, 'This address is too long.')
  .pipe(z.email('Enter an e-mail address like name@example.org.'))
  .transform((s) => s.toLowerCase());

/** A new password: the policy of accounts/passwords.ts (length and the common-passwords list only). */
export const newPassword = z.string({ error: 'Choose a password.' }).superRefine((p, ctx) => {
  const problem = passwordProblem(p);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const role = z.enum(ROLES, { error: 'Choose secretariat, board or stakeholder.' });

/** The organisation: chosen from the register (organisation_id, or "other" and organisation_other), or named (organisation, API clients). */
export const registerSchema = z.object({
  name: text('your name', 200),
  email,
  ...organisationChoice,
  password: newPassword,
});

export const signInSchema = z.object({
  email: z.string({ error: 'Enter your e-mail address.' }).trim().min(1, 'Enter your e-mail address.').max(320).transform((s) => s.toLowerCase()),
  password: z.string({ error: 'Enter your password.' }).min(1, 'Enter your password.').max(4096, 'This password is too long.'),
});

export const tokenRequestSchema = signInSchema.extend({
  name: z.string().trim().max(100, 'Use at most 100 characters.').optional(),
});

export const createUserSchema = z.object({
  name: text('a name', 200),
  email,
  ...organisationChoice,
  role,
  // Optional: without one the new user gets a link to choose their own.
  password: z.preprocess((v) => (v === '' ? undefined : v), newPassword.optional()),
});

const checkbox = z.preprocess((v) => v === true || v === 'true' || v === 'on' || v === '1', z.boolean());

/** The secretariat's changes to an account (HTML form and PATCH /api/v1/users/{id}). */
export const adminUpdateSchema = z.object({
  name: text('a name', 200).optional(),
  ...organisationChoice,
  role: role.optional(),
  disabled: checkbox.optional(),
});

export const profileSchema = z.object({
  name: text('your name', 200),
  ...organisationChoice,
});

export const passwordChangeSchema = z.object({
  current_password: z.string({ error: 'Enter your current password.' }).min(1, 'Enter your current password.').max(4096),
  new_password: newPassword,
});

/** A user's own changes through PATCH /api/v1/users/{id}. */
export const selfUpdateSchema = z
  .object({
    name: text('your name', 200).optional(),
    ...organisationChoice,
    current_password: z.string().max(4096).optional(),
    password: newPassword.optional(),
    // The interface language of the pages and mails (issue 19); null: the browser's.
    language: z.enum(LANGUAGES, { error: 'Choose one of en, fr, es, ar, ru, zh, or null for the browser\'s language.' }).nullable().optional(),
  })
  .strict();

export const forgotSchema = z.object({ email });
export const resetSchema = z.object({ token: z.string().min(1).max(200), password: newPassword });
export const tokenNameSchema = z.object({ name: text('a name for the token', 100) });
