import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import { ConnectSessionKnexStore } from 'connect-session-knex';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { createCsrf, messages as csrfMessages } from './csrf.ts';
import type { Knex } from 'knex';
import type { AccountsCtx, Deps } from '../deps.ts';
import { Unauthorized } from '../errors.ts';
import { createLimiters, defaultLimits, type Limiters } from './rate-limit.ts';
import { createMailer } from '../mail/mailer.ts';
import type { Viewer } from './viewer.ts';

declare module 'express-session' {
  interface SessionData {
    /** when the user signed in and was last seen, by the app's clock (ms) */
    signedInAt?: number;
    lastSeenAt?: number;
    /** where to go after signing in */
    returnTo?: string;
    /** the last session timed out: the sign-in page says so */
    ended?: boolean;
    passport?: { user?: number };
  }
}
declare module 'express-serve-static-core' {
  interface Request {
    /** how the viewer was recognised: a session cookie or an API token */
    authVia?: 'session' | 'bearer';
    apiTokenId?: number;
  }
}

// ASVS 3.3: idle and absolute session timeouts, checked against the injected clock.
export const IDLE_TIMEOUT_MS = 30 * 60_000;
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60_000;

export const messages = {
  csrf: csrfMessages.csrf,
  badToken: 'The API token is not valid: it may have been revoked. Ask for a new one with POST /api/v1/tokens.',
  sessionEnded: 'Your session has ended. Please sign in again.',
} as const;

/** Secure and the __Host- prefix follow PUBLIC_URL's scheme: over plain http the browser would drop them. */
export const sessionCookieName = (secure: boolean): string => (secure ? '__Host-imas.sid' : 'imas.sid');

/**
 * The accounts as the sign-in plumbing needs them. app.ts passes in the functions of accounts/, so that
 * auth stays below the accounts (which consult its permission table) and never imports them.
 */
export interface AccountLookup<U extends { id: number; disabled_at: string | null }> {
  authenticate(ctx: AccountsCtx, input: { email: string; password: string; ip?: string; via: 'form' }): Promise<{ ok: true; user: U } | { ok: false }>;
  findUserById(db: Knex, id: number): Promise<U | undefined>;
  userForToken(ctx: Pick<Deps, 'db' | 'clock' | 'logger'>, token: string): Promise<{ tokenRow: { id: number }; user: U } | null>;
  viewerOf(user: U): Viewer;
}

export interface Auth {
  /** what the account services need: the app's deps with a mailer */
  ctx: AccountsCtx;
  middleware: RequestHandler[];
  passport: InstanceType<typeof Passport>;
  limiters: Limiters;
  /** the CSRF token for a form: the session's when signed in, else a signed double-submit token (no session stored) */
  csrfToken(req: Request, overwrite?: boolean): string;
  /** Ends this browser's session (Passport, the stored session, the cookie), then redirects to `to`. */
  signOut(req: Request, res: Response, next: NextFunction, to: string): void;
  store: ConnectSessionKnexStore;
}

