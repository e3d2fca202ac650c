import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Deps } from '../deps.ts';
import { pageKey, pageVersion, parsePagePath } from '../standards/pages.ts';
import { fresh, sendCached, sendNotModified } from './page-cache.ts';

/**
 * Serves published pages that are already in the page cache to readers who are not signed in, and
 * answers their revalidations with 304, before Express: its routing and middleware cost more than
 * the rest of such a request. Anything else — a cookie, a token, a query string, a page not yet
 * rendered, a draft, another spelling of a ref — goes on to Express, which renders and fills the
 * cache. The key comes from the same functions as there (server/standards/pages.ts).
 */
export function fastPath(deps: Deps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.headers.cookie || req.headers.authorization) return false;
    const url = req.url ?? '';
    if (!url.startsWith('/standards/') || url.includes('?')) return false;
    const target = parsePagePath(url);
    if (!target) return false;
    const key = await deps.states.key(target.ref);
    if (!key || key.ref !== target.ref) return false;
    const snap = await deps.states.snapshot(key);
    if (!snap) return false;
    const detail = deps.states.publicDetail(snap, deps.clock.now());
    const v = pageVersion(detail, target.page);
    if (!v || v.state !== 'published') return false;
    const pageKeyString = pageKey(detail, v, target.page);
    const etag = deps.pageCache.etagFor(pageKeyString);
    const started = performance.now();
    if (fresh(req, etag)) {
      sendNotModified(res, etag);
    } else {
      const page = deps.pageCache.get(pageKeyString);
      if (!page) return false;
      for (const [k, val] of page.headers) res.setHeader(k, val);
      sendCached(req, res, page);
    }
    deps.logger.info({ req: { method: req.method, url }, res: { status: res.statusCode }, responseTime: Math.round(performance.now() - started), fast: true }, 'request completed');
    return true;
  };
}
