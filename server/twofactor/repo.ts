import type { Knex } from 'knex';

type Q = Knex | Knex.Transaction;

export interface TotpRow {
  user_id: number;
  secret_encrypted: string;
  created_at: string;
  confirmed_at: string | null;
  last_step: number | null;
}

export const findTotp = async (db: Q, userId: number): Promise<TotpRow | undefined> => db('totp_secrets').where({ user_id: userId }).first();

/** Whether the user signs in with a second factor: one indexed lookup, made on each request of the secretariat. */
export async function hasTwoFactor(db: Q, userId: number): Promise<boolean> {
  return Boolean(await db('totp_secrets').where({ user_id: userId }).whereNotNull('confirmed_at').first('user_id'));
}

/**
 * Stores a new pending secret unless the account has a secret already; `replacing`, a pending secret
 * that can no longer be read (another key), is removed first — only if it is still the one stored.
 * Pages asking at once (two tabs, a double click) leave one secret, the first stored: the caller reads
 * it back rather than showing its own.
 */
export async function savePending(db: Q, userId: number, secretEncrypted: string, now: Date, replacing?: string): Promise<void> {
  if (replacing !== undefined) await db('totp_secrets').where({ user_id: userId, secret_encrypted: replacing }).whereNull('confirmed_at').delete();
  await db('totp_secrets').insert({ user_id: userId, secret_encrypted: secretEncrypted, created_at: now.toISOString(), confirmed_at: null, last_step: null }).onConflict('user_id').ignore();
}

export async function confirm(db: Q, userId: number, step: number, now: Date): Promise<boolean> {
  return (await db('totp_secrets').where({ user_id: userId }).whereNull('confirmed_at').update({ confirmed_at: now.toISOString(), last_step: step })) === 1;
}

/**
 * Records the step of an accepted code, only if no later or equal one was recorded first: when two
 * requests race with the same code, one wins.
 */
export async function useStep(db: Q, userId: number, step: number): Promise<boolean> {
  const n = await db('totp_secrets')
    .where({ user_id: userId })
    .whereNotNull('confirmed_at')
    .andWhere((q) => q.whereNull('last_step').orWhere('last_step', '<', step))
    .update({ last_step: step });
  return n === 1;
}

export async function removeTwoFactor(db: Q, userId: number): Promise<void> {
  await db('recovery_codes').where({ user_id: userId }).delete();
  await db('totp_secrets').where({ user_id: userId }).delete();
}

export async function replaceRecoveryCodes(db: Q, userId: number, hashes: string[], now: Date): Promise<void> {
  await db('recovery_codes').where({ user_id: userId }).delete();
  await db('recovery_codes').insert(hashes.map((code_hash) => ({ user_id: userId, code_hash, created_at: now.toISOString(), used_at: null })));
}

/** Uses up a recovery code: true when it was there, unused, and this call used it. */
export async function useRecoveryCode(db: Q, userId: number, hash: string, now: Date): Promise<boolean> {
  return (await db('recovery_codes').where({ user_id: userId, code_hash: hash }).whereNull('used_at').update({ used_at: now.toISOString() })) === 1;
}

export async function recoveryCodesLeft(db: Q, userId: number): Promise<number> {
  const r = (await db('recovery_codes').where({ user_id: userId }).whereNull('used_at').count({ n: '*' }).first()) as { n: number | string };
  return Number(r.n);
}
