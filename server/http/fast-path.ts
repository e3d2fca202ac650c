import type { IncomingMessage, ServerResponse } from 'node:http';
import { LRUCache } from 'lru-cache';
import type { Deps } from '../deps.ts';
import { pageKey, pageVersion, parsePagePath, type PageKind } from '../standards/pages.ts';
import { fresh, sendCached, sendSlotted, VARY } from './page-cache.ts';
import { chooseLanguage, languageCookie, LANGUAGE_COOKIE } from '../i18n/index.ts';
import { userSlots, variantKey, type SlotLocals } from './user-slots.ts';

/**
 * Recognises a signed-in reader from the Cookie header (server/auth/middleware.ts quickReader, wired
 * by app.ts): null when the request must go through Express (no session, a timeout to enforce, a
 * write due, a second factor to ask for).
 */
export type SignedInReader = (cookieHeader: string, ref: string) => Promise<{ viewer: NonNullable<SlotLocals['viewer']>; csrfToken: string; watch?: SlotLocals['watch'] } | null>;

interface Known {
  ref: string;
  page: PageKind;
  revision: number;
  /** the key and ETag hold from `from` until `until` (ms) at this revision */
  from: number;
  until: number;
  key: string;
  etag: string;
  /** the headers of its 304, made once */
  notModified: string[];
}

const MAX_KNOWN = 10_000;

/**
 * Serves published pages that are already in the page cache to readers who are not signed in, and
 * answers their revalidations with 304, before Express: its routing and middleware cost more than
 * the rest of such a request. Anything else — a cookie, a token, a query string, a page not yet
 * rendered, a draft, another spelling of a ref — goes on to Express, which renders and fills the
 * cache. The key comes from the same functions as there (server/standards/pages.ts); what an address
 * resolved to is remembered per revision of its standard and until the clock can change it.
 *
 * Signed-in readers of the same pages get the public part cached for their rights with their own
 * header spliced in (server/http/user-slots.ts), when `signedIn` recognises them with one query and
 * nothing to write; Express rendered that public part first, and does everything else.
 */
