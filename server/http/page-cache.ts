import crypto from 'node:crypto';
import zlib from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface CachedPage {
  etag: string;
  html: Buffer;
  gzip: Buffer;
  /** headers set by the middleware when the page was rendered (security headers), replayed with it */
  headers: [string, string][];
}

const OWN_HEADERS = new Set(['etag', 'vary', 'cache-control', 'content-type', 'content-length', 'content-encoding', 'set-cookie']);

/**
 * Pages rendered once for readers who are not signed in. The key names everything the bytes depend
 * on (version, language, the standard's revision, the day, open consultations), so the ETag can be
 * computed — and a 304 answered — before anything is rendered.
 */
export class PageCache {
  private pages = new Map<string, CachedPage>();
  private bytes = 0;

  constructor(
    private readonly build: string,
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  etagFor(key: string): string {
    return `"${crypto.createHash('sha1').update(this.build).update(key).digest('base64url')}"`;
  }

  get(key: string): CachedPage | undefined {
    const page = this.pages.get(key);
    if (page) {
      // Map keeps insertion order: re-inserting marks it recently used.
      this.pages.delete(key);
      this.pages.set(key, page);
    }
    return page;
  }

  put(key: string, html: string, headers: Record<string, unknown> = {}): CachedPage {
    const buf = Buffer.from(html, 'utf8');
    const kept = Object.entries(headers)
      .filter(([k, v]) => !OWN_HEADERS.has(k.toLowerCase()) && typeof v === 'string')
      .map(([k, v]) => [k, v as string] as [string, string]);
    const page = { etag: this.etagFor(key), html: buf, gzip: zlib.gzipSync(buf, { level: 6 }), headers: kept };
    this.pages.set(key, page);
    this.bytes += page.html.length + page.gzip.length;
    for (const [k, p] of this.pages) {
      if (this.bytes <= this.maxBytes || this.pages.size === 1) break;
      this.pages.delete(k);
      this.bytes -= p.html.length + p.gzip.length;
    }
    return page;
  }

  clear(): void {
    this.pages.clear();
    this.bytes = 0;
  }
}

/** Does the request's If-None-Match name this ETag? */
export function fresh(req: Req, etag: string): boolean {
  const inm = req.headers['if-none-match'];
  if (!inm) return false;
  return inm === etag || inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
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
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    res.setHeader('Content-Encoding', 'gzip');
    res.setHeader('Content-Length', page.gzip.length);
    res.end(page.gzip);
  } else {
    res.setHeader('Content-Length', page.html.length);
    res.end(page.html);
  }
}
