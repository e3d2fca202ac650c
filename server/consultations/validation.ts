import { z } from 'zod';
import { blank as blankToUndefined, instant } from '../http/validation.ts';

const optionalText = (max: number) => z.preprocess(blankToUndefined, z.string().trim().max(max, `Use at most ${max} characters.`).optional());

export const consultationCreateSchema = z
  .object({
    opens_at: z.preprocess(blankToUndefined, instant('the opening date').optional()),
    closes_at: instant('the closing date'),
    instructions: optionalText(4000),
  })
  .strict();
export type ConsultationCreate = z.infer<typeof consultationCreateSchema>;

export const consultationPatchSchema = z
  .object({
    opens_at: z.preprocess(blankToUndefined, instant('the opening date').optional()),
    closes_at: z.preprocess(blankToUndefined, instant('the closing date').optional()),
    instructions: z.preprocess((v) => (v === '' ? null : v), z.string().trim().max(4000, 'Use at most 4000 characters.').nullable().optional()),
    close: z.boolean().optional(),
    cancel: z.boolean().optional(),
  })
  .strict()
  .refine((p) => [p.close, p.cancel, p.opens_at || p.closes_at || p.instructions !== undefined].filter(Boolean).length === 1, {
    message: 'Send one change: new dates or instructions, "close": true (close early) or "cancel": true.',
    path: ['form'],
  });
export type ConsultationPatch = z.infer<typeof consultationPatchSchema>;

export const COMMENT_TYPES = ['general', 'technical', 'editorial'] as const;
export type CommentType = (typeof COMMENT_TYPES)[number];
const TYPE_ALIASES: Record<string, CommentType> = { ge: 'general', te: 'technical', ed: 'editorial', general: 'general', technical: 'technical', editorial: 'editorial' };

/** general / technical / editorial, or the template's codes ge / te / ed. */
export const commentType = z.preprocess(
  (v) => (typeof v === 'string' ? TYPE_ALIASES[v.trim().toLowerCase()] ?? v : v),
  z.enum(COMMENT_TYPES, { error: 'Choose the type of comment: general (ge), technical (te) or editorial (ed).' }),
);

export const DISPOSITIONS = ['accepted', 'partially_accepted', 'rejected', 'noted'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

const commentText = z.string({ error: 'Write your comment.' }).trim().min(1, 'Write your comment.').max(10_000, 'Use at most 10,000 characters.');

/** The fields of a comment, as the API, the form and each sheet row give them. */
export const commentFields = {
  clause: z.preprocess(blankToUndefined, z.string().trim().max(64, 'A clause number is short, like 4.3 or A.1.').nullable().optional()),
  paragraph: optionalText(200),
  line_number: optionalText(50),
  type: commentType,
  comment: commentText,
  proposed_change: optionalText(10_000),
};

const onBehalfOf = z.preprocess(
  (v) => (typeof v === 'string' ? (v.trim() ? { organisation: v } : undefined) : v),
  z
    .object({
      organisation: z.string().trim().min(1, 'Name the organisation the comment came from.').max(200),
      name: z.preprocess(blankToUndefined, z.string().trim().max(200).optional()),
    })
    .strict()
    .optional(),
);

export const commentCreateSchema = z.object({ ...commentFields, on_behalf_of: onBehalfOf }).strict();
export type CommentCreate = z.infer<typeof commentCreateSchema>;

export const commentPatchSchema = z
  .object({
    clause: commentFields.clause,
    paragraph: commentFields.paragraph,
    line_number: commentFields.line_number,
    type: commentType.optional(),
    comment: commentText.optional(),
    proposed_change: commentFields.proposed_change,
    disposition: z.preprocess(blankToUndefined, z.enum(DISPOSITIONS, { error: 'Choose accepted, partially accepted, rejected or noted.' }).optional()),
    response: optionalText(10_000),
  })
  .strict();
export type CommentPatch = z.infer<typeof commentPatchSchema>;

/** Filters of the comment matrix (all optional; unknown values are ignored rather than refused). */
export interface MatrixFilter {
  clause?: string;
  type?: CommentType;
  organisation?: string;
  disposition?: Disposition | 'none';
  withdrawn?: boolean;
  /** words in the comment, the proposed change or the secretariat's response (any case) */
  text?: string;
  /** only the viewer's own comments (those they wrote or entered) */
  mine?: boolean;
}

/** The orders of the matrix (issue 18); each ends on the receipt number, so that every row has one place. */
export const MATRIX_SORTS = ['reference', 'clause', 'organisation', 'type'] as const;
export type MatrixSort = (typeof MATRIX_SORTS)[number];

/** `?sort=`: an order of the matrix; anything else is the default, as unknown filter values are ignored. */
export function matrixSortOf(q: Record<string, unknown>): MatrixSort {
  return MATRIX_SORTS.find((s) => s === q.sort) ?? 'reference';
}

export function matrixFilterOf(q: Record<string, unknown>): MatrixFilter {
  const s = (k: string) => (typeof q[k] === 'string' ? (q[k] as string).trim().slice(0, 200) : '');
  const f: MatrixFilter = {};
  if (s('clause')) f.clause = s('clause');
  const type = TYPE_ALIASES[s('type').toLowerCase()];
  if (type) f.type = type;
  if (s('organisation')) f.organisation = s('organisation');
  const d = s('disposition');
  const disposition = DISPOSITIONS.find((x) => x === d);
  if (disposition || d === 'none') f.disposition = disposition ?? 'none';
  if (s('withdrawn') === 'include' || s('withdrawn') === 'true') f.withdrawn = true;
  if (s('text')) f.text = s('text');
  if (s('mine') === '1' || s('mine') === 'true') f.mine = true;
  return f;
}
