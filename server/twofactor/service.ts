import type { Knex } from 'knex';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { Conflict, Validation } from '../errors.ts';
import { appendAudit } from '../audit/service.ts';
import { verifyPassword } from '../accounts/passwords.ts';
import { findUserById } from '../accounts/repo.ts';
import * as repo from './repo.ts';
import {
  checkTotp, decryptSecret, encryptSecret, groupedSecret, hashRecoveryCode, looksLikeRecoveryCode, looksLikeTotp, newRecoveryCodes,
  newTotpSecret, otpauthUri, qrDataUri, secretKey,
} from './totp.ts';

export const messages = {
  codeNeeded: 'This account uses two-factor sign-in: send the current code from your authenticator app, or one of your recovery codes, in the field "code".',
  wrongCode: 'The code is not right. Check that the time on your device is correct, or use one of your recovery codes.',
  enterCode: 'Enter the 6-digit code from your authenticator app, or a recovery code.',
  enrolFirst: 'Two-factor sign-in is required for secretariat accounts: enrol in two-factor sign-in first, on your account page (/account/two-factor).',
  alreadyOn: 'Two-factor sign-in is already on for your account.',
  notOn: 'Two-factor sign-in is not on for your account.',
  notOnForThem: 'Two-factor sign-in is not on for this account.',
  codeOrPassword: 'Enter a current code, a recovery code or your password to turn two-factor sign-in off.',
  wrongPassword: 'Your password is not right.',
  pendingEnded: 'The sign-in took too long. Please sign in again.',
  changedMeanwhile: 'Two-factor sign-in changed while this page was opening: please reload it.',
} as const;

/** A wrong guess at an existing factor (a code or the password): the routes count it toward the lockout. */
export class WrongFactor extends Validation {}
const plausible = (code: string): boolean => looksLikeTotp(code) || looksLikeRecoveryCode(code);

/** What the two-factor services need: no Express. */
export interface TwoFactorCtx {
  db: Knex;
  clock: Clock;
  config: Pick<Config, 'sessionSecret'>;
  logger?: Logger;
}
interface Who {
  id: number;
  email: string;
}
type Meta = { ip?: string; via: 'form' | 'api' | 'account' };

const keyOf = (ctx: TwoFactorCtx) => secretKey(ctx.config.sessionSecret);

export async function status(ctx: TwoFactorCtx, userId: number): Promise<{ enabled: boolean; recoveryLeft: number }> {
  const row = await repo.findTotp(ctx.db, userId);
  const enabled = Boolean(row?.confirmed_at);
  return { enabled, recoveryLeft: enabled ? await repo.recoveryCodesLeft(ctx.db, userId) : 0 };
}

export const isEnrolled = (ctx: Pick<TwoFactorCtx, 'db'>, userId: number): Promise<boolean> => repo.hasTwoFactor(ctx.db, userId);

/**
 * The secret being enrolled, to show as a QR code and as text: kept (encrypted) until a code confirms
 * it, so that reloading the page does not change what the app has already scanned.
 */
export async function pendingEnrolment(ctx: TwoFactorCtx, user: Who): Promise<{ secret: string; grouped: string; uri: string; qr: string }> {
  const row = await repo.findTotp(ctx.db, user.id);
  if (row?.confirmed_at) throw new Conflict(messages.alreadyOn);
  let secret = row ? decryptSecret(row.secret_encrypted, keyOf(ctx), user.id) : null;
  if (!secret) {
    await repo.savePending(ctx.db, user.id, encryptSecret(await newTotpSecret(), keyOf(ctx), user.id), ctx.clock.now(), row?.secret_encrypted);
    // Another request may have stored its secret first: the one stored is the one to show.
    const stored = await repo.findTotp(ctx.db, user.id);
    if (stored?.confirmed_at) throw new Conflict(messages.alreadyOn);
    secret = stored ? decryptSecret(stored.secret_encrypted, keyOf(ctx), user.id) : null;
    if (!secret) throw new Conflict(messages.changedMeanwhile);
  }
  const uri = await otpauthUri(secret, user.email);
  return { secret, grouped: groupedSecret(secret), uri, qr: await qrDataUri(uri) };
}

/** A first good code turns it on; the recovery codes are returned to be shown once. */
export async function confirmEnrolment(ctx: TwoFactorCtx, user: Who, code: string): Promise<string[]> {
  const row = await repo.findTotp(ctx.db, user.id);
  if (row?.confirmed_at) throw new Conflict(messages.alreadyOn);
  const secret = row ? decryptSecret(row.secret_encrypted, keyOf(ctx), user.id) : null;
  const now = ctx.clock.now();
  const checked = secret && looksLikeTotp(code) ? await checkTotp(secret, code, now) : { ok: false as const };
  if (!checked.ok) throw new Validation(messages.wrongCode, { code: looksLikeTotp(code) ? messages.wrongCode : messages.enterCode });
  const codes = newRecoveryCodes();
  await ctx.db.transaction(async (trx) => {
    if (!(await repo.confirm(trx, user.id, checked.step, now))) throw new Conflict(messages.alreadyOn);
    await repo.replaceRecoveryCodes(trx, user.id, codes.map(hashRecoveryCode), now);
    await appendAudit(trx, ctx.clock, { actor_id: user.id, action: 'twofactor.enrolled', subject_type: 'user', subject_id: user.id, data: { recovery_codes: codes.length } }, ctx.logger);
  });
  return codes;
}

