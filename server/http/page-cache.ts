import crypto from 'node:crypto';
import zlib from 'node:zlib';
import type { Request, Response } from 'express';

export interface CachedPage {
  etag: string;
  html: Buffer;
  gzip: Buffer;
}

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

  put(key: string, html: string): CachedPage {
    const buf = Buffer.from(html, 'utf8');
    const page = { etag: this.etagFor(key), html: buf, gzip: zlib.gzipSync(buf, { level: 6 }) };
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
export function fresh(req: Request, etag: string): boolean {
  const inm = req.headers['if-none-match'];
  if (!inm) return false;
  return inm === etag || inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

export function sendNotModified(res: Response, etag: string): void {
  res.setHeader('ETag', etag);
  res.setHeader('Vary', 'Accept-Encoding, Cookie');
  res.status(304).end();
}

export function sendCached(req: Request, res: Response, page: CachedPage): void {
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
