import { z } from 'zod';
import { BadRequest } from '../errors.ts';
import { fieldsOf } from '../http/validation.ts';

/** The search's query string: the same schema for the page and the API. */
export const SEARCH_STATES = ['current', 'upcoming', 'superseded', 'consultation', 'draft'] as const;
export const SEARCH_TYPES = ['IMAS', 'TNMA', 'T&EP'] as const;
export const MAX_PAGE = 50;

const one = (label: string) => z.preprocess((v) => (v === '' ? undefined : v), z.string({ error: `Give ${label} once.` }).optional());

export const searchSchema = z.object({
  q: z.preprocess((v) => v ?? '', z.string({ error: 'Give the search once: ?q=words.' })),
  series: one('one series').pipe(z.string().regex(/^\d{2}$/, 'A series is two digits, for example 07.').optional()),
  type: one('one document type').pipe(z.enum(SEARCH_TYPES, { error: 'The document type is IMAS, TNMA or T&EP.' }).optional()),
  state: one('one state').pipe(z.enum(SEARCH_STATES, { error: `The state is one of ${SEARCH_STATES.join(', ')}.` }).optional()),
  versions: one('versions once').pipe(z.enum(['current', 'all'], { error: 'versions is current (the default) or all.' }).optional()),
  page: z.preprocess(
    (v) => (v === '' || v === undefined ? undefined : typeof v === 'string' && /^\d{1,6}$/.test(v) ? Number(v) : v),
    z
      .number({ error: 'The page is a whole number.' })
      .int('The page is a whole number.')
      .min(1, 'Pages start at 1.')
      .max(MAX_PAGE, `Results go to page ${MAX_PAGE} at most: narrow the search.`)
      .optional(),
  ),
});
export type SearchInput = z.output<typeof searchSchema>;

/** The typed input, or a 400 naming the parameter. Unknown parameters are ignored (links add their own). */
export function readSearch(query: unknown): SearchInput {
  const r = searchSchema.safeParse(query ?? {});
  if (r.success) return r.data;
  const fields = fieldsOf(r.error);
  throw new BadRequest(Object.values(fields)[0] ?? 'Check the search.', fields);
}
