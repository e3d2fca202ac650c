import type { IncomingMessage, ServerResponse } from 'node:http';
import { isUtf8 } from 'node:buffer';
import type { RequestHandler } from 'express';
import type { Deps } from '../deps.ts';
import type { Viewer } from '../auth/viewer.ts';
import { can } from '../auth/permissions.ts';
import { hasNul } from '../http/nul.ts';
import * as service from './service.ts';
import type { NewComment } from './repo.ts';
import { commentCreateSchema } from './validation.ts';
import { writerFor } from './writer.ts';

/** The largest JSON body taken: express.json's `limit: '2mb'` in app.ts (bytes, as body-parser counts them). */
export const BODY_LIMIT = 2 * 1024 * 1024;
const PATH = /^\/api\/v1\/consultations\/(\d{1,15})\/comments$/;
// What body-parser's json() parses as UTF-8 without a word: the type alone, or with charset utf-8.
const JSON_TYPE = /^application\/json[ \t]*(?:;[ \t]*charset=(?:utf-8|"utf-8")[ \t]*)?$/i;

/**
 * The token of a Bearer call as Express's would see it, or null when Express must say why not: the
 * token unknown, revoked or its user disabled (accounts/tokens.ts TokenCache, the same ≤ 1 s bound),
 * a second factor not enrolled by a role that needs one (twoFactorGate's rule). Wired by app.ts.
 */
export type BearerReader = (token: string) => Promise<Viewer | null>;

const FAILED = Symbol('fast comment write failed');
type Failed = IncomingMessage & { [FAILED]?: unknown; body?: unknown };

/**
 * For the API app (app.ts bearerApp), after the token and the second-factor gate: a comment the fast
 * path took but whose write failed (the database busy past the wait, the window shut in the writing
 * transaction) is answered by Express's error handler as the route's failure would have been, not
 * written again.
 */
export const fastCommentFailure: RequestHandler = (req, _res, next) => {
  const r = req as unknown as Failed;
  const err = r[FAILED];
  if (err === undefined) return next();
  // Cleared, not deleted: a delete would make the request an object of its own shape (http/shapes.ts).
  r[FAILED] = undefined;
  next(err);
};

type Taken<T> = { kind: 'taken'; value: T } | { kind: 'returned' } | { kind: 'gone' };

/**
 * Reads a body of `length` bytes (Content-Length) and decides on it at once, synchronously, in the tick
 * its last byte is read: `check` gives the value to keep, or undefined (or throws) to give the body
 * back to the stream unread (Readable#unshift, before its 'end'), so that Express's body parser reads
 * the very bytes and answers them itself. 'gone': the client went before sending it all.
 */
function takeBody<T>(req: IncomingMessage, length: number, check: (body: Buffer) => T | undefined): Taken<T> | Promise<Taken<T>> {
  // Usually the whole body came in the packets of the headers and is buffered already: taken at once.
  if (req.readableLength >= length && !req.readableEnded && !req.destroyed) {
    const body = req.read() as Buffer | null;
    if (body) return decide(req, body, length, check);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const stop = () => {
      req.removeListener('readable', onReadable);
      req.removeListener('close', onGone);
      req.removeListener('error', onGone);
    };
    const onGone = () => {
      stop();
      resolve({ kind: 'gone' });
    };
    function onReadable() {
      let c: Buffer | null;
      while (got < length && (c = req.read() as Buffer | null) !== null) {
        chunks.push(c);
        got += c.length;
      }
      if (got < length) return;
      stop();
      resolve(decide(req, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, got), length, check));
    }
    req.on('readable', onReadable);
    req.on('close', onGone);
    req.on('error', onGone);
  });
}

/** In the tick the body's last byte was read: kept (the stream let end), or put back for Express to read. */
function decide<T>(req: IncomingMessage, body: Buffer, length: number, check: (body: Buffer) => T | undefined): Taken<T> {
  let value: T | undefined;
  try {
    value = body.length === length ? check(body) : undefined;
  } catch {
    value = undefined;
  }
  if (value === undefined) {
    req.unshift(body);
    return { kind: 'returned' };
  }
  // Nothing is left to read: let the stream end, as a body parser's reading would.
  req.resume();
  return { kind: 'taken', value };
}

