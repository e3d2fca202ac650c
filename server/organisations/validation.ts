import { z } from 'zod';
import { blank } from '../http/validation.ts';
import { KINDS, STATUSES } from './names.ts';

/** The schemas of the organisations register and the Board (pages and /api/v1 alike). */

const text = (label: string, max: number) =>
  z
    .string({ error: `Enter ${label}.` })
    .trim()
    .min(1, `Enter ${label}.`)
    .max(max, `Use at most ${max} characters.`);

const optionalText = (max: number) => z.preprocess((v) => (v === null ? '' : v), z.string().trim().max(max, `Use at most ${max} characters.`).optional()).transform((s) => (s ? s : null));

const checkbox = z.preprocess((v) => v === true || v === 'true' || v === 'on' || v === '1', z.boolean());

export const kind = z.preprocess(blank, z.enum(KINDS, { error: `Choose the kind: ${KINDS.join(', ')}.` }).nullable().optional());

export const organisationSchema = z.object({
  name: text('the name', 200),
  short_name: optionalText(50),
  kind,
  confirmed: checkbox.optional(),
});
export type OrganisationInput = z.output<typeof organisationSchema>;

export const organisationPatchSchema = z
  .object({
    name: text('the name', 200).optional(),
    short_name: optionalText(50).optional(),
    kind,
    confirmed: checkbox.optional(),
  })
  .strict();
export type OrganisationPatch = z.output<typeof organisationPatchSchema>;

const id = (label: string) =>
  z.preprocess((v) => (typeof v === 'string' && /^\s*\d{1,15}\s*$/.test(v) ? Number(v) : v), z.number({ error: `Choose ${label}.` }).int(`Choose ${label}.`).min(1, `Choose ${label}.`));
const optionalId = (label: string) => z.preprocess((v) => (blank(v) === undefined || v === null ? null : v), id(label).nullable());

export const mergeSchema = z.object({ into: id('the organisation to merge it into') });

const day = (label: string) =>
  z
    .string({ error: `Enter ${label} as a date, for example 2027-03-31.` })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, `Enter ${label} as a date, for example 2027-03-31.`)
    .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), `Enter ${label} as a date that exists.`);
const optionalDay = (label: string) => z.preprocess((v) => (blank(v) === undefined || v === null ? null : v), day(label).nullable());

/** Alternates: a list of user ids (a form sends one value or several under the same name). */
const idList = z.preprocess(
  (v) => (v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v.filter((x) => x !== '') : [v]),
  z.array(id('an alternate')).max(50, 'At most 50 alternates.'),
);

const span = { from: day('the first day'), until: optionalDay('the last day') };
const untilAfterFrom = (v: { from: string; until: string | null }, ctx: z.RefinementCtx) => {
  if (v.until !== null && v.until < v.from) ctx.addIssue({ code: 'custom', path: ['until'], message: 'The last day cannot come before the first.' });
};
const dated = <T extends z.ZodRawShape>(shape: T) => z.object({ ...shape, ...span }).superRefine((v, ctx) => untilAfterFrom(v as unknown as { from: string; until: string | null }, ctx));

export const membershipSchema = dated({
  organisation_id: id('the organisation'),
  status: z.enum(STATUSES, { error: 'Choose member or observer.' }),
  principal_user_id: optionalId('the principal voter'),
  alternates: idList,
});
export type MembershipInput = z.output<typeof membershipSchema>;

export const membershipUpdateSchema = dated({
  status: z.enum(STATUSES, { error: 'Choose member or observer.' }),
  principal_user_id: optionalId('the principal voter'),
  alternates: idList,
});
export type MembershipUpdate = z.output<typeof membershipUpdateSchema>;

export const chairSchema = dated({
  organisation_id: id('the organisation'),
  representative_user_id: optionalId('the representative'),
});
export type ChairInput = z.output<typeof chairSchema>;

export const chairUpdateSchema = dated({
  representative_user_id: optionalId('the representative'),
});
export type ChairUpdate = z.output<typeof chairUpdateSchema>;

export const boardQuerySchema = z.object({ on: z.preprocess(blank, day('the day').optional()) });

/**
 * How a registration or an account names its organisation: `organisation_id` (a confirmed record, or
 * "other") and `organisation_other` on the page; `organisation` (a name, matched case and spaces
 * ignored) from API clients, as before records existed.
 */
export const organisationChoice = {
  organisation_id: z.preprocess((v) => (blank(v) === undefined || v === null ? undefined : v), z.union([z.literal('other'), id('your organisation')]).optional()),
  organisation_other: z.preprocess(blank, z.string().trim().max(200, 'Use at most 200 characters.').optional()),
  organisation: z.preprocess(blank, z.string().trim().max(200, 'Use at most 200 characters.').optional()),
};
