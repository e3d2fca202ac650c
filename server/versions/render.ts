import MarkdownIt from 'markdown-it';
import { clauseNumber } from './parse.ts';
import { t } from '../i18n/index.ts';

// Raw HTML is shown as text, and links may only go to the web, mail or this site.
const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
// Anything a browser reads as a scheme (RFC 3986: a letter, then letters, digits, + - .) must be one of
// these; every other link must be relative to this site (an anchor, a path, never //host).
const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
const RELATIVE = /^(#|\/(?!\/)|\.{0,2}\/?[\w-])/;
export function isSafeLink(url: string): boolean {
  const u = url.trim();
  const scheme = SCHEME.exec(u)?.[1]?.toLowerCase();
  if (scheme === undefined) return RELATIVE.test(u);
  return scheme === 'mailto' || ((scheme === 'http' || scheme === 'https') && /^https?:\/\//i.test(u));
}
md.validateLink = isSafeLink;

export function renderMarkdown(text: string): string {
  return md.render(text);
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const clauseAnchor = (ref: string): string => `clause-${ref}`;

export interface RenderableClause {
  ref: string;
  heading: string;
  text: string;
  depth: number;
}

/** The words of a clause's own link (its title, and its name for a screen reader) in the page's language. */
export interface ClauseLinkWords {
  title: string;
  label: (clause: string) => string;
}
const englishLink: ClauseLinkWords = { title: 'Link to this clause', label: (clause) => `Link to ${clause}` };

export function clauseLinkWords(lng: string): ClauseLinkWords {
  if (lng === 'en') return englishLink;
  return { title: t(lng, 'translations:linkToClause'), label: (clause) => t(lng, 'standards:linkTo', { clause }) };
}

/** The full text of a version as HTML: one section per clause, each heading with its own link. */
export function renderClauses(clauses: RenderableClause[], link: ClauseLinkWords = englishLink): string {
  const out: string[] = [];
  for (const c of clauses) {
    const id = escapeHtml(clauseAnchor(c.ref));
    const level = Math.min(c.depth + 1, 6);
    const num = clauseNumber(c.ref);
    const label = num ? `${num} ${c.heading}`.trim() : c.heading;
    out.push(
      `<section class="clause depth-${c.depth}" id="${id}">`,
      `<h${level} class="clause-heading">`,
      num ? `<span class="clause-number">${escapeHtml(num)}</span> ` : '',
      `${escapeHtml(c.heading)}`,
      ` <a class="clause-link" href="#${id}" title="${escapeHtml(link.title)}" aria-label="${escapeHtml(link.label(label))}">§</a>`,
      `</h${level}>`,
      renderMarkdown(c.text),
      `</section>`,
    );
  }
  return out.join('');
}
