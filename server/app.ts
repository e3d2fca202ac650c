import { languageLocals } from './i18n/middleware.ts';
import { languageRoutes } from './language/routes.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express } from 'express';
import { fastPath } from './http/fast-path.ts';
import { shapeKeeper } from './http/shapes.ts';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import path from 'node:path';
import type { Caches, Deps } from './deps.ts';
import { StandardStates } from './standards/state.ts';
import { ConsultationCaches } from './consultations/caches.ts';
import { errorHandler, notFound } from './http/errors.ts';
import { refuseNul } from './http/nul.ts';
import { BadRequest } from './errors.ts';
import { rootDir, setupViews } from './http/views.ts';
import { openapi } from './openapi.ts';
import { healthRoutes } from './health/routes.ts';
import { allow } from './auth/permissions.ts';
import { homeRoutes } from './home/routes.ts';
import { standardsRoutes } from './standards/routes.ts';
import { StandardJsons, standardJsonFast, standardsApi } from './standards/api.ts';
import { createAuth, type Auth } from './auth/middleware.ts';
import { readerSessionReader, sessionReader } from './accounts/sessions.ts';
import { requiresTwoFactor } from './twofactor/totp.ts';
import { authenticate } from './accounts/service.ts';
import { findUserById, viewerOf, type UserRow } from './accounts/repo.ts';
import { TokenCache } from './accounts/tokens.ts';
import { signinRoutes } from './signin/routes.ts';
import { signinApi } from './signin/api.ts';
import { usersRoutes } from './users/routes.ts';
import { usersApi } from './users/api.ts';
import { DiffCache } from './diff/service.ts';
import { diffRoutes } from './diff/routes.ts';
import { diffApi } from './diff/api.ts';
import { wordApi } from './word/api.ts';
import { WordCache } from './word/service.ts';
import { wordRoutes } from './word/routes.ts';
import { RequirementsCache } from './requirements/service.ts';
import { requirementsRoutes } from './requirements/routes.ts';
import { requirementsApi } from './requirements/api.ts';
import { draftsRoutes } from './drafts/routes.ts';
import { draftsApi } from './drafts/api.ts';
import { consultationsRoutes } from './consultations/routes.ts';
import { consultationsApi } from './consultations/api.ts';
import { fastCommentFailure, fastComments } from './consultations/fast-comment.ts';
import { isEnrolled } from './twofactor/service.ts';
import { ballotsRoutes } from './ballots/routes.ts';
import { ballotsApi } from './ballots/api.ts';
import { publicationApi } from './publication/api.ts';
import { endorsementApi } from './endorsement/api.ts';
import { endorsementRoutes } from './endorsement/routes.ts';
import { organisationsApi } from './organisations/api.ts';
import { organisationsRoutes } from './organisations/routes.ts';
import { privacyApi } from './privacy/api.ts';
import { privacyRoutes } from './privacy/routes.ts';
import { feedsRoutes } from './feeds/routes.ts';
import { twoFactorGate, twoFactorRoutes } from './twofactor/routes.ts';
import { proposalsApi } from './proposals/api.ts';
import { proposalsRoutes } from './proposals/routes.ts';
import { searchApi } from './search/api.ts';
import { searchRoutes } from './search/routes.ts';
import { myworkApi } from './mywork/api.ts';
import { myworkRoutes } from './mywork/routes.ts';
import { watchingApi } from './watching/api.ts';
import { watchingRoutes } from './watching/routes.ts';
import { watchStateOfRows } from './watching/service.ts';
import { notificationsApi } from './notifications/api.ts';
import { notificationsRoutes } from './notifications/routes.ts';
import { standardTranslationsField, translationsApi } from './translations/api.ts';
import { translationsRoutes } from './translations/routes.ts';

const messages = {
  badTarget: 'The request target is not a path: ask for an address that starts with /.',
} as const;

export type AppDeps = Omit<Deps, 'states' | 'caches'> & { states?: StandardStates; caches?: Caches };

/**
 * The request handler the server listens with: cached public pages from the fast path, everything
 * else through the Express app.
 */
