import { z } from 'zod';

/** What to watch: everything, a series (its two-digit code), or a standard (its ref). */
export const watchSchema = z
  .object({
    scope: z.enum(['all', 'series', 'standard'], { error: 'Choose what to watch: all, series or standard.' }),
    series: z.string().trim().regex(/^\d{2}$/, 'A series is its two-digit code, as in 07.').optional(),
    ref: z.string().trim().min(1).max(64, 'A ref is at most 64 characters.').optional(),
  })
  .superRefine((v, ctx) => {
    if (v.scope === 'series' && !v.series) ctx.addIssue({ code: 'custom', path: ['series'], message: 'Name the series to watch, as in 07.' });
    if (v.scope === 'standard' && !v.ref) ctx.addIssue({ code: 'custom', path: ['ref'], message: 'Name the standard to watch, as in 07.11.' });
  });

export type WatchInput = z.output<typeof watchSchema>;
