import request from 'supertest';
import type { Express } from 'express';
import { FakeClock } from '../../server/clock.ts';
import type { Db } from '../../server/db.ts';
import type { Role } from '../../server/auth/viewer.ts';
import { hashPassword } from '../../server/accounts/passwords.ts';
import { createApiToken } from '../../server/accounts/tokens.ts';
import { insertUser, type UserRow } from '../../server/accounts/repo.ts';
import { loadConfig } from '../../server/config.ts';
import { encryptSecret, newTotpSecret, requiresTwoFactor, secretKey, totpCodeAt } from '../../server/twofactor/totp.ts';
import { clockOfDb, TEST_NOW } from './app.ts';
import { roleCan } from '../../server/auth/permissions.ts';

/** Accounts, sign-in and tokens for tests of any feature. */

export const TEST_PASSWORD = 'correct horse battery staple';
/** totpSecret: the authenticator secret of a user enrolled in two-factor sign-in (as an app would keep it). */
export type TestUser = UserRow & { password: string; totpSecret?: string };
type Agent = ReturnType<typeof request.agent>;
interface TestAppLike {
  app: Express;
  db: Db;
}

// The argon2 costs of NODE_ENV=test (config.ts); one hash per password is enough for a run.
const hashes = new Map<string, Promise<string>>();
const hashFor = (password: string) => {
  if (!hashes.has(password)) hashes.set(password, hashPassword(password, { memoryCost: 1024, timeCost: 2 }));
  return hashes.get(password)!;
};

// Users enrolled in two-factor sign-in, by e-mail: their database and secret, to compute codes at sign-in.
const enrolled = new Map<string, { db: Db; userId: number; secret: string }>();

/**
 * A current code for an enrolled user, as their app would show it at the app's (fake) time. The suites'
 * clocks stand still, so the record of the last code used is cleared first, as if a new period had begun:
 * otherwise a second sign-in at the same fake instant would be refused as a replay.
 */
export async function currentCode(email: string): Promise<string> {
  const e = enrolled.get(email.toLowerCase());
  if (!e) throw new Error(`${email} is not enrolled in two-factor sign-in`);
  await e.db('totp_secrets').where({ user_id: e.userId }).update({ last_step: null });
  return totpCodeAt(e.secret, (clockOfDb.get(e.db) ?? new FakeClock(TEST_NOW)).now());
}

/** Enrols a user in two-factor sign-in straight in the database (the key of the test config); returns the secret. */
export async function enrolTwoFactor(db: Db, user: { id: number; email: string }): Promise<string> {
  const secret = await newTotpSecret();
  const key = secretKey(loadConfig({ NODE_ENV: 'test' }).sessionSecret);
  await db('totp_secrets').insert({ user_id: user.id, secret_encrypted: encryptSecret(secret, key, user.id), created_at: TEST_NOW, confirmed_at: TEST_NOW, last_step: null });
  enrolled.set(user.email.toLowerCase(), { db, userId: user.id, secret });
  return secret;
}

let seq = 0;
/**
 * Inserts a user straight into the database: verified and enabled unless told otherwise. Secretariat
 * accounts are enrolled in two-factor sign-in (required for them) unless `twoFactor: false`. The
 * organisation is a name, matched to its record (case and spaces ignored) or made one; an enabled board
 * account joins the Board for it (joinBoard) unless `boardMember: false`.
 */
export async function createUser(
  db: Db,
  opts: { role?: Role; email?: string; name?: string; organisation?: string; password?: string; verified?: boolean; disabled?: boolean; twoFactor?: boolean; boardMember?: boolean } = {},
): Promise<TestUser> {
  const role = opts.role ?? 'stakeholder';
  const n = ++seq;
  const password = opts.password ?? TEST_PASSWORD;
  const user = await insertUser(db, {
    email: opts.email ?? `${role}-${n}-${process.pid}@example.org`,
    name: opts.name ?? `Test ${role} ${n}`,
    organisation: opts.organisation ?? `Organisation ${n}`,
    role,
    password_hash: await hashFor(password),
    email_verified_at: opts.verified === false ? null : TEST_NOW,
    disabled_at: opts.disabled ? TEST_NOW : null,
    created_at: TEST_NOW,
  });
  // A board account votes for its organisation, as it did when the organisation was text on the account:
  // the organisation is confirmed and a member of the Board, with this account as its principal voter
  // (the first) or an alternate (the next ones).
  if (roleCan(role, 'ballots.vote') && !opts.disabled && opts.boardMember !== false) await joinBoard(db, user);
  const totpSecret = (opts.twoFactor ?? requiresTwoFactor(role)) ? await enrolTwoFactor(db, user) : undefined;
  return { ...user, password, ...(totpSecret ? { totpSecret } : {}) };
}