export function createHandler(given: AppDeps, opts: { keepShapes?: boolean } = {}): { app: Express; bearerApp: Express; handler: (req: IncomingMessage, res: ServerResponse) => void } {
  const deps = withStates(given);
  const { app, auth, bearerApp, tokens, jsons } = buildApp(deps);
  // A standard's JSON to a Bearer token, before Express once Express has answered one.
  const apiFast = standardJsonFast(deps, jsons, async (token) => {
    const found = await tokens.lookup(deps, token);
    return found && !found.user.disabled_at && !requiresTwoFactor(found.user.role) ? viewerOf(found.user) : null;
  });
  // A comment POSTed with a Bearer token, before Express (consultations/fast-comment.ts): the token as
  // auth.bearer reads it, then twoFactorGate's rule (a role that needs a second factor must have one).
  const commentFast = fastComments(deps, async (token) => {
    const found = await tokens.lookup(deps, token);
    if (!found || found.user.disabled_at) return null;
    if (requiresTwoFactor(found.user.role) && !(await isEnrolled(deps, found.user.id))) return null;
    return viewerOf(found.user);
  }, securityHeadersOf(deps));
  // Signed-in readers whose role must use a second factor go through Express (its gate asks whether they have one).
  const fast = fastPath(deps, async (cookie, ref) => {
    const who = await auth.quickReader(cookie);
    if (!who || requiresTwoFactor(who.viewer.role)) return null;
    // The watch button of the page's standard (its own slot): the reader's watches came with the
    // session; the standard's id and series from its cached state (no query of its own).
    const key = await deps.states.key(ref);
    const snap = key && (await deps.states.snapshot(key));
    const watch = snap ? watchStateOfRows(who.viewer, { id: snap.standard.id, series: snap.standard.series, ref }, who.watches) : null;
    return { viewer: who.viewer, csrfToken: who.csrfToken, watch };
  });
  // Requests Express handles keep one shape, or Node's HTTP code slows for every answer (http/shapes.ts).
  // keepShapes: false only for bench/express-shapes.ts's comparison.
  const keep = opts.keepShapes === false ? () => {} : shapeKeeper();
  const kept = (to: Express) => (req: IncomingMessage, res: ServerResponse) => (keep(req, res), to(req, res));
  const toBearerApp = kept(bearerApp);
  const toApp = kept(app);
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (isBearerApiCall(req)) {
      (req.method === 'POST' ? commentFast(req, res) : apiFast(req, res)).then(
        (answered) => answered || toBearerApp(req, res),
        (err) => {
          deps.logger.error({ err }, 'fast path failed');
          toBearerApp(req, res);
        },
      );
      return;
    }
    const done = fast(req, res);
    if (done === true) return;
    if (done === false) return void toApp(req, res);
    done.then(
      (answered) => answered || toApp(req, res),
      (err) => {
        deps.logger.error({ err }, 'fast path failed');
        toApp(req, res);
      },
    );
  };
  return { app, bearerApp, handler };
}

const withStates = (given: AppDeps): Deps => ({ ...given, states: given.states ?? new StandardStates(given.db), caches: given.caches ?? { consultations: new ConsultationCaches() } });

/** Builds the app from its dependencies; server/main.ts listens, tests drive it with supertest. */
export function createApp(given: AppDeps): Express {
  return buildApp(withStates(given)).app;
}

/** What every request goes through first, in the page app and the API app alike: logs, security headers, bodies, checks of the target. */
function commonFront(app: Express, deps: Deps, opts: { staticFiles: boolean }): void {
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.trustProxy);
  app.set('etag', false); // pages set strong ETags themselves where they can answer 304 cheaply
  setupViews(app);
  // Templates are compiled once (in every environment: the page cache already assumes fixed templates).
  app.enable('view cache');

  app.use(
    pinoHttp({
      logger: deps.logger,
      autoLogging: { ignore: (req) => req.url === '/healthz' },
      // Method, URL and status only: headers carry cookies and tokens.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      },
      // 503: the database was locked by another process for longer than the wait — a passing condition.
      customLogLevel: (_req, res, err) => (res.statusCode === 503 ? 'warn' : err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    }),
  );
  app.use(securityHeaders(deps));
  if (opts.staticFiles) app.use('/static', express.static(path.join(rootDir, 'public'), { maxAge: '1d', index: false }));
  app.use(express.json({ limit: '2mb' }));
  app.use(express.urlencoded({ extended: false, limit: '2mb' }));
  app.use(refuseNul);
  app.use((req, res, next) => {
    res.locals.viewer ??= null;
    res.locals.path = req.path;
    next();
  });
  // Only a path (or an absolute URL, which HTTP/1.1 servers must accept) names a page: `GET *` (the
  // asterisk form, meant for OPTIONS of a whole server) or any other target gets a 400, before the
  // session (whose cookie path it cannot match) and the rest.
  app.use((req, _res, next) => {
    next(/^(\/|https?:\/\/)/i.test(req.url) ? undefined : new BadRequest(messages.badTarget));
  });
}

/** helmet's headers, the same on every answer (the fast paths replay them: securityHeadersOf). */
function securityHeaders(deps: Deps) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: deps.config.secureCookies,
  });
}

