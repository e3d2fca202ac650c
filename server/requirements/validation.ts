import { z } from 'zod';
import { blank as blankToUndefined } from '../http/validation.ts';
import { VERB_FAMILIES } from './extract.ts';

const versionN = z.preprocess(blankToUndefined, z.string().trim().regex(/^\d{1,6}$/, 'must be a version number (1, 2, …)').transform(Number).refine((n) => n >= 1, 'must be a version number from 1').optional());

/** The register's filters, from the page's GET form, the exports' query and the API's (the same fields). */
export const registerQuerySchema = z.object({
  version: versionN,
  since: versionN,
  verb: z.preprocess(blankToUndefined, z.enum(VERB_FAMILIES, { message: 'must be shall, should, may or can' }).optional()),
  clause: z.preprocess(blankToUndefined, z.string().trim().max(50, 'at most 50 characters').optional()),
  q: z.preprocess(blankToUndefined, z.string().trim().max(200, 'at most 200 characters').optional()),
});
export type RegisterQuery = z.infer<typeof registerQuerySchema>;

/** The query's own fields only, each a string (a repeated parameter keeps its first value). */
export function queryFields(query: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['version', 'since', 'verb', 'clause', 'q'] as const) {
    const v = query[k];
    const s = Array.isArray(v) ? v[0] : v;
    if (typeof s === 'string') out[k] = s;
  }
  return out;
}