/** Since before the suites' dates: the Board's facts of the tests hold on TEST_NOW and long before. */
export const BOARD_SINCE = '2000-01-01';

/** Makes the user's organisation a member of the Board (since BOARD_SINCE), the user its principal voter or an alternate. */
export async function joinBoard(db: Db, user: { id: number; organisation_id: number | null }): Promise<void> {
  const orgId = user.organisation_id!;
  await db('organisations').where({ id: orgId }).update({ confirmed: true });
  const m = await db('board_memberships').where({ organisation_id: orgId, status: 'member' }).whereNull('until_date').first('id', 'principal_user_id');
  if (!m) {
    await db('board_memberships').insert({ organisation_id: orgId, status: 'member', from_date: BOARD_SINCE, until_date: null, principal_user_id: user.id, created_at: TEST_NOW });
  } else if (m.principal_user_id == null) {
    await db('board_memberships').where({ id: m.id }).update({ principal_user_id: user.id });
  } else {
    await db('board_alternates').insert({ membership_id: m.id, user_id: user.id });
  }
}

/** Makes the user's organisation the Board's chair (since BOARD_SINCE), the user its representative. */
export async function makeChair(db: Db, user: { id: number; organisation_id: number | null }): Promise<void> {
  await db('organisations').where({ id: user.organisation_id! }).update({ confirmed: true });
  await db('board_chairs').insert({ organisation_id: user.organisation_id, representative_user_id: user.id, from_date: BOARD_SINCE, until_date: null, created_at: TEST_NOW });
}

/** The CSRF token in a page's forms. */
export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token in the page');
  return m[1]!;
}

/** Signs `user` in on `agent` (which keeps the cookie); returns the CSRF token to send with forms (`_csrf`) or as `x-csrf-token`. */
export async function signIn(agent: Agent, user: { email: string; password: string }): Promise<string> {
  const form = await agent.get('/login').expect(200);
  const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(form.text), email: user.email, password: user.password });
  if (res.status !== 303) throw new Error(`sign-in of ${user.email} failed with ${res.status}`);
  if (res.headers.location === '/login/code') {
    // The second step of two-factor sign-in, with the code the user's app shows now.
    const page = await agent.get('/login/code').expect(200);
    const second = await agent.post('/login/code').type('form').send({ _csrf: csrfFrom(page.text), code: await currentCode(user.email) });
    if (second.status !== 303) throw new Error(`second step of the sign-in of ${user.email} failed with ${second.status}`);
  }
  const account = await agent.get('/account').expect(200);
  return csrfFrom(account.text);
}

/** A new user of `role` (or the given user) signed in on a fresh agent. */
export async function agentFor(t: TestAppLike, who: Role | TestUser, opts: Parameters<typeof createUser>[1] = {}): Promise<{ agent: Agent; user: TestUser; csrf: string }> {
  const user = typeof who === 'string' ? await createUser(t.db, { ...opts, role: who }) : who;
  const agent = request.agent(t.app);
  const csrf = await signIn(agent, user);
  return { agent, user, csrf };
}

/** An API token for a new user of `role` (or the given user): send it as `Authorization: Bearer <token>`. */
export async function bearerFor(t: TestAppLike, who: Role | TestUser, opts: Parameters<typeof createUser>[1] = {}): Promise<{ token: string; user: TestUser; auth: [string, string] }> {
  const user = typeof who === 'string' ? await createUser(t.db, { ...opts, role: who }) : who;
  const { token } = await createApiToken({ db: t.db, clock: new FakeClock(TEST_NOW) }, user, 'test');
  return { token, user, auth: ['Authorization', `Bearer ${token}`] };
}
