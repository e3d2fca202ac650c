import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Role, Viewer } from '../auth/viewer.ts';
import { rolesThatCan } from '../auth/permissions.ts';
import { findOrInsertOrganisation } from '../organisations/repo.ts';

export interface UserRow {
  id: number;
  email: string;
  name: string;
  /** the name of the user's organisation record (kept in step with it by server/organisations/repo.ts) */
  organisation: string;
  organisation_id: number | null;
  role: Role;
  password_hash: string;
  email_verified_at: string | null;
  disabled_at: string | null;
  created_at: string;
  updated_at: string | null;
  /** the interface language chosen (server/i18n/), null: the browser's */
  language?: string | null;
}

type Q = Knex | Knex.Transaction;

export const findUserById = async (db: Q, id: number): Promise<UserRow | undefined> => db('users').where({ id }).first();
export const findUserByEmail = async (db: Q, email: string): Promise<UserRow | undefined> => db('users').where({ email: email.toLowerCase() }).first();

/** The address already has an account: the unique index caught what a check before the insert could not (two at once). */
export class EmailTaken extends Error {}

// better-sqlite3: SQLITE_CONSTRAINT_UNIQUE naming users.email; PostgreSQL: unique_violation (23505) on users_email_unique.
const isEmailUnique = (err: unknown): boolean => {
  const e = err as { code?: string; message?: string; constraint?: string } | null;
  return (e?.code === 'SQLITE_CONSTRAINT_UNIQUE' && /users\.email/.test(e.message ?? '')) || (e?.code === '23505' && /email/.test(e.constraint ?? ''));
};

/**
 * Throws EmailTaken when the address has an account already. Without an `organisation_id` the name is
 * matched to its record (case and spaces ignored), or becomes a new unconfirmed one: the services resolve
 * the choice first (server/organisations/service.ts, with its audit event); this is for the commands
 * and tools that only have a name.
 */
export async function insertUser(db: Q, row: Omit<UserRow, 'id' | 'updated_at' | 'organisation_id'> & { organisation_id?: number }): Promise<UserRow> {
  const org = row.organisation_id !== undefined ? { id: row.organisation_id, name: row.organisation } : (await findOrInsertOrganisation(db, row.organisation, row.created_at)).org;
  const [ins] = await db('users')
    .insert({ ...row, organisation_id: org.id, organisation: org.name, email: row.email.toLowerCase() })
    .returning('id')
    .catch((err: unknown) => {
      throw isEmailUnique(err) ? new EmailTaken(row.email) : err;
    });
  const id = typeof ins === 'object' ? (ins as { id: number }).id : (ins as number);
  return (await findUserById(db, id))!;
}

export async function updateUserRow(db: Q, id: number, patch: Partial<Omit<UserRow, 'id'>>): Promise<void> {
  await db('users').where({ id }).update(patch);
}

export async function listUsers(db: Q): Promise<UserRow[]> {
  return db('users').select('*').orderBy([{ column: 'role' }, { column: 'name' }]);
}

export const countSecretariat = async (db: Q): Promise<number> =>
  Number(((await db('users').whereIn('role', rolesThatCan('accounts.manage')).whereNull('disabled_at').count({ n: '*' }).first()) as { n: number }).n);

export function viewerOf(u: Pick<UserRow, 'id' | 'role' | 'name' | 'email' | 'organisation' | 'email_verified_at' | 'language'>): Viewer {
  return { id: u.id, role: u.role, name: u.name, email: u.email, organisation: u.organisation, emailVerified: Boolean(u.email_verified_at), language: u.language ?? null };
}

/** What the API says about a user: never the hash. */
export function userJson(u: UserRow) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    organisation: u.organisation,
    organisation_id: u.organisation_id ?? null,
    role: u.role,
    email_verified: Boolean(u.email_verified_at),
    disabled: Boolean(u.disabled_at),
    language: u.language ?? null,
    created_at: u.created_at,
  };
}

// Links sent by e-mail carry a random secret; only its sha256 is stored.
export const newSecret = (): string => crypto.randomBytes(32).toString('base64url');
export const sha256 = (s: string): string => crypto.createHash('sha256').update(s).digest('hex');

export type EmailTokenPurpose = 'verify' | 'reset';
export interface EmailTokenRow {
  id: number;
  user_id: number;
  purpose: EmailTokenPurpose;
  token_hash: string;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

export async function insertEmailToken(db: Q, userId: number, purpose: EmailTokenPurpose, now: Date, ttlMs: number): Promise<string> {
  const token = newSecret();
  await db('email_tokens').insert({
    user_id: userId,
    purpose,
    token_hash: sha256(token),
    expires_at: new Date(now.getTime() + ttlMs).toISOString(),
    created_at: now.toISOString(),
  });
  return token;
}

export const findEmailToken = async (db: Q, purpose: EmailTokenPurpose, token: string): Promise<EmailTokenRow | undefined> =>
  db('email_tokens').where({ purpose, token_hash: sha256(token) }).first();

/** Marks it used only if nobody used it first: true when this call won. */
export async function useEmailToken(db: Q, id: number, now: Date): Promise<boolean> {
  return (await db('email_tokens').where({ id }).whereNull('used_at').update({ used_at: now.toISOString() })) === 1;
}

/** A new link replaces the older ones of the same purpose. */
export async function expireEmailTokens(db: Q, userId: number, purpose: EmailTokenPurpose, now: Date): Promise<void> {
  await db('email_tokens').where({ user_id: userId, purpose }).whereNull('used_at').update({ used_at: now.toISOString() });
}
