/**
 * HTML for a version diff: plain string building, every piece of clause text through `escapeHtml`.
 * Works without JavaScript (folded clauses are `<details>`) and without colour: insertions and deletions
 * are `<ins>`/`<del>` (underlined / struck through by default, in print too) and carry visually hidden
 * "[inserted: …]" / "[deleted: …]" markers that screen readers read out.
 *
 * CSS classes (public/style.css):
 *   diff-summary                the summary block; diff-summary-list one of its lists
 *   diff-clause                 one clause entry (<section>, id = its anchor, e.g. change-4.2)
 *   diff-status-changed|added|removed|unchanged   on diff-clause, its status
 *   diff-moved, diff-renumbered on diff-clause, when it moved / was renumbered
 *   diff-ref, diff-heading      clause number and heading in the entry's <h3>
 *   diff-note                   "moved", "renumbered from 4.3" remarks beside the heading
 *   diff-text                   a clause body (Markdown source: keep `white-space: pre-wrap`)
 *   diff-ins, diff-del          an inserted / deleted run (<ins>, <del>): keep the text decoration
 *   diff-side, diff-old, diff-new   side-by-side: the pair of columns, the old and the new column
 *   diff-folded                 the <details> holding a run of unchanged clauses (changes only)
 *   sr-only                     visually hidden, read by screen readers
 */
import { type ChangeLink, type ClauseDiff, type TermChange, type VersionDiff, changeAnchor } from './summary.ts';
import type { DiffPart } from './words.ts';
import { clauseNumber } from '../versions/parse.ts';

/** How a ref reads to people: 4.2, Annex A, A.1, Foreword. */
function shown(ref: string | null): string {
  if (!ref) return '';
  return clauseNumber(ref) || ref.charAt(0).toUpperCase() + ref.slice(1).replace(/-/g, ' ');
}

