/**
 * A translation as HTML: the same sections and anchors (`#clause-<ref>`) as the English page
 * (versions/render.ts), the clause numbers as the translation writes them. Pure.
 */
import { clauseAnchor, escapeHtml, renderClauses, renderMarkdown } from '../versions/render.ts';
import type { TranslatedClause } from './rules.ts';

export interface RenderWords {
  /** "Link to this clause", in the reader's interface language */
  linkTitle: string;
}

function heading(c: { ref: string; label: string; heading: string; depth: number }, words: RenderWords, withId: boolean): string {
  const id = escapeHtml(clauseAnchor(c.ref));
  const level = Math.min(c.depth + 1, 6);
  return [
    `<h${level} class="clause-heading">`,
    c.label ? `<span class="clause-number">${escapeHtml(c.label)}</span> ` : '',
    escapeHtml(c.heading),
    withId ? ` <a class="clause-link" href="#${id}" title="${escapeHtml(words.linkTitle)}" aria-label="${escapeHtml(`${words.linkTitle}: ${`${c.label} ${c.heading}`.trim()}`)}">§</a>` : '',
    `</h${level}>`,
  ].join('');
}

/** The whole translated text: one section per clause, each with the English clause's anchor. */
export function renderTranslation(clauses: readonly TranslatedClause[], words: RenderWords): string {
  return clauses.map((c) => `<section class="clause depth-${c.depth}" id="${escapeHtml(clauseAnchor(c.ref))}">${heading(c, words, true)}${renderMarkdown(c.text)}</section>`).join('');
}

export interface SideBySideRow {
  ref: string;
  anchor: string;
  translated: string;
  english: string;
}

/**
 * Clause by clause, in the English order: the translated clause beside the English one it renders,
 * both sides rendered as on their own pages; the row carries the anchor.
 */
export function sideBySide(translated: readonly TranslatedClause[], english: readonly { ref: string; heading: string; text: string; depth: number }[], words: RenderWords): SideBySideRow[] {
  const byRef = new Map(translated.map((c) => [c.ref, c]));
  return english.map((e) => {
    const t = byRef.get(e.ref);
    return {
      ref: e.ref,
      anchor: clauseAnchor(e.ref),
      translated: t ? `${heading(t, words, false)}${renderMarkdown(t.text)}` : '',
      // the English side exactly as the English page renders it, without its section's id (the row has it)
      english: renderClauses([e]).replace(/^<section [^>]*>/, '').replace(/<\/section>$/, '').replace(/ <a class="clause-link"[^>]*>§<\/a>/, ''),
    };
  });
}
