import crypto from 'node:crypto';
import type { Role } from '../auth/viewer.ts';
import { roleCan } from '../auth/permissions.ts';

/**
 * Two-factor sign-in (ASVS 2.8): TOTP (RFC 6238, what authenticator apps speak) through otplib, and
 * single-use recovery codes. Pure apart from randomness: time comes in as a Date, keys as arguments.
 * otplib and qrcode are loaded on first use, not at start: only a privileged account's sign-in or
 * enrolment needs them (issue 17, memory of an idle instance).
 */
const otp = () => import('otplib');

export const PERIOD_SEC = 30;
// 30 seconds either side of a code's period: a device a little off, or a code typed as it turned over, still works.
const TOLERANCE_SEC = PERIOD_SEC;
export const RECOVERY_CODE_COUNT = 10;
export const ISSUER = 'IMAS Review';

/** Roles that must have two-factor sign-in (ASVS L2 for privileged accounts). */
export const requiresTwoFactor = (role: Role): boolean => roleCan(role, 'twofactor.required');

/** A new base32 secret of 160 bits (RFC 4226's recommended length). */
export const newTotpSecret = async (): Promise<string> => (await otp()).generateSecret({ length: 20 });

/** The otpauth:// address an authenticator app reads from the QR code. */
export const otpauthUri = async (secret: string, account: string): Promise<string> => (await otp()).generateURI({ issuer: ISSUER, label: account, secret, period: PERIOD_SEC });

const epochOf = (at: Date): number => Math.floor(at.getTime() / 1000);

/** The code an app shows at `at` (tests and the enrolment help use it). */
export const totpCodeAt = async (secret: string, at: Date): Promise<string> => (await otp()).generate({ secret, epoch: epochOf(at), period: PERIOD_SEC });

/** The time step (RFC 6238 T) of an instant. */
export const stepAt = (at: Date): number => Math.floor(epochOf(at) / PERIOD_SEC);

/** Six digits, spaces allowed (apps show "123 456"). */
export const looksLikeTotp = (input: string): boolean => /^\d{6}$/.test(input.replace(/\s+/g, ''));

/**
 * Checks a code at `at`. `afterStep` is the step of the last code accepted for this secret: a code is
 * good once only (ASVS 2.8.4), so a code seen over a shoulder or in a log cannot be replayed.
 */
export async function checkTotp(secret: string, input: string, at: Date, afterStep?: number | null): Promise<{ ok: true; step: number } | { ok: false }> {
  const token = input.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return { ok: false };
  const r = await (await otp()).verify({ secret, token, epoch: epochOf(at), period: PERIOD_SEC, epochTolerance: TOLERANCE_SEC, afterTimeStep: afterStep ?? undefined });
  return r.valid && 'timeStep' in r ? { ok: true, step: r.timeStep } : { ok: false };
}

// Recovery codes: 80 random bits in the base32 alphabet, shown as four groups of four. Long enough that
// a plain sha256 is safe to store (like the API tokens): no slow hash is needed for a random secret.
const B32 = 'abcdefghijklmnopqrstuvwxyz234567';

export function newRecoveryCodes(n = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: n }, () => {
    const bytes = crypto.randomBytes(16);
    const chars = [...bytes].map((b) => B32[b & 31]).join('');
    return chars.match(/.{4}/g)!.join('-');
  });
}

/** What the user typed, as it was hashed: case, spaces and dashes do not matter. */
export const normaliseRecoveryCode = (input: string): string => input.toLowerCase().replace(/[\s-]+/g, '');
export const looksLikeRecoveryCode = (input: string): boolean => /^[a-z2-7]{16}$/.test(normaliseRecoveryCode(input));
export const hashRecoveryCode = (input: string): string => crypto.createHash('sha256').update(normaliseRecoveryCode(input)).digest('hex');

// The TOTP secret must be readable to check codes, so it cannot be hashed: it is encrypted (AES-256-GCM)
// with a key derived from SESSION_SECRET, and bound to its user so that a row copied to another user fails.
export function secretKey(sessionSecret: string): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', sessionSecret, 'imas-review', 'totp-secret-v1', 32));
}

export function encryptSecret(secret: string, key: Buffer, userId: number): string {
  const iv = crypto.randomBytes(12);
  const c = crypto.createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(`user:${userId}`));
  const body = Buffer.concat([c.update(secret, 'utf8'), c.final()]);
  return ['v1', iv.toString('base64url'), c.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

/** null when the row was written with another key or for another user, or was changed. */
export function decryptSecret(stored: string, key: Buffer, userId: number): string | null {
  const [v, iv, tag, body] = stored.split('.');
  if (v !== 'v1' || !iv || !tag || body === undefined) return null;
  try {
    const d = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    d.setAAD(Buffer.from(`user:${userId}`));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/** The secret in groups of four, for typing it into an app by hand. */
export const groupedSecret = (secret: string): string => secret.match(/.{1,4}/g)!.join(' ');

/**
 * The QR code as an SVG image in a data: URI, made on the server: the page needs no script, and the
 * CSP allows data: images (img-src 'self' data:) but no inline styles, which an inline SVG might carry.
 */
export async function qrDataUri(text: string): Promise<string> {
  const { default: QRCode } = await import('qrcode');
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}
