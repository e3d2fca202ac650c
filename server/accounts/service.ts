import { t } from '../i18n/index.ts';
import type { Knex } from 'knex';
import type { AccountsCtx } from '../deps.ts';
import type { Role, Viewer } from '../auth/viewer.ts';
import { AppError, Conflict, Forbidden, NotFound, Validation } from '../errors.ts';
import { appendAudit } from '../audit/service.ts';
import { can, roleCan, rolesThatCan } from '../auth/permissions.ts';
import { dummyHash, hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import { endSessionsOf } from './sessions.ts';
import { revokeAllTokensOf } from './tokens.ts';
import * as repo from './repo.ts';
import type { UserRow } from './repo.ts';
import { resolveOrganisation, voterJoins, voterLeaves, type OrganisationChoice } from '../organisations/service.ts';
import { nameKey } from '../organisations/names.ts';

export const messages = {
  wrongCredentials: 'The e-mail address or password is not right.',
  emailTaken: 'There is already an account with this e-mail address.',
  linkInvalid: 'This link is not valid. Ask for a new one.',
  linkUsed: 'This link has already been used. Ask for a new one if you need it.',
  linkExpired: 'This link has expired. Ask for a new one.',
  wrongCurrent: 'Your current password is not right.',
  lastSecretariat: 'This is the last active secretariat account: create another one first.',
  notYourAccount: 'You can change only your own account.',
  boardOrganisation: 'On the Review Board your organisation is the member you vote for: ask the secretariat to change it.',
  noSuchUser: 'There is no such user.',
  accountClosed: 'This account is closed: it can no longer be changed.',
} as const;

const HOUR = 3_600_000;
export const VERIFY_TTL = 48 * HOUR;
export const RESET_TTL = 1 * HOUR;
// Accounts the secretariat creates without a password: the link to choose one lasts a week.
export const WELCOME_TTL = 7 * 24 * HOUR;

/** What account services need: no Express, no globals. */
export type Ctx = AccountsCtx;

const hashOf = (ctx: Ctx, password: string): Promise<string> => (ctx.hashPassword ? ctx.hashPassword(password) : hashPassword(password, ctx.config.argon2));

// Mails go out in the language the account chose (issue 19), English when it chose none.
const mailLanguage = (user: { language?: string | null }): string => user.language ?? 'en';

// `next`: the local page the user came from, carried through the link (validated again where it is read).
const link = (ctx: Ctx, path: string, token: string, next?: string | null) =>
  `${ctx.config.publicUrl.replace(/\/$/, '')}${path}?token=${encodeURIComponent(token)}${next ? `&next=${encodeURIComponent(next)}` : ''}`;

async function sendVerification(ctx: Ctx, user: UserRow): Promise<void> {
  const now = ctx.clock.now();
  await repo.expireEmailTokens(ctx.db, user.id, 'verify', now);
  await mailVerification(ctx, user, await repo.insertEmailToken(ctx.db, user.id, 'verify', now, VERIFY_TTL));
}

async function mailVerification(ctx: Ctx, user: UserRow, token: string, next?: string | null, lang = mailLanguage(user)): Promise<void> {
  await ctx.mailer.send({
    to: user.email,
    subject: t(lang, 'accountmail:verify.subject'),
    text: t(lang, 'accountmail:verify.text', { name: user.name, link: link(ctx, '/verify-email', token, next) }),
  });
}

async function sendReset(ctx: Ctx, user: UserRow, welcome = false): Promise<void> {
  const now = ctx.clock.now();
  await repo.expireEmailTokens(ctx.db, user.id, 'reset', now);
  const token = await repo.insertEmailToken(ctx.db, user.id, 'reset', now, welcome ? WELCOME_TTL : RESET_TTL);
  const url = link(ctx, '/reset-password', token);
  await ctx.mailer.send(
    welcome
      ? { to: user.email, subject: t(mailLanguage(user), 'accountmail:welcome.subject'), text: t(mailLanguage(user), 'accountmail:welcome.text', { name: user.name, role: t(mailLanguage(user), `auth:role.${user.role}`), link: url }) }
      : { to: user.email, subject: t(mailLanguage(user), 'accountmail:reset.subject'), text: t(mailLanguage(user), 'accountmail:reset.text', { name: user.name, link: url }) },
  );
}

/**
 * A stakeholder registers. The answer is the same whether or not the address already has an account
 * (the owner of an existing account gets a mail saying so), so registration does not reveal who has one.
 */
// `lang`: the page's language at registration: the first mail is in it (the account has chosen none yet).
export async function register(ctx: Ctx, input: { name: string; email: string; password: string } & OrganisationChoice, next: string | null = null, lang = 'en'): Promise<UserRow | null> {
  const existing = await repo.findUserByEmail(ctx.db, input.email);
  // Hashed on both paths: skipping the slow hash for a known address would tell, by the time taken, that it has an account.
  const password_hash = await hashOf(ctx, input.password);
  const already = async (existing: UserRow) => {
    // One write and one mail, as on the other path (one transaction, one mail): the same work, the same time.
    await appendAudit(ctx.db, ctx.clock, { actor_id: null, action: 'account.register_existing', subject_type: 'user', subject_id: existing.id }, ctx.logger);
    await ctx.mailer.send({
      to: existing.email,
      subject: t(mailLanguage(existing), 'accountmail:already.subject'),
      text: t(mailLanguage(existing), 'accountmail:already.text', { name: existing.name, link: `${ctx.config.publicUrl.replace(/\/$/, '')}/forgot-password` }),
    });
    return null;
  };
  if (existing) return already(existing);
  // Two registrations of one address at once both pass the check above; the second is refused by the
  // unique index and answers as for an existing account.
  const created = await ctx.db.transaction(async (trx) => {
    // A record chosen from the list, or a name: "other" is a new unconfirmed record, never a Board member.
    const org = await resolveOrganisation(trx, ctx.clock, input, { actorId: null, via: 'registration' });
    const u = await repo.insertUser(trx, {
      email: input.email,
      name: input.name,
      organisation: org.name,
      organisation_id: org.id,
      role: 'stakeholder',
      password_hash,
      email_verified_at: null,
      disabled_at: null,
      created_at: ctx.clock.now().toISOString(),
    });
    await appendAudit(trx, ctx.clock, { actor_id: u.id, action: 'account.registered', subject_type: 'user', subject_id: u.id, data: { role: u.role } }, ctx.logger);
    // The link's token in the same transaction: one commit, as on the other path.
    return { user: u, token: await repo.insertEmailToken(trx, u.id, 'verify', ctx.clock.now(), VERIFY_TTL) };
  }).catch((err: unknown) => {
    if (err instanceof repo.EmailTaken) return null;
    throw err;
  });
  if (!created) return already((await repo.findUserByEmail(ctx.db, input.email))!);
  const { user, token } = created;
  await mailVerification(ctx, user, token, next, lang);
  return user;
}

export async function resendVerification(ctx: Ctx, viewer: Viewer): Promise<void> {
  const user = await repo.findUserById(ctx.db, viewer.id);
  if (user && !user.email_verified_at) await sendVerification(ctx, user);
}

/** Checks a link before showing its form: the row, or the message to show instead. */
export async function checkLink(ctx: Ctx, purpose: repo.EmailTokenPurpose, token: string): Promise<{ ok: true; row: repo.EmailTokenRow } | { ok: false; message: string }> {
  const row = token ? await repo.findEmailToken(ctx.db, purpose, token) : undefined;
  if (!row) return { ok: false, message: messages.linkInvalid };
  if (row.used_at) return { ok: false, message: messages.linkUsed };
  if (new Date(row.expires_at).getTime() <= ctx.clock.now().getTime()) return { ok: false, message: messages.linkExpired };
  return { ok: true, row };
}

async function consumeLink(ctx: Ctx, trx: Knex.Transaction, purpose: repo.EmailTokenPurpose, token: string): Promise<repo.EmailTokenRow> {
  const c = await checkLink({ ...ctx, db: trx }, purpose, token);
  if (!c.ok) throw new Validation(c.message, { token: c.message });
  if (!(await repo.useEmailToken(trx, c.row.id, ctx.clock.now()))) throw new Validation(messages.linkUsed, { token: messages.linkUsed });
  return c.row;
}

export async function verifyEmail(ctx: Ctx, token: string): Promise<UserRow> {
  return ctx.db.transaction(async (trx) => {
    const row = await consumeLink(ctx, trx, 'verify', token);
    const now = ctx.clock.now().toISOString();
    await repo.updateUserRow(trx, row.user_id, { email_verified_at: now, updated_at: now });
    await appendAudit(trx, ctx.clock, { actor_id: row.user_id, action: 'account.email_verified', subject_type: 'user', subject_id: row.user_id }, ctx.logger);
    return (await repo.findUserById(trx, row.user_id))!;
  });
}

/** Always answers the same way; mails a link only to an active account. */
export async function requestPasswordReset(ctx: Ctx, email: string): Promise<void> {
  const user = await repo.findUserByEmail(ctx.db, email);
  if (!user || user.disabled_at) return;
  await sendReset(ctx, user);
  await appendAudit(ctx.db, ctx.clock, { actor_id: null, action: 'account.reset_requested', subject_type: 'user', subject_id: user.id }, ctx.logger);
}

/** Sets a new password from a reset link; ends every session and API token of the user. The link also proves the address. */
export async function resetPassword(ctx: Ctx, token: string, password: string): Promise<UserRow> {
  const problem = passwordProblem(password);
  if (problem) throw new Validation(problem, { password: problem });
  const password_hash = await hashOf(ctx, password);
  return ctx.db.transaction(async (trx) => {
    const row = await consumeLink(ctx, trx, 'reset', token);
    const user = (await repo.findUserById(trx, row.user_id))!;
    if (user.disabled_at) throw new Validation(messages.linkInvalid, { token: messages.linkInvalid });
    const now = ctx.clock.now().toISOString();
    await repo.updateUserRow(trx, user.id, { password_hash, email_verified_at: user.email_verified_at ?? now, updated_at: now });
    await endSessionsOf(trx, user.id);
    // A stolen token must not outlive the password it was made with.
    const tokensRevoked = await revokeAllTokensOf(trx, user.id, ctx.clock.now());
    await appendAudit(trx, ctx.clock, { actor_id: user.id, action: 'account.password_reset', subject_type: 'user', subject_id: user.id, data: { api_access_revoked: tokensRevoked } }, ctx.logger);
    return (await repo.findUserById(trx, user.id))!;
  });
}

export type SignInResult = { ok: true; user: UserRow } | { ok: false; userId: number | null };

/**
 * Checks an e-mail address and password. An unknown address is checked against a dummy hash made with
 * the same costs, so it takes as long as a wrong password. Success and failure both go to the audit.
 */
export async function authenticate(ctx: Ctx, input: { email: string; password: string; ip?: string; via: 'form' | 'api' }): Promise<SignInResult> {
  const user = await repo.findUserByEmail(ctx.db, input.email);
  const ok = await verifyPassword(user?.password_hash ?? (await dummyHash(ctx.config.argon2)), input.password);
  if (!user || !ok || user.disabled_at) {
    await appendAudit(ctx.db, ctx.clock, {
      actor_id: null,
      action: 'signin.failed',
      subject_type: user ? 'user' : null,
      subject_id: user?.id ?? null,
      // No address: the audit keeps ids, not names or e-mail addresses (privacy page); an unknown one has no id.
      data: { ip: input.ip, via: input.via, reason: !user ? 'unknown_email' : !ok ? 'wrong_password' : 'disabled' },
    }, ctx.logger);
    return { ok: false, userId: user?.id ?? null };
  }
  await appendAudit(ctx.db, ctx.clock, { actor_id: user.id, action: 'signin.succeeded', subject_type: 'user', subject_id: user.id, data: { ip: input.ip, via: input.via } }, ctx.logger);
  return { ok: true, user };
}

export async function signedOut(ctx: Ctx, viewer: Viewer, ip?: string): Promise<void> {
  await appendAudit(ctx.db, ctx.clock, { actor_id: viewer.id, action: 'signout', subject_type: 'user', subject_id: viewer.id, data: { ip } }, ctx.logger);
}

/** The secretariat creates an account of any role; it is verified. Without a password, a link to choose one is mailed. */
export async function createUser(ctx: Ctx, actor: Viewer | null, input: { name: string; email: string; role: Role; password?: string } & OrganisationChoice): Promise<UserRow> {
  if (await repo.findUserByEmail(ctx.db, input.email)) throw new Conflict(messages.emailTaken);
  const password_hash = await hashOf(ctx, input.password ?? repo.newSecret());
  const now = ctx.clock.now().toISOString();
  const user = await ctx.db.transaction(async (trx) => {
    const org = await resolveOrganisation(trx, ctx.clock, input, { actorId: actor?.id ?? null, anyRecord: true, via: 'account' });
    const u = await repo.insertUser(trx, { email: input.email, name: input.name, organisation: org.name, organisation_id: org.id, role: input.role, password_hash, email_verified_at: now, disabled_at: null, created_at: now });
    await appendAudit(trx, ctx.clock, { actor_id: actor?.id ?? null, action: 'account.created', subject_type: 'user', subject_id: u.id, data: { role: u.role, organisation: u.organisation, organisation_id: org.id } }, ctx.logger);
    // The /api/v1 promise: a board account votes for its organisation, which joins the Board.
    if (roleCan(u.role, 'ballots.vote')) await voterJoins(trx, ctx.clock, actor?.id ?? null, u.id, org.id);
    return u;
  }).catch((err: unknown) => {
    // the same address created twice at once: the second insert meets the first's row
    throw err instanceof repo.EmailTaken ? new Conflict(messages.emailTaken) : err;
  });
  if (!input.password) await sendReset(ctx, user, true);
  return user;
}

/** What the audit keeps of a changed field: a name only as 'changed' (the audit keeps ids, not names). */
/** Whether a patch names an organisation at all. */
const chooses = (p: OrganisationChoice): boolean => p.organisation_id !== undefined || p.organisation !== undefined || p.organisation_other !== undefined;

const auditChange = (field: string, from: unknown, to: unknown) => (field === 'name' ? 'changed' : { from, to });

/** The secretariat changes name, organisation, role, or disables / re-enables an account. */
export async function adminUpdate(ctx: Ctx, actor: Viewer, id: number, patch: { name?: string; role?: Role; disabled?: boolean } & OrganisationChoice): Promise<UserRow> {
  return ctx.db.transaction(async (trx) => {
    const user = await repo.findUserById(trx, id);
    if (!user) throw new NotFound(messages.noSuchUser);
    // A closed account's person is erased (privacy/service.ts): re-enabling it would bring back a voter.
    if ((user as { closed_at?: string | null }).closed_at) throw new Conflict(messages.accountClosed);
    const now = ctx.clock.now();
    const changes: Partial<UserRow> = {};
    if (patch.name !== undefined && patch.name !== user.name) changes.name = patch.name;
    if (chooses(patch)) {
      const org = await resolveOrganisation(trx, ctx.clock, patch, { actorId: actor.id, anyRecord: true, via: 'account' });
      if (org.id !== user.organisation_id) Object.assign(changes, { organisation: org.name, organisation_id: org.id });
    }
    if (patch.role !== undefined && patch.role !== user.role) changes.role = patch.role;
    const disabling = patch.disabled === true && !user.disabled_at;
    const enabling = patch.disabled === false && Boolean(user.disabled_at);
    // Someone must be left to manage accounts.
    const manager = roleCan(user.role, 'accounts.manage');
    if (manager && !user.disabled_at && (disabling || (changes.role && !roleCan(changes.role, 'accounts.manage'))) && (await repo.countSecretariat(trx)) <= 1) {
      throw new Conflict(messages.lastSecretariat);
    }
    if (disabling) changes.disabled_at = now.toISOString();
    if (enabling) changes.disabled_at = null;
    if (!Object.keys(changes).length) return user;
    await repo.updateUserRow(trx, id, { ...changes, updated_at: now.toISOString() });
    // A voter who moves to another organisation no longer votes for the old one.
    if ('organisation_id' in changes) await voterLeaves(trx, id, changes.organisation_id!);
    if (disabling) {
      // Disabling ends every session and token at once.
      await endSessionsOf(trx, id);
      await revokeAllTokensOf(trx, id, now);
    }
    const action = disabling ? 'account.disabled' : enabling ? 'account.enabled' : 'account.changed';
    const data: Record<string, unknown> = {};
    for (const k of ['name', 'organisation', 'role'] as const) if (k in changes) data[k] = auditChange(k, user[k], changes[k]);
    await appendAudit(trx, ctx.clock, { actor_id: actor.id, action, subject_type: 'user', subject_id: id, data }, ctx.logger);
    // Made a board account (or a board account moved): its organisation joins the Board, as on creation.
    const role = changes.role ?? user.role;
    const orgId = changes.organisation_id ?? user.organisation_id;
    const becomesVoter = 'role' in changes && !roleCan(user.role, 'ballots.vote');
    if (roleCan(role, 'ballots.vote') && (becomesVoter || 'organisation_id' in changes) && orgId != null && !('disabled_at' in changes ? changes.disabled_at : user.disabled_at)) {
      await voterJoins(trx, ctx.clock, actor.id, id, orgId);
    }
    return (await repo.findUserById(trx, id))!;
  });
}

export async function updateProfile(ctx: Ctx, viewer: Viewer, patch: { name?: string; language?: string | null } & OrganisationChoice): Promise<UserRow> {
  return ctx.db.transaction(async (trx) => {
    const user = (await repo.findUserById(trx, viewer.id))!;
    const changes: Partial<UserRow> = {};
    if (patch.name !== undefined && patch.name !== user.name) changes.name = patch.name;
    if (patch.language !== undefined && patch.language !== (user.language ?? null)) changes.language = patch.language;
    if (patch.language !== undefined && patch.language !== (user.language ?? null)) changes.language = patch.language;
    if (chooses(patch)) {
      // Only a changed choice resolves (and may create an unconfirmed record); the same one is no change.
      const same = typeof patch.organisation_id === 'number' ? patch.organisation_id === user.organisation_id : patch.organisation_id !== 'other' && patch.organisation !== undefined && nameKey(patch.organisation) === nameKey(user.organisation);
      if (!same) {
        const org = await resolveOrganisation(trx, ctx.clock, patch, { actorId: user.id, via: 'account' });
        if (org.id !== user.organisation_id) Object.assign(changes, { organisation: org.name, organisation_id: org.id });
      }
    }
    // A board account votes for its organisation (ballots/service.ts castVote): changing it would let a
    // member cast, or overwrite, another member organisation's vote. Only the secretariat may (adminUpdate).
    if ('organisation' in changes && roleCan(user.role, 'ballots.vote')) throw new AppError(403, 'forbidden', messages.boardOrganisation, { organisation: messages.boardOrganisation });
    if (!Object.keys(changes).length) return user;
    await repo.updateUserRow(trx, user.id, { ...changes, updated_at: ctx.clock.now().toISOString() });
    const data: Record<string, unknown> = {};
    for (const k of ['name', 'organisation'] as const) if (k in changes) data[k] = auditChange(k, user[k], changes[k]);
    if ('language' in changes) data.language = { from: user.language ?? null, to: changes.language };
    await appendAudit(trx, ctx.clock, { actor_id: user.id, action: 'account.changed', subject_type: 'user', subject_id: user.id, data }, ctx.logger);
    return (await repo.findUserById(trx, user.id))!;
  });
}

/**
 * Needs the current password; ends the user's other sessions (not `keepSid`, the one asking) and revokes
 * all their API tokens (the one making an API call too: a token is not a session to keep), then mails
 * the owner, so that a change they did not make does not go unnoticed.
 */
export async function changePassword(ctx: Ctx, viewer: Viewer, input: { current: string; next: string }, keepSid?: string): Promise<{ tokensRevoked: number }> {
  const user = await repo.findUserById(ctx.db, viewer.id);
  if (!user || !(await verifyPassword(user.password_hash, input.current))) throw new Validation(messages.wrongCurrent, { current_password: messages.wrongCurrent });
  const problem = passwordProblem(input.next);
  if (problem) throw new Validation(problem, { new_password: problem });
  const password_hash = await hashOf(ctx, input.next);
  const tokensRevoked = await ctx.db.transaction(async (trx) => {
    const now = ctx.clock.now();
    await repo.updateUserRow(trx, user.id, { password_hash, updated_at: now.toISOString() });
    await endSessionsOf(trx, user.id, keepSid);
    const n = await revokeAllTokensOf(trx, user.id, now);
    await appendAudit(trx, ctx.clock, { actor_id: user.id, action: 'account.password_changed', subject_type: 'user', subject_id: user.id, data: { api_access_revoked: n } }, ctx.logger);
    return n;
  });
  const base = ctx.config.publicUrl.replace(/\/$/, '');
  await ctx.mailer.send({
    to: user.email,
    subject: t(mailLanguage(user), 'accountmail:passwordChanged.subject'),
    text: t(mailLanguage(user), tokensRevoked ? 'accountmail:passwordChanged.textCounted' : 'accountmail:passwordChanged.text', { name: user.name, n: tokensRevoked, account: `${base}/account`, forgot: `${base}/forgot-password` }),
  });
  return { tokensRevoked };
}

/** PATCH /users/{id}: the secretariat changes anyone; a user changes only their own name, organisation, password. */
export function assertSelfOrSecretariat(viewer: Viewer, id: number): void {
  if (!can(viewer, 'accounts.manage') && viewer.id !== id) throw new Forbidden(messages.notYourAccount);
}

/** At start: the first secretariat account from ADMIN_EMAIL / ADMIN_PASSWORD when there is none. */
export async function ensureFirstSecretariat(ctx: Ctx, email: string | undefined, password: string | undefined): Promise<UserRow | null> {
  if (!email || !password) return null;
  const any = await ctx.db('users').whereIn('role', rolesThatCan('accounts.manage')).first();
  if (any) return null;
  const problem = passwordProblem(password);
  if (problem) throw new Error(`ADMIN_PASSWORD: ${problem}`);
  return createUser(ctx, null, { name: 'Administrator', email: email.toLowerCase(), organisation: 'IMAS Secretariat', role: 'secretariat', password });
}
