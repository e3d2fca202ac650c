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
  /** the reader's watch of the page's standard (server/watching/service.ts watchStateOfRef) */
  watch?: { watching: boolean; via: string | null; watch_id: number | null; ref: string } | null;
}

const partialsDir = path.resolve(import.meta.dirname, '../../views/partials');

export class UserSlots {
  private readonly templates: Handlebars.TemplateDelegate[];

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
    const all = { languages: languageChoices, ...locals, lang: locals.lang ?? 'en' };
    return this.templates.map((t) => Buffer.from(t(all), 'utf8'));
  }
}

/** The cache key of a page's public part for a signed-in reader: the page's key and the reader's rights. */
export const variantKey = (pageKey: string, viewer: { role: string; emailVerified?: boolean }): string => `${pageKey}|as:${viewer.role}:${viewer.emailVerified ? 'v' : 'u'}`;

let shared: UserSlots | undefined;
/** The slots' templates, compiled once (as the views are: app 'view cache'). */
export const userSlots = (): UserSlots => (shared ??= new UserSlots());