export type SecondFactorResult = { ok: true; method: 'totp' | 'recovery'; recoveryLeft?: number } | { ok: false };

/**
 * Checks a second factor: a TOTP code (once only) or an unused recovery code (then used up, and
 * audited). A failure is audited too; the caller counts it for the lockout.
 */
export async function checkSecondFactor(ctx: TwoFactorCtx, userId: number, input: string, meta: Meta): Promise<SecondFactorResult> {
  const row = await repo.findTotp(ctx.db, userId);
  const now = ctx.clock.now();
  let result: SecondFactorResult = { ok: false };
  if (row?.confirmed_at) {
    if (looksLikeTotp(input)) {
      const secret = decryptSecret(row.secret_encrypted, keyOf(ctx), userId);
      const checked = secret ? await checkTotp(secret, input, now, row.last_step) : { ok: false as const };
      if (checked.ok && (await repo.useStep(ctx.db, userId, checked.step))) {
        result = { ok: true, method: 'totp' };
        await appendAudit(ctx.db, ctx.clock, { actor_id: userId, action: 'twofactor.verified', subject_type: 'user', subject_id: userId, data: { ip: meta.ip, via: meta.via } }, ctx.logger);
      }
    } else if (looksLikeRecoveryCode(input)) {
      result = await ctx.db.transaction(async (trx): Promise<SecondFactorResult> => {
        if (!(await repo.useRecoveryCode(trx, userId, hashRecoveryCode(input), now))) return { ok: false };
        const left = await repo.recoveryCodesLeft(trx, userId);
        await appendAudit(trx, ctx.clock, { actor_id: userId, action: 'twofactor.recovery_code_used', subject_type: 'user', subject_id: userId, data: { remaining: left, ip: meta.ip, via: meta.via } }, ctx.logger);
        return { ok: true, method: 'recovery', recoveryLeft: left };
      });
    }
  }
  if (!result.ok) {
    await appendAudit(ctx.db, ctx.clock, { actor_id: null, action: 'twofactor.failed', subject_type: 'user', subject_id: userId, data: { ip: meta.ip, via: meta.via } }, ctx.logger);
  }
  return result;
}

/** Turns it off with a current code, a recovery code, or the password. */
export async function disable(ctx: TwoFactorCtx, user: Who, input: { code?: string; password?: string }, meta: Meta): Promise<void> {
  if (!(await isEnrolled(ctx, user.id))) throw new Conflict(messages.notOn);
  const code = input.code?.trim();
  if (code) {
    if (!(await checkSecondFactor(ctx, user.id, code, meta)).ok) throw new (plausible(code) ? WrongFactor : Validation)(messages.wrongCode, { code: messages.wrongCode });
  } else if (input.password) {
    const row = await findUserById(ctx.db, user.id);
    if (!row || !(await verifyPassword(row.password_hash, input.password))) throw new WrongFactor(messages.wrongPassword, { password: messages.wrongPassword });
  } else {
    throw new Validation(messages.codeOrPassword, { code: messages.codeOrPassword });
  }
  await ctx.db.transaction(async (trx) => {
    await repo.removeTwoFactor(trx, user.id);
    await appendAudit(trx, ctx.clock, { actor_id: user.id, action: 'twofactor.disabled', subject_type: 'user', subject_id: user.id, data: { with: code ? 'code' : 'password' } }, ctx.logger);
  });
}

/** New recovery codes (the old ones stop working), with a current code. */
export async function renewRecoveryCodes(ctx: TwoFactorCtx, user: Who, code: string, meta: Meta): Promise<string[]> {
  if (!(await isEnrolled(ctx, user.id))) throw new Conflict(messages.notOn);
  const given = code.trim();
  if (!given) throw new Validation(messages.enterCode, { code: messages.enterCode });
  if (!(await checkSecondFactor(ctx, user.id, given, meta)).ok) throw new (plausible(given) ? WrongFactor : Validation)(messages.wrongCode, { code: messages.wrongCode });
  const codes = newRecoveryCodes();
  const now = ctx.clock.now();
  await ctx.db.transaction(async (trx) => {
    await repo.replaceRecoveryCodes(trx, user.id, codes.map(hashRecoveryCode), now);
    await appendAudit(trx, ctx.clock, { actor_id: user.id, action: 'twofactor.recovery_codes_renewed', subject_type: 'user', subject_id: user.id, data: { recovery_codes: codes.length } }, ctx.logger);
  });
  return codes;
}

/**
 * The secretariat (or the shell: npm run user:two-factor-off) turns it off for someone who lost both
 * their device and their recovery codes, after checking who they are. A secretariat account so reset
 * enrols again at its next sign-in.
 */
export async function resetFor(ctx: TwoFactorCtx, actorId: number | null, userId: number): Promise<void> {
  await ctx.db.transaction(async (trx) => {
    if (!(await repo.findTotp(trx, userId))) throw new Conflict(messages.notOnForThem);
    await repo.removeTwoFactor(trx, userId);
    await appendAudit(trx, ctx.clock, { actor_id: actorId, action: 'twofactor.disabled', subject_type: 'user', subject_id: userId, data: { with: actorId ? 'secretariat' : 'shell' } }, ctx.logger);
  });
}