export interface RenderOptions {
  view: 'inline' | 'side-by-side';
  /** fold runs of unchanged clauses into a <details> */
  changesOnly: boolean;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export function renderDiffHtml(diff: VersionDiff, opts: RenderOptions): string {
  const out: string[] = [];
  const seen = new Set<string>(); // merged entries share an anchor: the id goes on the first
  let folded: ClauseDiff[] = [];
  const flushFolded = () => {
    if (folded.length) out.push(renderFolded(folded, opts, seen));
    folded = [];
  };
  for (const c of diff.clauses) {
    if (opts.changesOnly && isQuiet(c)) {
      folded.push(c);
      continue;
    }
    flushFolded();
    out.push(renderClause(c, opts, seen));
  }
  flushFolded();
  return out.join('\n');
}

function isQuiet(c: ClauseDiff): boolean {
  return c.status === 'unchanged' && !c.moved && !c.renumbered;
}

function renderFolded(run: ClauseDiff[], opts: RenderOptions, seen: Set<string>): string {
  const first = shown(run[0]!.to_ref);
  const last = shown(run.at(-1)!.to_ref);
  const label =
    run.length === 1 ? `1 unchanged clause (${first})` : `${run.length} unchanged clauses (${first} to ${last})`;
  return `<details class="diff-folded"><summary>${escapeHtml(label)}</summary>\n${run.map((c) => renderClause(c, opts, seen)).join('\n')}\n</details>`;
}

function renderClause(c: ClauseDiff, opts: RenderOptions, seen: Set<string>): string {
  const anchor = changeAnchor(c);
  const id = seen.has(anchor) ? '' : ` id="${escapeHtml(anchor)}"`;
  seen.add(anchor);
  const classes = ['diff-clause', `diff-status-${c.status}`];
  if (c.moved) classes.push('diff-moved');
  if (c.renumbered) classes.push('diff-renumbered');
  const body =
    opts.view === 'inline'
      ? `<div class="diff-text">${inlineParts(c.parts)}</div>`
      : `<div class="diff-side"><div class="diff-old diff-text">${sideParts(c.parts, 'delete')}</div><div class="diff-new diff-text">${sideParts(c.parts, 'insert')}</div></div>`;
  return `<section class="${classes.join(' ')}"${id}>\n${clauseTitle(c)}\n${body}\n</section>`;
}

function clauseTitle(c: ClauseDiff): string {
  const ref = escapeHtml(clauseNumber(c.to_ref ?? c.from_ref ?? ''));
  const heading =
    c.from_heading !== undefined ? `${del(c.from_heading)} ${ins(c.heading)}` : escapeHtml(c.heading);
  const notes: string[] = [];
  if (c.status === 'added') notes.push('added');
  if (c.status === 'removed') notes.push('removed');
  if (c.from_ref !== null && c.to_ref !== null && c.from_ref !== c.to_ref) notes.push(`was ${shown(c.from_ref)}`);
  if (c.moved) notes.push('moved');
  const note = notes.length ? ` <span class="diff-note">(${escapeHtml(notes.join(', '))})</span>` : '';
  return `<h3><span class="diff-ref">${ref}</span> <span class="diff-heading">${heading}</span>${note}</h3>`;
}

function ins(text: string): string {
  return `<ins class="diff-ins"><span class="sr-only">[inserted: </span>${escapeHtml(text)}<span class="sr-only">]</span></ins>`;
}

function del(text: string): string {
  return `<del class="diff-del"><span class="sr-only">[deleted: </span>${escapeHtml(text)}<span class="sr-only">]</span></del>`;
}

function inlineParts(parts: readonly DiffPart[]): string {
  let s = '';
  for (const p of parts) s += p.op === 'equal' ? escapeHtml(p.text) : p.op === 'insert' ? ins(p.text) : del(p.text);
  return s;
}

/** One column of the side-by-side view: the equal parts and the changes of that side (`show`). */
function sideParts(parts: readonly DiffPart[], show: 'insert' | 'delete'): string {
  let s = '';
  for (const p of parts) {
    if (p.op === 'equal') s += escapeHtml(p.text);
    else if (p.op === show) s += show === 'insert' ? ins(p.text) : del(p.text);
  }
  return s;
}

export function renderSummaryHtml(diff: VersionDiff): string {
  const s = diff.summary;
  const sections = [
    list('Requirement verbs', s.verbs.map((t) => termItem(t))),
    list('Numbers and units', s.numbers.map((t) => termItem(t))),
    list('Clauses added', s.added.map((l) => linkItem(l, refOf(l)))),
    list('Clauses removed', s.removed.map((l) => linkItem(l, refOf(l)))),
    list('Clauses moved', s.moved.map((l) => linkItem(l, moveText(l)))),
    list('Clauses renumbered', s.renumbered.map((l) => linkItem(l, moveText(l)))),
    list('Clauses split', s.split.map((l) => linkItem(l, moveText(l)))),
    list('Clauses merged', s.merged.map((l) => linkItem(l, moveText(l)))),
  ].join('');
  const counts = `<p>${s.changed} ${s.changed === 1 ? 'clause' : 'clauses'} changed; ${s.words_added} words added, ${s.words_removed} words removed.</p>`;
  return `<section class="diff-summary">\n<h2>Summary of changes</h2>\n${counts}\n${sections}</section>`;
}

function list(title: string, items: string[]): string {
  if (!items.length) return '';
  return `<h3>${escapeHtml(title)}</h3>\n<ul class="diff-summary-list">\n${items.map((i) => `<li>${i}</li>`).join('\n')}\n</ul>\n`;
}

function linkItem(l: ChangeLink, text: string): string {
  return `<a href="#${escapeHtml(l.anchor)}">${escapeHtml(text)}</a>`;
}

function refOf(l: ChangeLink): string {
  return shown(l.to_ref ?? l.from_ref);
}

function moveText(l: ChangeLink): string {
  return l.from_ref === l.to_ref ? refOf(l) : `${shown(l.from_ref)} → ${shown(l.to_ref)}`;
}

/** "should → shall in 4.2", "shall added in 5.1", "50 m removed in 4.3" */
function termItem(t: TermChange): string {
  const what = t.from !== null && t.to !== null ? `${t.from} → ${t.to}` : t.to !== null ? `${t.to} added` : `${t.from} removed`;
  return linkItem(t, `${what} in ${refOf(t)}`);
}
