import crypto from 'node:crypto';
import zlib from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import isFresh from 'fresh';
import { LRUCache } from 'lru-cache';

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

const OWN_HEADERS = new Set(['etag', 'vary', 'cache-control', 'content-type', 'content-length', 'content-encoding', 'set-cookie']);

/**
 * Pages rendered once for readers who are not signed in. The key names everything the bytes depend
 * on (version, language, the standard's revision, the day, open consultations), so the ETag can be
 * computed — and a 304 answered — before anything is rendered.
 */
export class PageCache {
  // Least recently used pages go first once their bytes (HTML and gzip) pass maxBytes.
  private readonly pages: LRUCache<string, CachedPage>;

  constructor(
    private readonly build: string,
    maxBytes = 64 * 1024 * 1024,
  ) {
    this.pages = new LRUCache({ maxSize: maxBytes, sizeCalculation: (p) => p.html.length + p.gzip.length });
  }

  etagFor(key: string): string {
    return `"${crypto.createHash('sha1').update(this.build).update(key).digest('base64url')}"`;
  }

  get(key: string): CachedPage | undefined {
    return this.pages.get(key);
  }

  put(key: string, html: string, headers: Record<string, unknown> = {}, type = HTML): CachedPage {
    const buf = Buffer.from(html, 'utf8');
    const kept = Object.entries(headers)
      .filter(([k, v]) => !OWN_HEADERS.has(k.toLowerCase()) && typeof v === 'string')
      .map(([k, v]) => [k, v as string] as [string, string]);
    const page = { etag: this.etagFor(key), html: buf, gzip: zlib.gzipSync(buf, { level: 6 }), headers: kept, type };
    // A page larger than the whole cache is served but not kept.
    this.pages.set(key, page);
    return page;
  }

  clear(): void {
    this.pages.clear();
  }
}

/** May the request's copy (If-None-Match, weak or strong) be used, so a 304 answers? The rules are Express's own (the `fresh` package). */
export function fresh(req: Req, etag: string): boolean {
  return isFresh(req.headers, { etag });
}

export function sendNotModified(res: Res, etag: string): void {
  res.statusCode = 304;
  res.setHeader('ETag', etag);
  res.setHeader('Vary', 'Accept-Encoding, Cookie');
  res.setHeader('Cache-Control', 'no-cache');
  res.end();
}

type Req = Pick<IncomingMessage, 'headers'>;
type Res = ServerResponse;

export function sendCached(req: Req, res: Res, page: CachedPage): void {
  res.setHeader('ETag', page.etag);
  res.setHeader('Vary', 'Accept-Encoding, Cookie');
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
