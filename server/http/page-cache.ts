import crypto from 'node:crypto';
import zlib from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import isFresh from 'fresh';
import { LRUCache } from 'lru-cache';
import { piece, splice, spliceRaw, type Piece } from './gzip-splice.ts';
import { SLOTS, slotMarker } from './user-slots.ts';

export interface CachedPage {
  etag: string;
  html: Buffer;
  gzip: Buffer;
  /** headers set by the middleware when the page was rendered (security headers), replayed with it */
  headers: [string, string][];
  /** the Content-Type it is sent with: an HTML page, or an Atom feed (server/feeds/) */
  type: string;
}

const HTML = 'text/html; charset=utf-8';
/** A page differs by encoding, by who is signed in and by language (server/i18n/: cookie, account, Accept-Language). */
export const VARY = 'Accept-Encoding, Cookie, Accept-Language';
const WHOLE = Symbol('rendered whole');

/** A page's public part for signed-in readers: the text between its per-user slots, compressed once. */
export interface SlottedPage {
  pieces: Piece[];
  headers: [string, string][];
}

const OWN_HEADERS = new Set(['etag', 'vary', 'cache-control', 'content-type', 'content-length', 'content-encoding', 'set-cookie']);

/**
 * Pages rendered once for readers who are not signed in. The key names everything the bytes depend
 * on (version, language, the standard's revision, the day, open consultations), so the ETag can be
 * computed — and a 304 answered — before anything is rendered.
 *
 * Signed-in readers (issue 17): the same page rendered once per set of rights (user-slots.ts
 * variantKey) with markers in the layout's per-user slots — the header, the notices — kept as
 * compressed pieces; each request fills the slots (UserSlots.render) and sendSlotted splices them in.
 * A feature that shows something per user on a cached page (My work on the home page, a watch
 * button) renders it in a slot — a new marker in views/layouts/main.hbs, its name in SLOTS and a
 * partial of that name fed from the request's locals — never in the page body, which is shared.
 */
export class PageCache {
  // Least recently used pages go first once their bytes (HTML and gzip) pass maxBytes.
  private readonly pages: LRUCache<string, CachedPage>;
  // Signed-in readers' copies (one per page and set of rights), in their own part of the budget.
  private readonly slotted: LRUCache<string, SlottedPage | typeof WHOLE>;

  constructor(
    private readonly build: string,
    maxBytes = 64 * 1024 * 1024,
  ) {
    this.pages = new LRUCache({ maxSize: maxBytes, sizeCalculation: (p) => p.html.length + p.gzip.length });
    this.slotted = new LRUCache({ maxSize: Math.ceil(maxBytes / 2), sizeCalculation: (p) => (p === WHOLE ? 1 : p.pieces.reduce((n, x) => n + x.raw.length + x.deflated.length, 0) || 1) });
  }

  /** The public part for signed-in readers; null: this page is rendered whole for each (see putSlotted); undefined: not cached. */
  getSlotted(key: string): SlottedPage | null | undefined {
    const p = this.slotted.get(key);
    return p === WHOLE ? null : p;
  }

  /**
   * Keeps a page rendered with `slots: true` (server/http/user-slots.ts) and no CSRF token: cut at its
   * slot markers, which must all be there, in order. The headers are kept as put() keeps them. Null
   * when the page has a form of its own (then it is rendered whole, per request).
   */
  putSlotted(key: string, html: string, headers: Record<string, unknown> = {}): SlottedPage | null {
    // A form outside the slots (the secretariat's on a version page) carries the reader's CSRF token:
    // such a page is not the same for everyone with these rights. Remembered, and rendered whole.
    if (html.includes('name="_csrf"')) {
      this.slotted.set(key, WHOLE);
      return null;
    }
    const texts: string[] = [];
    let rest = html;
    for (const name of SLOTS) {
      const at = rest.indexOf(slotMarker(name));
      if (at < 0) throw new Error(`the page has no slot ${name}: render it with slots: true`);
      texts.push(rest.slice(0, at));
      rest = rest.slice(at + slotMarker(name).length);
    }
    texts.push(rest);
    const page = { pieces: texts.map((t, i) => piece(Buffer.from(t, 'utf8'), i === texts.length - 1)), headers: keptHeaders(headers) };
    this.slotted.set(key, page);
    return page;
  }

  etagFor(key: string): string {
    return `"${crypto.createHash('sha1').update(this.build).update(key).digest('base64url')}"`;
  }

  get(key: string): CachedPage | undefined {
    return this.pages.get(key);
  }

  put(key: string, html: string, headers: Record<string, unknown> = {}, type = HTML): CachedPage {
    const buf = Buffer.from(html, 'utf8');
    const page = { etag: this.etagFor(key), html: buf, gzip: zlib.gzipSync(buf, { level: 6 }), headers: keptHeaders(headers), type };
    // A page larger than the whole cache is served but not kept.
    this.pages.set(key, page);
    return page;
  }

  clear(): void {
    this.pages.clear();
    this.slotted.clear();
  }
}

/** The headers set so far that a cached answer replays: all but those it sets itself (`own`). */
export function keptHeaders(headers: Record<string, unknown>, own: ReadonlySet<string> = OWN_HEADERS): [string, string][] {
  return Object.entries(headers)
    .filter(([k, v]) => !own.has(k.toLowerCase()) && typeof v === 'string')
    .map(([k, v]) => [k, v as string] as [string, string]);
}

/**
 * A signed-in reader's copy: the cached public part with this request's slots (`fills`, from
 * UserSlots.render) between its pieces. Never cached by anyone else (it names the reader and holds
 * their CSRF token), so no ETag; gzip spliced without compressing the page again (gzip-splice.ts).
 */
export function sendSlotted(req: Req & Pick<IncomingMessage, 'method'>, res: Res, page: SlottedPage, fills: Buffer[]): void {
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const { chunks, length } = gzip ? splice(page.pieces, fills) : spliceRaw(page.pieces, fills);
  for (const [k, v] of page.headers) res.setHeader(k, v);
  res.setHeader('Cache-Control', 'private, no-store');
  res.setHeader('Vary', VARY);
  res.setHeader('Content-Type', HTML);
  if (gzip) res.setHeader('Content-Encoding', 'gzip');
  res.setHeader('Content-Length', length);
  if (req.method === 'HEAD') return void res.end();
  res.cork();
  for (const c of chunks) res.write(c);
  res.end();
  res.uncork();
}

/** May the request's copy (If-None-Match, weak or strong) be used, so a 304 answers? The rules are Express's own (the `fresh` package). */
export function fresh(req: Req, etag: string): boolean {
  return isFresh(req.headers, { etag });
}

export function sendNotModified(res: Res, etag: string): void {
  res.statusCode = 304;
  res.setHeader('ETag', etag);
  res.setHeader('Vary', VARY);
  res.setHeader('Cache-Control', 'no-cache');
  res.end();
}

type Req = Pick<IncomingMessage, 'headers'>;
type Res = ServerResponse;

export function sendCached(req: Req, res: Res, page: CachedPage): void {
  res.setHeader('ETag', page.etag);
  res.setHeader('Vary', VARY);
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('Content-Type', page.type);
  if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    res.setHeader('Content-Encoding', 'gzip');
    res.setHeader('Content-Length', page.gzip.length);
    res.end(page.gzip);
  } else {
    res.setHeader('Content-Length', page.html.length);
    res.end(page.html);
  }
}
