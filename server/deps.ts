import type { Knex } from 'knex';
import type { Db } from './db.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { PageCache } from './http/page-cache.ts';
import type { Mailer } from './mail/mailer.ts';
import type { AuthLimits } from './auth/rate-limit.ts';
import type { StandardStates } from './standards/state.ts';
import type { PasswordHasher } from './accounts/passwords.ts';
import type { ConsultationCaches } from './consultations/caches.ts';
import type { Readiness } from './http/shutdown.ts';

/** The features' in-memory caches, in one object so that any feature can clear what its changes make stale. */
export interface Caches {
  consultations: ConsultationCaches;
}

/** What the app is built from: passed in, never global, so tests can swap the clock or the db. */
export interface Deps {
  db: Db;
  clock: Clock;
  config: Config;
  logger: Logger;
  pageCache: PageCache;
  /** made from config.smtpUrl when not given (tests pass their own) */
  mailer?: Mailer;
  /** brute-force limits; tests set short ones (the limiters keep real time) */
  authLimits?: Partial<AuthLimits>;
  /** argon2id with config.argon2 when not given (tests count its calls) */
  hashPassword?: PasswordHasher;
  /** per-standard state for the pages, kept per revision */
  states: StandardStates;
  caches: Caches;
  /** set by server/main.ts: /readyz answers 503 once the instance is stopping */
  readiness?: Readiness;
}

/** What the account services need: the app's deps with a mailer (made once, by createAuth). */
export interface AccountsCtx {
  db: Knex;
  clock: Clock;
  config: Pick<Config, 'publicUrl' | 'argon2'>;
  mailer: Mailer;
  logger?: Logger;
  /** argon2id with config.argon2 when not given */
  hashPassword?: PasswordHasher;
}
