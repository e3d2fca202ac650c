import fs from 'node:fs';
import path from 'node:path';
import argon2 from 'argon2';

/** Password rules (OWASP ASVS 2.1): length only, no composition rules, no truncation, common ones refused. */
export const MIN_LENGTH = 8;
// Far above any passphrase (ASVS asks for at least 64 allowed); a cap keeps argon2 from hashing megabytes.
export const MAX_LENGTH = 1000;

export const messages = {
  short: `Use at least ${MIN_LENGTH} characters. A few words make a good passphrase.`,
  long: `Use at most ${MAX_LENGTH} characters.`,
  common: 'This password is one of the most common ones and would be guessed quickly. Choose another.',
  blank: 'Use some letters, digits or symbols: a password of only spaces (or other invisible characters) is too easy to guess.',
} as const;

// Something visible: spaces, controls and invisible format characters (zero-width space…) alone make no password.
const VISIBLE = /[^\s\p{Cc}\p{Cf}]/u;

let common: Set<string> | null = null;
function commonPasswords(): Set<string> {
  common ??= new Set(
    fs
      .readFileSync(path.join(import.meta.dirname, 'common-passwords.txt'), 'utf8')
      .split('\n')
      .map((l) => l.trim().toLowerCase())
      .filter((l) => l && !l.startsWith('#')),
  );
  return common;
}

/** Counts characters as people see them (code points), not UTF-16 units. */
const length = (s: string): number => [...s].length;

/** null when acceptable, else the message to show beside the field. */
export function passwordProblem(password: string): string | null {
  const n = length(password);
  if (n > 0 && !VISIBLE.test(password)) return messages.blank;
  if (n < MIN_LENGTH) return messages.short;
  if (n > MAX_LENGTH) return messages.long;
  if (commonPasswords().has(password.toLowerCase())) return messages.common;
  return null;
}

export interface Argon2Costs {
  memoryCost?: number;
  timeCost?: number;
}

/** Hashes a new password. Injected (Deps.hashPassword) so that a test can count the calls. */
export type PasswordHasher = (password: string) => Promise<string>;

/** Runs at most `max` tasks at once; the others wait their turn, first come first served. */
export class Limit {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** the most tasks seen running at once (tests read it) */
  peak = 0;
  constructor(readonly max: number) {}

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A slot is taken here, or handed over by the task that frees it (`running` then stays as it is).
    if (this.running < this.max) this.running++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.peak = Math.max(this.peak, this.running);
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/**
 * argon2id takes its memory cost while it hashes or checks a password: 64 MiB at the library's default,
 * for every call at once. At most this many run together in an instance, the others waiting their turn,
 * so that a burst of sign-ins cannot multiply that memory (issue 17: ≤ 250 MB under load); the cost of
 * each hash stays what it is. Two: the cores of the machine it was measured on, each hash being
 * CPU-bound.
 */
export const HASHES_AT_ONCE = 2;
export const hashing = new Limit(HASHES_AT_ONCE);

/** argon2id with the library's defaults (lower costs only in tests, see config.ts). */
export function hashPassword(password: string, costs: Argon2Costs = {}): Promise<string> {
  // NFC so that the same passphrase typed on two keyboards hashes the same; never truncated.
  return hashing.run(() => argon2.hash(password.normalize('NFC'), { type: argon2.argon2id, ...costs }));
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await hashing.run(() => argon2.verify(hash, password.normalize('NFC')));
  } catch {
    return false;
  }
}

const dummies = new Map<string, Promise<string>>();
/**
 * A hash of nothing, made with the same costs: checking an unknown e-mail address against it costs
 * the same time as a wrong password, so timing does not tell which addresses have accounts.
 */
export function dummyHash(costs: Argon2Costs = {}): Promise<string> {
  const key = JSON.stringify(costs);
  if (!dummies.has(key)) dummies.set(key, hashPassword(`no such user ${Math.random()}`, costs));
  return dummies.get(key)!;
}
