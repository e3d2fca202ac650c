import { Feed } from 'feed';
import type { FeedModel } from './entries.ts';

export const ATOM_TYPE = 'application/atom+xml; charset=utf-8';

/**
 * The `feed` package writes entry titles and summaries as type="html" in CDATA: plain text must be
 * escaped as HTML first, or a title with "<" or "&" would be read as markup. (The feed's own title and
 * subtitle are XML text, which the package escapes itself.)
 */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The Atom document of a feed model. Pure: the same model gives the same bytes (no "now" in it). */
export function renderAtom(m: FeedModel): string {
  const feed = new Feed({
    id: m.self,
    title: m.title,
    description: m.subtitle,
    link: m.alternate,
    feedLinks: { atom: m.self },
    updated: new Date(m.updated),
    copyright: 'IMAS',
    generator: false,
  });
  for (const e of m.entries) {
    const date = new Date(e.updated);
    feed.addItem({ id: e.id, link: e.link, title: escapeHtml(e.title), date, published: date, description: escapeHtml(e.summary) });
  }
  const xml = feed.atom1();
  // The `feed` package writes no language: a feed in another language than English says which.
  return m.lang ? xml.replace('<feed xmlns="http://www.w3.org/2005/Atom">', `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${m.lang}">`) : xml;
}
