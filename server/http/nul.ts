import type { RequestHandler } from 'express';
import { BadRequest } from '../errors.ts';

export const messages = {
  nul: 'The request contains a NUL character (U+0000), which no text here may hold: remove it and send it again.',
} as const;

/** Whether a string, or any key or string inside an array or object, holds U+0000. */
export function hasNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (!value || typeof value !== 'object' || depth > 32) return false;
  if (Array.isArray(value)) return value.some((v) => hasNul(v, depth + 1));
  return Object.entries(value).some(([k, v]) => k.includes('\u0000') || hasNul(v, depth + 1));
}

/**
 * Refuses U+0000 in the address, the query and a JSON or form body with a 400, on every database:
 * PostgreSQL cannot store it in text (SQLite can), and no field of this application means it. Checked
 * once here, before any route, so that a comment with one is refused alike on both databases rather
 * than failing the whole batch it was written in. (Multipart fields are refused by the error handler,
 * from the database's answer.)
 */
export const refuseNul: RequestHandler = (req, _res, next) => {
  if (/%00|\u0000/i.test(req.url) || hasNul(req.body)) return next(new BadRequest(messages.nul));
  next();
};

/** PostgreSQL's answer to a U+0000 in text (22021, character_not_in_repertoire, and 22P05). */
export function isNulError(err: unknown): boolean {
  const code = err && typeof err === 'object' ? (err as { code?: unknown }).code : undefined;
  return (code === '22021' || code === '22P05') && /0x00|\\u0000/.test(String((err as { message?: unknown }).message ?? ''));
}
