import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import { ConnectSessionKnexStore } from 'connect-session-knex';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { signedCookie } from 'cookie-parser';
import { createCsrf, messages as csrfMessages } from './csrf.ts';
import { sessionIds } from './session-ids.ts';
import type { Knex } from 'knex';
import type { AccountsCtx, Deps } from '../deps.ts';
import { Unauthorized } from '../errors.ts';
import { createLimiters, defaultLimits, type Limiters } from './rate-limit.ts';
import { createMailer } from '../mail/mailer.ts';
import type { ReaderSession, ReaderWatch, Viewer } from './viewer.ts';

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
  /** a live session and its user in one query (accounts/sessions.ts) */
  sessionWithUser(sid: string, now: Date): Promise<{ sess: Record<string, unknown>; user: U | undefined } | null>;
  /** for a page read from the cache: a live session, what its user's viewer needs and the user's watches, in one query (accounts/sessions.ts) */
  readerSession(sid: string, now: Date): Promise<ReaderSession | null>;
}

/** A signed-in reader recognised without Express (server/http/fast-path.ts): nothing to write, nothing to check. */
export interface QuickReader {
  viewer: Viewer;
  csrfToken: string;
  watches: ReaderWatch[];
}

export interface Auth {
  /** what the account services need: the app's deps with a mailer */
  ctx: AccountsCtx;
  middleware: RequestHandler[];
  /** the token check alone, for the API app of Bearer calls (app.ts) */
  bearer: RequestHandler;
  passport: InstanceType<typeof Passport>;
  limiters: Limiters;
  /** the CSRF token for a form: the session's when signed in, else a signed double-submit token (no session stored) */
  csrfToken(req: Request, overwrite?: boolean): string;
  /** Ends this browser's session (Passport, the stored session, the cookie), then redirects to `to`. */
  signOut(req: Request, res: Response, next: NextFunction, to: string): void;
  store: ConnectSessionKnexStore;
  /**
   * The reader of a page request from its Cookie header, when the session needs nothing done to it:
   * signed in, within both timeouts, last seen less than a minute ago, a CSRF token already in it, the
   * user enabled. One query, no write. Null sends the request through Express, which does the rest.
   */
  quickReader(cookieHeader: string): Promise<QuickReader | null>;
}

/**
 * What a signed-in session needs on a request (ASVS 3.3), by the app's clock: `ended` (idle or absolute
 * timeout passed), `seen` (last seen more than a minute ago: written, at most once a minute), `ok`.
 */
export function sessionCheck(s: { signedInAt?: number; lastSeenAt?: number }, now: number): 'ended' | 'seen' | 'ok' {
  const idle = now - (s.lastSeenAt ?? 0);
  const age = now - (s.signedInAt ?? 0);
  if (idle > IDLE_TIMEOUT_MS || age > ABSOLUTE_TIMEOUT_MS) return 'ended';
  return idle > 60_000 ? 'seen' : 'ok';
}

/**
 * connect-session-knex, reading the session and its user in one query: the user is kept for
 * Passport's deserializeUser in the same request (takeUser), which then needs no query of its own.
 */
class OneQueryStore<U extends { id: number }> extends ConnectSessionKnexStore {
  private readonly justRead = new Map<string, U>();

  constructor(
    options: ConstructorParameters<typeof ConnectSessionKnexStore>[0],
    private readonly lookup: (sid: string) => Promise<{ sess: Record<string, unknown>; user: U | undefined } | null>,
  ) {
    super(options);
  }

  override async get(sid: string, callback?: (err: unknown, session?: session.SessionData | null) => void): Promise<session.SessionData | null> {
    try {
      const found = await this.lookup(sid);
      // Taken by deserializeUser in this request; bounded should a request stop before it (a timeout).
      if (this.justRead.size > 10_000) this.justRead.clear();
      if (found?.user) this.justRead.set(sid, found.user);
      const sess = (found?.sess ?? null) as session.SessionData | null;
      callback?.(null, sess);
      return sess;
    } catch (err) {
      if (!callback) throw err;
      callback(err);
      return null;
    }
  }

  takeUser(sid: string, id: number): U | undefined {
    const u = this.justRead.get(sid);
    this.justRead.delete(sid);
    return u && u.id === id ? u : undefined;
  }
}