export function fastPath(deps: Deps, signedIn?: SignedInReader) {
  // Bounded: any address under /standards/ can be asked for; the least recently asked are forgotten.
  const known = new LRUCache<string, Known>({ max: MAX_KNOWN });
  // A log line costs more than a cached answer (a third of the throughput, measured): each one is
  // logged at debug level, and a summary line at info level once a minute when there were any.
  const served = { pages: 0, notModified: 0, signedIn: 0 };
  const summary = setInterval(() => {
    if (!served.pages && !served.notModified && !served.signedIn) return;
    deps.logger.info({ fast_path: { ...served, seconds: 60 } }, 'cached public pages served');
    served.pages = served.notModified = served.signedIn = 0;
  }, 60_000);
  summary.unref();

  // What an address resolved to is remembered per language: the page's key and ETag name it.
  async function resolve(url: string, now: Date, lang: string): Promise<Known | null> {
    const t = now.getTime();
    const k = known.get(`${lang} ${url}`);
    const target = k ?? parsePagePath(url);
    if (!target) return null;
    const key = await deps.states.key(target.ref);
    if (!key || key.ref !== target.ref) return null;
    if (k && k.revision === key.revision && k.from <= t && t < k.until) return k;
    const snap = await deps.states.snapshot(key);
    if (!snap) return null;
    const { detail, until } = deps.states.publicDetail(snap, now);
    const v = pageVersion(detail, target.page);
    if (!v || v.state !== 'published') return null;
    const pageKeyString = pageKey(detail, v, target.page, lang);
    const etag = deps.pageCache.etagFor(pageKeyString);
    // Node's flat form: name, value, name, value.
    const notModified = ['ETag', etag, 'Vary', VARY, 'Cache-Control', 'no-cache'];
    const entry = { ref: target.ref, page: target.page, revision: detail.revision, from: t, until, key: pageKeyString, etag, notModified };
    known.set(`${lang} ${url}`, entry);
    return entry;
  }

  /** Without waiting, when the address and its standard's revision are remembered and still good. */
  function remembered(url: string, now: Date, lang: string): Known | undefined {
    const k = known.get(`${lang} ${url}`);
    if (!k) return undefined;
    const key = deps.states.cachedKey(k.ref);
    const t = now.getTime();
    return key && key.revision === k.revision && k.from <= t && t < k.until ? k : undefined;
  }

  /** true: answered; false: for Express; a promise of either when it had to look things up. */
  return (req: IncomingMessage, res: ServerResponse): boolean | Promise<boolean> => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.headers.authorization) return false;
    const url = req.url ?? '';
    // A %00 goes to Express, which refuses it (http/nul.ts) before any lookup: PostgreSQL would fail on it.
    if (!url.startsWith('/standards/') || url.includes('?') || /%00/i.test(url)) return false;
    const cookie = req.headers.cookie;
    // A reader who is not signed in may still carry their choice of language (the `lang` cookie alone).
    if (cookie && !onlyLanguage(cookie)) return signedIn ? signedInPage(req, res, url, cookie, signedIn) : false;
    const lang = chooseLanguage({ cookie: languageCookie(cookie), acceptLanguage: req.headers['accept-language'] });
    const now = deps.clock.now();
    const page = remembered(url, now, lang);
    if (page) return answer(req, res, page);
    return resolve(url, now, lang).then((p) => (p ? answer(req, res, p) : false));
  };

  async function signedInPage(req: IncomingMessage, res: ServerResponse, url: string, cookie: string, reader: SignedInReader): Promise<boolean> {
    const now = deps.clock.now();
    const target = parsePagePath(url);
    if (!target) return false;
    const who = await reader(cookie, target.ref);
    if (!who) return false;
    const lang = chooseLanguage({ cookie: languageCookie(cookie), account: who.viewer.language, acceptLanguage: req.headers['accept-language'] });
    const page = remembered(url, now, lang) ?? (await resolve(url, now, lang));
    if (!page) return false;
    const slotted = deps.pageCache.getSlotted(variantKey(page.key, who.viewer));
    if (!slotted) return false;
    sendSlotted(req, res, slotted, userSlots().render({ viewer: who.viewer, csrfToken: who.csrfToken, path: url, watch: who.watch, lang }));
    served.signedIn++;
    if (deps.logger.isLevelEnabled('debug')) deps.logger.debug({ req: { method: req.method, url }, res: { status: res.statusCode }, fast: true, signedIn: true }, 'request completed');
    return true;
  }

  function answer(req: IncomingMessage, res: ServerResponse, page: Known): boolean {
    const url = req.url;
    // The usual revalidation (the very ETag, no Cache-Control) is recognised without parsing; any other goes by Express's rules.
    const inm = req.headers['if-none-match'];
    if ((inm === page.etag && !req.headers['cache-control']) || (inm !== undefined && fresh(req, page.etag))) {
      res.writeHead(304, page.notModified);
      res.end();
      served.notModified++;
    } else {
      const cached = deps.pageCache.get(page.key);
      if (!cached) return false;
      for (const [k, val] of cached.headers) res.setHeader(k, val);
      sendCached(req, res, cached);
      served.pages++;
    }
    if (deps.logger.isLevelEnabled('debug')) deps.logger.debug({ req: { method: req.method, url }, res: { status: res.statusCode }, fast: true }, 'request completed');
    return true;
  }
}

/** Is the Cookie header only the reader's language (`lang=xx`), no session? */
function onlyLanguage(cookie: string): boolean {
  const parts = cookie.split(';').map((p) => p.trim()).filter(Boolean);
  return parts.length > 0 && parts.every((p) => p.startsWith(`${LANGUAGE_COOKIE}=`));
}
