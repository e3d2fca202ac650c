import type { Response } from 'express';
import { RateLimiterPostgres, RateLimiterRes, RateLimiterSQLite, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Knex } from 'knex';
import { AppError } from '../errors.ts';
import { isSqlite } from '../db.ts';

/**
 * Brute-force limits (ASVS 2.2.1), counted in the database so that several app processes share them.
 * The failure limit is per account *and* address: an attacker locks out only their own address, and
 * the real user can still sign in from theirs. The limiters keep their own (real) clock.
 */
export interface AuthLimits {
  /** consecutive failures for one e-mail address from one IP before a block */
  failuresPerAccountAndIp: number;
  failureWindowSec: number;
  blockSec: number;
  /** failures from one IP, whatever the accounts */
  failuresPerIp: number;
  failuresPerIpWindowSec: number;
  /** requests to the sign-in, token, register and reset endpoints per IP */
  requestsPerIp: number;
  requestsWindowSec: number;
}

export const defaultLimits = (env: string): AuthLimits => ({
  failuresPerAccountAndIp: 5,
  failureWindowSec: 60 * 60,
  blockSec: 15 * 60,
  failuresPerIp: 100,
  failuresPerIpWindowSec: 24 * 60 * 60,
  // The test suites sign in many times from 127.0.0.1; the lockout suite sets its own low limits.
  requestsPerIp: env === 'test' ? 100_000 : 60,
  requestsWindowSec: 60,
});

export const messages = {
  tooMany: (sec: number) => `Too many attempts. Try again in ${sec < 120 ? `${sec} seconds` : `${Math.ceil(sec / 60)} minutes`}.`,
} as const;

export class TooManyRequests extends AppError {
  constructor(readonly retryAfterSec: number) {
    super(429, 'too_many_requests', messages.tooMany(retryAfterSec));
  }
}

export interface Limiters {
  /** Throws TooManyRequests (after setting Retry-After) when this request may not try. */
  check(res: Response, ip: string, email?: string): Promise<void>;
  failed(ip: string, email: string): Promise<void>;
  succeeded(ip: string, email: string): Promise<void>;
}

export function createLimiters(db: Knex, limits: AuthLimits): Limiters {
  const sqlite = isSqlite(db);
  const make = (keyPrefix: string, points: number, duration: number, blockDuration = 0): RateLimiterAbstract => {
    const opts = { storeClient: db, storeType: 'knex', tableName: 'rate_limits', tableCreated: true, clearExpiredByTimeout: false, keyPrefix, points, duration, blockDuration };
    return sqlite ? new RateLimiterSQLite(opts) : new RateLimiterPostgres(opts);
  };
  const requests = make('req_ip', limits.requestsPerIp, limits.requestsWindowSec);
  const byAccountIp = make('fail_acct_ip', limits.failuresPerAccountAndIp, limits.failureWindowSec, limits.blockSec);
  const byIp = make('fail_ip', limits.failuresPerIp, limits.failuresPerIpWindowSec, limits.blockSec);
  const key = (ip: string, email: string) => `${email.toLowerCase()}_${ip}`;

  const refuse = (res: Response, ms: number): never => {
    const sec = Math.max(1, Math.ceil(ms / 1000));
    res.set('Retry-After', String(sec));
    throw new TooManyRequests(sec);
  };

  return {
    async check(res, ip, email) {
      try {
        await requests.consume(ip);
      } catch (e) {
        if (e instanceof RateLimiterRes) refuse(res, e.msBeforeNext);
        throw e;
      }
      const [a, b] = await Promise.all([email ? byAccountIp.get(key(ip, email)) : null, byIp.get(ip)]);
      if (a && a.consumedPoints >= limits.failuresPerAccountAndIp) refuse(res, a.msBeforeNext);
      if (b && b.consumedPoints >= limits.failuresPerIp) refuse(res, b.msBeforeNext);
    },
    async failed(ip, email) {
      // Reaching the limit starts a block of blockSec; check() refuses until it ends.
      const after = async (limiter: RateLimiterAbstract, k: string, points: number) => {
        const r = await limiter.consume(k).catch((e: unknown) => {
          if (e instanceof RateLimiterRes) return e;
          throw e;
        });
        if (r.consumedPoints === points) await limiter.block(k, limits.blockSec);
      };
      await Promise.all([after(byAccountIp, key(ip, email), limits.failuresPerAccountAndIp), after(byIp, ip, limits.failuresPerIp)]);
    },
    async succeeded(ip, email) {
      await byAccountIp.delete(key(ip, email));
    },
  };
}
