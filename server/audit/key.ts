import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';

/**
 * The audit key: from AUDIT_KEY (required in production), else in development a key generated once
 * into a file beside the database (mode 600). It is never stored in the database: someone who can
 * write the database could otherwise recompute the chain.
 *
 * The key travels with the database handle (createDb(url, { auditKey }) puts it in Knex's userParams,
 * which transactions inherit), so every writer of the chain, whatever service or CLI it is, keys its
 * rows without each caller having to pass it along.
 */
export function auditKeyOf(db: Knex | Knex.Transaction): string | null {
  const key = (db.userParams as { auditKey?: unknown } | undefined)?.auditKey;
  return typeof key === 'string' && key ? key : null;
}

export const keyMessages = {
  generated: (file: string) =>
    `AUDIT_KEY is not set: generated a development audit key in ${file} (mode 600). Keep it with the database (a restored copy cannot be verified without it); set AUDIT_KEY in production.`,
  fromFile: (file: string) => `AUDIT_KEY is not set: using the development audit key in ${file}`,
  tooOpen: (file: string) => `${file} can be read by other users: chmod 600 it`,
  tooShort: (file: string) => `${file} holds fewer than 32 characters: not an audit key`,
} as const;

/**
 * The key to run with. `create`: in development, make the key file when there is none (the server and
 * the commands that write); the verifier only reads it, as a fresh key could verify nothing.
 */
export function loadAuditKey(config: Config, logger: Logger, opts: { create: boolean }): string | null {
  if (config.auditKey) return config.auditKey;
  if (config.env !== 'development') return null; // production refuses to start without one (config.ts)
  const file = config.auditKeyFile;
  try {
    const key = fs.readFileSync(file, 'utf8').trim();
    if (key.length < 32) throw new Error(keyMessages.tooShort(file));
    if (process.platform !== 'win32' && fs.statSync(file).mode & 0o077) logger.warn(keyMessages.tooOpen(file));
    logger.warn(keyMessages.fromFile(file));
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (!opts.create) return null;
  const key = crypto.randomBytes(32).toString('base64url');
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  // 'wx': never overwrite a key another process has just written.
  fs.writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  logger.warn(keyMessages.generated(file));
  return key;
}