/** Sessions, Passport, API tokens, the viewer, CSRF: mounted before every router. */
export function createAuth<U extends { id: number; disabled_at: string | null }>(deps: Deps, accounts: AccountLookup<U>): Auth {
  const { db, clock, config } = deps;
  const { authenticate, findUserById, userForToken, viewerOf: toViewer } = accounts;
  const ctx: AccountsCtx = { db, clock, config, logger: deps.logger, mailer: deps.mailer ?? createMailer(config.smtpUrl, deps.logger), ...(deps.hashPassword ? { hashPassword: deps.hashPassword } : {}) };
  const store = new ConnectSessionKnexStore({
    knex: db,
    tableName: 'sessions',
    createTable: false, // the migration makes it
    // Expired rows are removed every quarter hour in a running server; never in tests, whose timer would keep mocha alive.
    cleanupInterval: config.env === 'test' ? 0 : 15 * 60_000,
  });
  const secure = config.secureCookies;
  const sessions = session({
    name: sessionCookieName(secure),
    secret: config.sessionSecret,
    store,
    resave: false,
    saveUninitialized: false, // no session (and no cookie) until there is something to keep
    rolling: false,
    unset: 'destroy',
    proxy: config.trustProxy ? true : undefined,
    // No maxAge: a browser-session cookie; the idle and absolute limits are enforced on the server.
    cookie: { httpOnly: true, sameSite: 'lax', secure, path: '/' },
  });

  const passport = new Passport();
  passport.use(
    new LocalStrategy({ usernameField: 'email', passwordField: 'password', passReqToCallback: true }, (req, email, password, done) => {
      authenticate(ctx, { email: String(email).trim().toLowerCase(), password, ip: req.ip, via: 'form' })
        .then((r) => done(null, r.ok ? r.user : false))
        .catch(done);
    }),
  );
  passport.serializeUser<number>((user, done) => done(null, (user as U).id));
  passport.deserializeUser<number>((id, done) => {
    // A disabled or deleted user is signed out at their next request.
    findUserById(db, id)
      .then((u) => done(null, u && !u.disabled_at ? u : false))
      .catch(done);
  });

  const timeouts: RequestHandler = (req, res, next) => {
    const s = req.session;
    if (!s?.passport?.user) return next();
    const now = clock.now().getTime();
    const idle = now - (s.lastSeenAt ?? 0);
    const age = now - (s.signedInAt ?? 0);
    if (idle > IDLE_TIMEOUT_MS || age > ABSOLUTE_TIMEOUT_MS) {
      // Destroy the old session in the store; the fresh one only remembers to say why at the sign-in page.
      return s.regenerate((err) => {
        if (!err) req.session.ended = true;
        next(err);
      });
    }
    // At most one write a minute for an active user.
    if (now - (s.lastSeenAt ?? 0) > 60_000) s.lastSeenAt = now;
    next();
  };

  const viewer: RequestHandler = async (req, res, next) => {
    const header = req.get('authorization');
    if (header && req.originalUrl.startsWith('/api/')) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      const found = m ? await userForToken(deps, m[1]!) : null;
      if (!found) {
        res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
        return next(new Unauthorized(messages.badToken));
      }
      req.authVia = 'bearer';
      req.apiTokenId = found.tokenRow.id;
      res.locals.viewer = toViewer(found.user);
      return next();
    }
    if (req.user) {
      req.authVia = 'session';
      res.locals.viewer = toViewer(req.user as U);
    } else {
      res.locals.viewer = null;
    }
    next();
  };

  const csrf = createCsrf({ sessionSecret: config.sessionSecret, secure });

  const limits = { ...defaultLimits(config.env), ...deps.authLimits };
  return {
    ctx,
    middleware: [...[sessions, timeouts, passport.initialize(), passport.session()].map(unlessBearer), viewer, ...csrf.middleware],
    passport,
    limiters: createLimiters(db, limits),
    csrfToken: (req, overwrite) => csrf.token(req, overwrite),
    signOut: (req, res, next, to) =>
      req.logout((err) => {
        if (err) return next(err);
        // Passport has regenerated the session; end it on the server too, and drop the cookie.
        req.session.destroy((destroyErr) => {
          if (destroyErr) return next(destroyErr);
          res.clearCookie(sessionCookieName(secure), { path: '/', httpOnly: true, sameSite: 'lax', secure });
          res.redirect(303, to);
        });
      }),
    store,
  };
}

/**
 * An API call with a Bearer token never uses the session: skipping the session and Passport
 * middleware spares it a session object (and its random id) per request.
 */
function unlessBearer(mw: RequestHandler): RequestHandler {
  return (req, res, next) => {
    if (req.originalUrl.startsWith('/api/') && /^Bearer\s/i.test(req.headers.authorization ?? '')) return next();
    return mw(req, res, next);
  };
}

/** Where to go after signing in: only a path on this site. */
export function safeReturnPath(p: unknown): string | null {
  if (typeof p !== 'string' || !p.startsWith('/') || p.startsWith('//') || p.startsWith('/\\') || p.length > 2000) return null;
  // Pages of the sign-in process itself are no place to come back to.
  if (/^\/(login|logout|register|verify-email|forgot-password|reset-password)\b/.test(p)) return null;
  return p;
}

