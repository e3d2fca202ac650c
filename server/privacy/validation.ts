import { z } from 'zod';

/** Closing: one's own account needs the password (checked by the service); the secretariat sends none for another's. */
export const closeSchema = z
  .object({ password: z.string({ error: 'Enter your password.' }).max(1000, 'This password is too long.').optional() })
  .strict();

/** `me` or a positive integer: the account in /users/{id}/export and /close. */
export function accountId(param: unknown, viewerId: number): number | null {
  if (param === 'me') return viewerId;
  return typeof param === 'string' && /^\d{1,15}$/.test(param) && Number(param) > 0 ? Number(param) : null;
}
