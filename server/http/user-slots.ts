/**
 * The per-user regions of a page (issue 17 item 2). A published page is the same for every reader
 * with the same rights; only a few regions name the reader. The layout (views/layouts/main.hbs) has
 * one slot per region; a page rendered for the cache with `slots: true` carries a marker in each, and
 * each request fills them from the partial of the same name, rendered here with the request's
 * locals — the very partial the layout includes when it renders a page whole, so both give the same
 * bytes. Slots, in page order:
 *   - user-header  (views/partials/site-header.hbs): who is signed in, the sign-out form and its CSRF
 *     token, the links of the reader's role;
 *   - user-notices (views/partials/user-notices.hbs): `userNotices`, short per-user notices at the top
 *     of <main> (role-specific notices; "My work" and watch buttons belong here or in a slot of their
 *     own: add a marker to the layout, its name to SLOTS and a partial of that name);
 *   - user-watch   (views/partials/user-watch.hbs, in the standards' title block): the reader's watch
 *     button for this standard (issue 16), from `watch` — looked up per request with the session.
 * What the rest of the page may depend on: the role and whether the e-mail address is verified (all
 * `can(viewer, …)` reads), which are in the cache key (variantKey); anything about one user goes in
 * a slot. A page whose body depends on one user (a `?done=` notice) is rendered whole.
 */
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { LRUCache } from 'lru-cache';
import { helpers } from './helpers/index.ts';
import { languageChoices } from '../i18n/middleware.ts';

export const SLOTS = ['user-header', 'user-notices', 'user-watch'] as const;
export const slotMarker = (name: (typeof SLOTS)[number]): string => `<!--imas:slot ${name}-->`;

/** What the slots are rendered from (the layout's own locals). */
export interface SlotLocals {
  viewer: { role: string; emailVerified?: boolean; name: string; language?: string | null } | null;
  csrfToken?: string;
  path: string;
  /** the page's language (server/i18n/): the slots are written in it, the switcher marks it */
  lang?: string;
  userNotices?: string[];
  /** the reader's watch of the page's standard (server/watching/service.ts watchStateOf, watchStateOfRows) */
  watch?: { watching: boolean; via: string | null; watch_id: number | null; ref: string } | null;
}

const partialsDir = path.resolve(import.meta.dirname, '../../views/partials');

// Stand-ins for the two values of a slot that name the reader: they pass Handlebars' escaping as they
// are, so a slot rendered with them is cut at them and the reader's own (escaped) values put in.
const NAME = '\u0000imas:name\u0000';
const CSRF = '\u0000imas:csrf\u0000';
const HOLES = /\u0000imas:(name|csrf)\u0000/;

/** A slot rendered once for everyone with the same rights, language, page and watch: text, then holes and the text after each. */
interface Shape {
  texts: string[];
  holes: ('name' | 'csrf')[];
}

export class UserSlots {
  private readonly templates: Handlebars.TemplateDelegate[];
  /**
   * The slots rendered once per shape (language, role and verification — all that `can` reads —, page,
   * watch state) with stand-ins for the reader's name and CSRF token: rendering the header anew per
   * request (its translations, the language switcher) cost more than the rest of a signed-in answer
   * but the socket write (issue 17, measured). Bounded; the least recently used are forgotten.
   */
  private readonly shapes = new LRUCache<string, Shape[]>({ max: 2_000 });

  constructor() {
    const hb = Handlebars.create();
    for (const [name, fn] of Object.entries(helpers)) hb.registerHelper(name, fn as Handlebars.HelperDelegate);
    // The partials the slots include (the watch button's form and its CSRF field), trimmed likewise.
    for (const name of ['auth/csrf', 'watching/button']) hb.registerPartial(name, fs.readFileSync(path.join(partialsDir, `${name}.hbs`), 'utf8').trim());
    const partial = (name: string) => (name === 'user-header' ? 'site-header' : name);
    // Trimmed, as express-handlebars compiles its templates and partials: the same bytes as the layout's.
    this.templates = SLOTS.map((s) => hb.compile(fs.readFileSync(path.join(partialsDir, `${partial(s)}.hbs`), 'utf8').trim()));
  }

  /** The slots' contents for one request, in page order. */
  render(locals: SlotLocals): Buffer[] {
    const key = shapeKey(locals);
    if (key === null) return this.renderWhole(locals).map((s) => Buffer.from(s, 'utf8'));
    let shapes = this.shapes.get(key);
    if (!shapes) {
      const rendered = this.renderWhole({ ...locals, viewer: locals.viewer && { ...locals.viewer, name: NAME }, csrfToken: CSRF });
      shapes = rendered.map(shapeOf);
      this.shapes.set(key, shapes);
    }
    const values = { name: Handlebars.escapeExpression(String(locals.viewer?.name)), csrf: Handlebars.escapeExpression(locals.csrfToken as string) };
    return shapes.map((sh) => {
      let out = sh.texts[0]!;
      for (let i = 0; i < sh.holes.length; i++) out += values[sh.holes[i]!] + sh.texts[i + 1]!;
      return Buffer.from(out, 'utf8');
    });
  }

  /** The slots rendered from these locals, without the shapes. */
  renderWhole(locals: SlotLocals): string[] {
    const all = { languages: languageChoices, ...locals, lang: locals.lang ?? 'en' };
    return this.templates.map((t) => t(all));
  }
}

/**
 * What the slots depend on besides the reader's name and CSRF token; null when they are rendered whole
 * (notices for this request, no reader, an empty name — bdi writes nothing for it —, no token).
 */
function shapeKey(l: SlotLocals & { languages?: unknown }): string | null {
  const v = l.viewer;
  if (!v || typeof v.name !== 'string' || !v.name || typeof l.csrfToken !== 'string') return null;
  if (l.userNotices?.length || (l.languages !== undefined && l.languages !== languageChoices)) return null;
  const w = l.watch;
  return [l.lang ?? 'en', v.role, v.emailVerified ? 'v' : 'u', l.path, w ? `${w.watching}|${w.via}|${w.watch_id}|${w.ref}` : '-'].join('\u0001');
}

function shapeOf(rendered: string): Shape {
  const parts = rendered.split(HOLES);
  // split with a capturing group: text, hole, text, hole, …, text
  return { texts: parts.filter((_, i) => i % 2 === 0), holes: parts.filter((_, i) => i % 2 === 1) as Shape['holes'] };
}

/** The cache key of a page's public part for a signed-in reader: the page's key and the reader's rights. */
export const variantKey = (pageKey: string, viewer: { role: string; emailVerified?: boolean }): string => `${pageKey}|as:${viewer.role}:${viewer.emailVerified ? 'v' : 'u'}`;

let shared: UserSlots | undefined;
/** The slots' templates, compiled once (as the views are: app 'view cache'). */
export const userSlots = (): UserSlots => (shared ??= new UserSlots());
