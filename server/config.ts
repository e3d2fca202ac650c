import path from 'node:path';
import { z } from 'zod';

// Parsed once at start; a bad value stops the process with a message naming the variable.
const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATABASE_URL: z
      .string()
      .regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'must start with sqlite: or postgres://')
      .default('sqlite:data/imas-review.sqlite3'),
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    AUDIT_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
    ADMIN_EMAIL: z.email().optional(),
    ADMIN_PASSWORD: z.string().min(8).optional(),
    PUBLIC_URL: z.url().optional(),
    TRUST_PROXY: z.string().optional(),
    SMTP_URL: z.string().optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    STANDARDS_DIR: z.string().default('standards'),
    DB_BUSY_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(5000),
    HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(10_000),
    HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(5000),
    // domain.md §1: work on a proposal continues only if at least 25 % of the Board's members support it.
    PROPOSAL_SUPPORT_PERCENT: z.coerce.number().int('must be a whole number of per cent').min(1).max(100).default(25),
    // domain.md §1: each IMAS is reviewed every three years, TNMAs every year. T&EPs: no source says;
    // they are technical protocols tied to an IMAS, so they follow its three years until told otherwise.
    REVIEW_YEARS_IMAS: z.coerce.number().int().min(1).max(20).default(3),
    REVIEW_YEARS_TNMA: z.coerce.number().int().min(1).max(20).default(1),
    REVIEW_YEARS_TEP: z.coerce.number().int().min(1).max(20).default(3),
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(0),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.SESSION_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'is required when NODE_ENV=production' });
    }
    if (env.NODE_ENV === 'production' && !env.AUDIT_KEY) {
      ctx.addIssue({ code: 'custom', path: ['AUDIT_KEY'], message: 'is required when NODE_ENV=production' });
    }
    if (env.HTTP_HEADERS_TIMEOUT_MS > env.HTTP_REQUEST_TIMEOUT_MS) {
      ctx.addIssue({ code: 'custom', path: ['HTTP_HEADERS_TIMEOUT_MS'], message: 'must not be more than HTTP_REQUEST_TIMEOUT_MS' });
    }
  });

export interface Config {
  env: 'development' | 'test' | 'production';
  port: number;
  host: string;
  databaseUrl: string;
  sessionSecret: string;
  /** HMAC key of the audit chain; in development without AUDIT_KEY it comes from auditKeyFile (server/audit/key.ts) */
  auditKey?: string;
  /** where development keeps its generated audit key: beside the SQLite database */
  auditKeyFile: string;
  adminEmail?: string;
  adminPassword?: string;
  publicUrl: string;
  /** https PUBLIC_URL → Secure cookies with the __Host- prefix */
  secureCookies: boolean;
  trustProxy: string | number | boolean;
  smtpUrl?: string;
  /** argon2id costs: the library defaults, lowered only under NODE_ENV=test so the suite stays quick. */
  argon2: { memoryCost?: number; timeCost?: number };
  logLevel: string;
  standardsDir: string;
  /** how long a write waits for a SQLite database locked by another process before answering 503 */
  dbBusyWaitMs: number;
  /** how long a client may take to send a request's headers, and the whole request (server/http/server.ts) */
  http: { headersTimeoutMs: number; requestTimeoutMs: number; keepAliveTimeoutMs: number };
  /** the share of the Board's member organisations whose support carries a proposal, in per cent (25) */
  proposalSupportPercent: number;
  /** how often each type of document is reviewed, in years, counted from its last edition or amendment (the secretariat's queue) */
  reviewYears: { IMAS: number; TNMA: number; 'T&EP': number };
  /** on SIGTERM: how long /readyz answers 503 while new connections are still taken (a load balancer's probe interval), then how long in all before giving up (server/http/shutdown.ts) */
  shutdown: { graceMs: number; timeoutMs: number };
}

/** Express's `trust proxy`: true/false, a hop count, or addresses/subnets ("loopback, 10.0.0.0/8"). */
function parseTrustProxy(v: string | undefined): string | number | boolean {
  if (v === undefined || v === '' || v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}

/** Beside the SQLite database file; data/ for PostgreSQL or an in-memory database. */
function auditKeyFileFor(databaseUrl: string): string {
  const file = databaseUrl.startsWith('sqlite:') ? databaseUrl.slice('sqlite:'.length) : ':memory:';
  return path.join(file === ':memory:' ? 'data' : path.dirname(file), 'audit.key');
}

export const TEST_AUDIT_KEY = 'test-audit-key-not-for-production-0123456789';

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const publicUrl = e.PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`;
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    // Outside production a fixed development secret keeps a fresh clone working with no configuration.
    sessionSecret: e.SESSION_SECRET ?? 'development-only-secret-not-for-production-use',
    // Tests get a fixed key, so that their chains are keyed as in production.
    auditKey: e.AUDIT_KEY ?? (e.NODE_ENV === 'test' ? TEST_AUDIT_KEY : undefined),
    auditKeyFile: auditKeyFileFor(e.DATABASE_URL),
    adminEmail: e.ADMIN_EMAIL,
    adminPassword: e.ADMIN_PASSWORD,
    publicUrl,
    secureCookies: publicUrl.startsWith('https:'),
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    smtpUrl: e.SMTP_URL || undefined,
    argon2: e.NODE_ENV === 'test' ? { memoryCost: 1024, timeCost: 2 } : {},
    logLevel: e.LOG_LEVEL,
    standardsDir: e.STANDARDS_DIR,
    dbBusyWaitMs: e.DB_BUSY_WAIT_MS,
    http: { headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS, requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS, keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS },
    proposalSupportPercent: e.PROPOSAL_SUPPORT_PERCENT,
    reviewYears: { IMAS: e.REVIEW_YEARS_IMAS, TNMA: e.REVIEW_YEARS_TNMA, 'T&EP': e.REVIEW_YEARS_TEP },
    shutdown: { graceMs: e.SHUTDOWN_GRACE_MS, timeoutMs: e.SHUTDOWN_TIMEOUT_MS },
  };
}