/**
 * `POST /api/v1/consultations/{id}/comments` with a Bearer token, before Express (issue 17): the cost
 * of a comment was Express's pipeline (router, body parser, request log, NUL scan, validation), not
 * its write. The same steps in a line: the token (TokenCache) and the second-factor rule (`reader`),
 * the permission (`can`, as `allow('comments.create')`), the consultation and its clauses (the
 * service's cached reads), the body (the same type, size limit, JSON, NUL refusal and zod schema),
 * the service's row (window, on behalf of whom, clause), the same writer with its audit event and
 * synchronous commit, and the answer Express sends — status, headers (helmet's, given as
 * `securityHeaders`), JSON — byte for byte.
 *
 * Whatever is not the plain case goes to Express, which answers it as it always has: another type,
 * charset or encoding, no Content-Length or a chunked body, a body over the limit, a bad token, a
 * refusal, a consultation not open or not visible, malformed JSON, a NUL, a field that fails
 * validation, a clause that is not in the draft. Up to its last byte the body is untouched or given
 * back unread (takeBody); after it, only the write can fail, and that failure is handed to Express's
 * error handler (fastCommentFailure) rather than written twice.
 *
 * Resolves true when it answered, false when Express must (the caller then runs the API app).
 * Each request is logged at debug level; a summary at info level once a minute.
 */
export function fastComments(deps: Deps, reader: BearerReader, securityHeaders: readonly string[]) {
  const ctx: service.Ctx = { db: deps.db, clock: deps.clock, states: deps.states, caches: deps.caches, logger: deps.logger };
  const writer = writerFor(ctx);
  let served = 0;
  const summary = setInterval(() => {
    if (!served) return;
    deps.logger.info({ fast_path: { comments: served, seconds: 60 } }, 'comments taken before Express');
    served = 0;
  }, 60_000);
  summary.unref();

  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== 'POST') return false;
    const m = PATH.exec(req.url ?? '');
    if (!m) return false;
    const h = req.headers;
    const declared = h['content-length'];
    if (!JSON_TYPE.test(h['content-type'] ?? '') || h['transfer-encoding'] !== undefined || h['content-encoding'] !== undefined) return false;
    if (!declared || !/^\d{1,7}$/.test(declared)) return false;
    const length = Number(declared);
    const auth = /^Bearer\s+(\S+)\s*$/i.exec(h.authorization ?? '');
    const id = Number(m[1]);
    if (length < 1 || length > BODY_LIMIT || !auth || id < 1) return false;

    // Before the body: who, whether they may, and where the comment goes. Any doubt: Express.
    // Meanwhile the writer knows a comment is coming, and lets its batch wait for it (a little).
    const arrived = writer.announce();
    try {
      return await take(req, res, id, length, auth[1]!, arrived);
    } finally {
      arrived();
    }
  };

  async function take(req: IncomingMessage, res: ServerResponse, id: number, length: number, token: string, arrived: () => void): Promise<boolean> {
    let viewer: Viewer | null;
    let target: service.SubmitTarget;
    try {
      viewer = await reader(token);
      if (!viewer || !can(viewer, 'comments.create')) return false;
      target = await service.submitTarget(ctx, viewer, id);
    } catch {
      return false;
    }
    const who = viewer;

    const taken = await takeBody(req, length, (body): { input: unknown; row: NewComment } | undefined => {
      if (!isUtf8(body)) return undefined;
      const input: unknown = JSON.parse(body.toString('utf8'));
      if (!input || typeof input !== 'object' || Array.isArray(input) || hasNul(input)) return undefined;
      const parsed = commentCreateSchema.safeParse(input);
      if (!parsed.success) return undefined;
      return { input, row: service.commentRowOf(target, who, parsed.data, deps.clock.now()) };
    });
    if (taken.kind === 'returned') return false;
    if (taken.kind === 'gone') {
      deps.logger.debug({ req: { method: req.method, url: req.url }, fast: true }, 'request aborted before its body was read');
      return true;
    }

    let json: string;
    let id2: number;
    try {
      const written = service.writeComment(ctx, who, taken.value.row);
      arrived();
      const saved = await written;
      id2 = saved.id;
      json = JSON.stringify(service.commentJson(saved));
    } catch (err) {
      deps.logger.debug({ req: { method: req.method, url: req.url }, fast: true, err }, 'comment write failed: answered by Express');
      const r = req as Failed;
      r.body = taken.value.input;
      r[FAILED] = err;
      // Express's body parser must find the body read (and leave req.body as it is).
      if (!req.readableEnded && !req.destroyed) await new Promise((resolve) => (req.once('end', resolve), req.once('close', resolve)));
      return !req.readableEnded;
    }
    res.writeHead(201, [...securityHeaders, 'Location', `/api/v1/comments/${id2}`, 'Content-Type', 'application/json; charset=utf-8', 'Content-Length', String(Buffer.byteLength(json))]);
    res.end(json);
    served++;
    if (deps.logger.isLevelEnabled('debug')) deps.logger.debug({ req: { method: req.method, url: req.url }, res: { status: 201 }, fast: true }, 'request completed');
    return true;
  }
}