/** The headers securityHeaders sets, in its order, as Node's flat list (name, value, …): none depends on the request. */
export function securityHeadersOf(deps: Deps): string[] {
  const set = new Map<string, string>();
  const res = { setHeader: (k: string, v: unknown) => void set.set(k, String(v)), removeHeader: (k: string) => void set.delete(k) };
  let done = false;
  securityHeaders(deps)({} as never, res as never, () => void (done = true));
  if (!done) throw new Error('helmet did not finish synchronously');
  return [...set].flat();
}

/**
 * An API call with a Bearer token: the same front (logs, headers, bodies), then the token, the
 * second-factor gate and the API — no session, Passport, cookies, CSRF cookie parsing or page routers
 * (issue 17 item 3). The same routers as in the page app, mounted twice.
 */
export const isBearerApiCall = (req: IncomingMessage): boolean => (req.url ?? '').startsWith('/api/v1/') && /^Bearer\s/i.test(req.headers.authorization ?? '');

function buildApp(deps: Deps): { app: Express; auth: Auth; bearerApp: Express; tokens: TokenCache; jsons: StandardJsons } {
  const app = express();
  // A standard's JSON carries its translations (issue 19 item 2).
  const jsons = new StandardJsons(deps, (d) => standardTranslationsField(deps, d));
  commonFront(app, deps, { staticFiles: true });
  // Sessions, Passport, API tokens and CSRF: res.locals.viewer is set before any router runs.
  // A token's lookup is remembered for up to a second (accounts/tokens.ts TokenCache).
  const tokens = new TokenCache(deps.db);
  const auth = createAuth<UserRow>(deps, { authenticate, findUserById, userForToken: (ctx, token) => tokens.lookup(ctx, token), viewerOf, sessionWithUser: sessionReader(deps.db), readerSession: readerSessionReader(deps.db) });
  app.use(auth.middleware);
  // The reader's language (issue 19): cookie, account, Accept-Language; views read `lang` and `dir`.
  app.use(languageLocals);
  // A secretariat account without two-factor sign-in may only enrol (or sign out).
  app.use(twoFactorGate(deps));

  // The API first: its calls then skip the page routers' layers.
  const diffs = new DiffCache();
  const words = new WordCache();
  const registers = new RequirementsCache();
  const api = express.Router();
  api.get('/openapi.json', allow('public'), (_req, res) => {
    res.json(openapi);
  });
  // before the standards' API: its /standards/{ref}/versions/{n} would read "3.docx" as a number
  api.use(wordApi(deps, diffs, words));
  api.use(standardsApi(deps, jsons));
  api.use(searchApi(deps));
  api.use(signinApi(auth, deps));
  api.use(usersApi(auth));
  api.use(diffApi(deps, diffs));
  api.use(requirementsApi(deps, registers));
  api.use(draftsApi(deps));
  api.use(consultationsApi(deps));
  api.use(ballotsApi(deps));
  api.use(publicationApi(deps));
  api.use(endorsementApi(deps));
  api.use(privacyApi(auth));
  api.use(organisationsApi(deps));
  api.use(proposalsApi(deps));
  api.use(myworkApi(deps));
  api.use(watchingApi(deps));
  api.use(notificationsApi(deps));
  api.use(translationsApi(deps));
  app.use('/api/v1', api);

  const bearerApp = express();
  commonFront(bearerApp, deps, { staticFiles: false });
  bearerApp.use(auth.bearer);
  bearerApp.use(twoFactorGate(deps));
  // a comment taken by the fast path whose write failed: Express's error handler answers it
  bearerApp.use(fastCommentFailure);
  bearerApp.use('/api/v1', api);
  bearerApp.use(notFound);
  bearerApp.use(errorHandler);

  app.use(healthRoutes(deps));
  app.use(homeRoutes(deps));
  app.use(languageRoutes(deps, auth));
  // before the standards' pages: puts what the catalogue, history and version pages show of translations in their locals
  app.use(translationsRoutes(deps));
  app.use(standardsRoutes(deps));
  app.use(searchRoutes(deps));
  app.use(signinRoutes(deps, auth));
  app.use(twoFactorRoutes(deps, auth));
  app.use(usersRoutes(auth));
  app.use(wordRoutes(deps, diffs, words));
  app.use(diffRoutes(deps, diffs));
  app.use(requirementsRoutes(deps, registers));
  app.use(draftsRoutes(deps));
  app.use(consultationsRoutes(deps));
  app.use(ballotsRoutes(deps));
  app.use(endorsementRoutes(deps));
  app.use(organisationsRoutes(deps));
  app.use(privacyRoutes(deps, auth));
  app.use(feedsRoutes(deps));
  app.use(proposalsRoutes(deps));
  app.use(myworkRoutes(deps));
  app.use(watchingRoutes(deps));
  app.use(notificationsRoutes(deps));

  app.use(notFound);
  app.use(errorHandler);
  return { app, auth, bearerApp, tokens, jsons };
}