/** Sessions, Passport, API tokens, the viewer, CSRF: mounted before every router. */
export function createAuth<U extends { id: number; disabled_at: string | null }>(deps: Deps, accounts: AccountLookup<U>): Auth {
  const { db, clock, config } = deps;
  const { authenticate, findUserById, userForToken, viewerOf: toViewer, sessionWithUser, readerSession } = accounts;
  const ctx: AccountsCtx = { db, clock, config, logger: deps.logger, mailer: deps.mailer ?? createMailer(config.smtpUrl, deps.logger), ...(deps.hashPassword ? { hashPassword: deps.hashPassword } : {}) };
  // Expiry in real time, as connect-session-knex reads it; the timeouts by the app's clock (below).
  const readSession = (sid: string) => sessionWithUser(sid, new Date());
  const store = new OneQueryStore<U>(
    {
      knex: db,
      tableName: 'sessions',
      createTable: false, // the migration makes it
      // Expired rows are removed every quarter hour in a running server; never in tests, whose timer would keep mocha alive.
      cleanupInterval: config.env === 'test' ? 0 : 15 * 60_000,
    },
    readSession,
  );
  const secure = config.secureCookies;
  const sessions = session({
    name: sessionCookieName(secure),
    secret: config.sessionSecret,
    store,
    genid: sessionIds(),
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
  passport.deserializeUser<number>((req: Request, id: number, done: (err: unknown, user?: U | false) => void) => {
    // A disabled or deleted user is signed out at their next request. The store read the user with
    // the session (one query); another path (a session saved and read back in one request) asks.
    const read = store.takeUser(req.sessionID, id);
    (read ? Promise.resolve(read) : findUserById(db, id))
      .then((u) => done(null, u && !u.disabled_at ? u : false))
      .catch(done);
  });

  const timeouts: RequestHandler = (req, res, next) => {
    const s = req.session;
    if (!s?.passport?.user) return next();
    const now = clock.now().getTime();
    const check = sessionCheck(s, now);
    if (check === 'ended') {
      // Destroy the old session in the store; the fresh one only remembers to say why at the sign-in page.
      return s.regenerate((err) => {
        if (!err) req.session.ended = true;
        next(err);
      });
    }
    // At most one write a minute for an active user.
    if (check === 'seen') s.lastSeenAt = now;
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

  const cookieName = sessionCookieName(secure);
  const quickReader = async (cookieHeader: string): Promise<QuickReader | null> => {
    const raw = cookieValue(cookieHeader, cookieName);
    if (!raw || !raw.startsWith('s:')) return null;
    const sid = signedCookie(raw, config.sessionSecret);
    if (typeof sid !== 'string' || !sid) return null;
    // Expiry in real time, as the store reads it (readSession).
    const found = await readerSession(sid, new Date());
    const sess = found?.sess as { passport?: { user?: number }; signedInAt?: number; lastSeenAt?: number; csrfToken?: unknown } | undefined;
    if (!found?.user || !sess || found.user.disabled_at || sess.passport?.user !== found.user.id) return null;
    if (sessionCheck(sess, clock.now().getTime()) !== 'ok' || typeof sess.csrfToken !== 'string') return null;
    return { viewer: found.user.viewer, csrfToken: sess.csrfToken, watches: found.watches };
  };

  const limits = { ...defaultLimits(config.env), ...deps.authLimits };
  return {
    ctx,
    middleware: [...[sessions, timeouts, passport.initialize(), passport.session()].map((mw) => withoutSession(mw, cookieName)), viewer, ...csrf.middleware],
    bearer: viewer,
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
    quickReader,
  };
}

/** The first cookie of that name, decoded as the `cookie` package (express-session's parser) decodes it; null if malformed. */
function cookieValue(header: string, name: string): string | null {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let v = part.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length > 1) v = v.slice(1, -1);
    try {
      return v.includes('%') ? decodeURIComponent(v) : v;
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * API calls that have no use for a session skip the session and Passport middleware, sparing them a
 * session object (with its random id) and Passport's work per request (issue 17 item 3): one with a
 * Bearer token, and a read (GET, HEAD) that brings no session cookie — it is anonymous, and an API read
 * neither signs in nor writes a session. The API honours a browser's session cookie as before.
 */
function withoutSession(mw: RequestHandler, cookieName: string): RequestHandler {
  return (req, res, next) => {
    if (req.originalUrl.startsWith('/api/')) {
      if (/^Bearer\s/i.test(req.headers.authorization ?? '')) return next();
      if ((req.method === 'GET' || req.method === 'HEAD') && !cookieValue(req.headers.cookie ?? '', cookieName)) return next();
    }
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

