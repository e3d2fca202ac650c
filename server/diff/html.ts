/**
 * HTML for a version diff: plain string building, every piece of clause text through `escapeHtml`.
 * Works without JavaScript (folded clauses are `<details>`) and without colour: insertions and deletions
 * are `<ins>`/`<del>` (underlined / struck through by default, in print too) and carry visually hidden
 * "[inserted: …]" / "[deleted: …]" markers that screen readers read out. A deletion followed at once by
 * an insertion is separated by a visible arrow ("25 → 50 m", not "2550 m"), hidden from screen readers
 * (their markers already separate the two). In a changed clause, the requirement verbs and numbers that
 * the summary reads are wrapped in <mark> inside the <ins>/<del>: bold, so they stand out in print too.
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
 *   diff-to                     the arrow between a deletion and the insertion that replaces it
 *   diff-term diff-verb|diff-number   a changed requirement verb / number with its unit (<mark>)
 *   diff-side, diff-old, diff-new   side-by-side: the pair of columns, the old and the new column
 *   diff-piece                  on diff-clause, a piece of a split or one of the clauses of a merge
 *   diff-origin                 side-by-side, above each column of a piece: the clause it came from / is now
 *   diff-folded                 the <details> holding a run of unchanged clauses (changes only)
 *   sr-only                     visually hidden, read by screen readers
 */
import { type ChangeLink, type ClauseDiff, type TermChange, type TermSpan, type VersionDiff, changeAnchor, changedTermSpans } from './summary.ts';
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

const SPECIAL = /[&<>"']/;

export function escapeHtml(s: string): string {
  // most text has nothing to escape: a test costs less than a replace that may call back
  return SPECIAL.test(s) ? s.replace(/[&<>"']/g, (c) => ESCAPES[c]!) : s;
}

/** What renderClause needs beyond the entry: where it is, and the splits and merges of the diff. */
interface Context {
  opts: RenderOptions;
  /** merged entries share an anchor: the id goes on the first */
  seen: Set<string>;
  /** from_ref → the refs of its pieces; to_ref → the refs merged into it (only for more than one) */
  splits: Map<string, string[]>;
  merges: Map<string, string[]>;
}

export function renderDiffHtml(diff: VersionDiff, opts: RenderOptions): string {
  const out: string[] = [];
  const ctx: Context = { opts, seen: new Set(), splits: new Map(), merges: new Map() };
  for (const n of diff.summary.splits ?? []) ctx.splits.set(n.from_ref, n.to_refs);
  for (const n of diff.summary.merges ?? []) ctx.merges.set(n.to_ref, n.from_refs);
  let folded: ClauseDiff[] = [];
  const flushFolded = () => {
    if (folded.length) renderFolded(folded, ctx, out);
    folded = [];
  };
  for (const c of diff.clauses) {
    if (opts.changesOnly && isQuiet(c)) {
      folded.push(c);
      continue;
    }
    flushFolded();
    out.push(renderClause(c, ctx));
  }
  flushFolded();
  return out.join('\n');
}

function isQuiet(c: ClauseDiff): boolean {
  return c.status === 'unchanged' && !c.moved && !c.renumbered;
}

/**
 * A run of unchanged clauses in a <details>, added to `out` line by line (`out` is joined with line
 * breaks): no string of the whole run is made only to be copied into the page's.
 */
function renderFolded(run: ClauseDiff[], ctx: Context, out: string[]): void {
  const first = shown(run[0]!.to_ref);
  const last = shown(run.at(-1)!.to_ref);
  const label =
    run.length === 1 ? `1 unchanged clause (${first})` : `${run.length} unchanged clauses (${first} to ${last})`;
  out.push(`<details class="diff-folded"><summary>${escapeHtml(label)}</summary>`);
  for (let k = 0; k < run.length; k++) out.push(quietClause(run[k]!, ctx) ?? renderClause(run[k]!, ctx));
  out.push('</details>');
}

/**
 * What renderClause makes of an unchanged clause in place, inline, that is no piece of a split or merge
 * (most of a document), made without its general steps; null for any other clause.
 */
function quietClause(c: ClauseDiff, ctx: Context): string | null {
  if (!isQuiet(c) || ctx.opts.view !== 'inline' || c.from_heading !== undefined || c.from_ref !== c.to_ref || pieceOf(c, ctx) !== null) return null;
  let body = '';
  for (let k = 0; k < c.parts.length; k++) {
    if (c.parts[k]!.op !== 'equal') return null;
    body += escapeHtml(c.parts[k]!.text);
  }
  const anchor = changeAnchor(c);
  const id = ctx.seen.has(anchor) ? '' : ` id="${escapeHtml(anchor)}"`;
  ctx.seen.add(anchor);
  const ref = escapeHtml(clauseNumber(c.to_ref ?? c.from_ref ?? ''));
  return `<section class="diff-clause diff-status-unchanged"${id}>\n<h3><span class="diff-ref">${ref}</span> <span class="diff-heading">${escapeHtml(c.heading)}</span></h3>\n<div class="diff-text">${body}</div>\n</section>`;
}

function renderClause(c: ClauseDiff, ctx: Context): string {
  const anchor = changeAnchor(c);
  const id = ctx.seen.has(anchor) ? '' : ` id="${escapeHtml(anchor)}"`;
  ctx.seen.add(anchor);
  const classes = ['diff-clause', `diff-status-${c.status}`];
  if (c.moved) classes.push('diff-moved');
  if (c.renumbered) classes.push('diff-renumbered');
  const piece = pieceOf(c, ctx);
  if (piece) classes.push('diff-piece');
  // as in the summary: verbs and numbers are read in changed clauses, not in whole added or removed ones
  const terms = c.status === 'changed' ? changedTermSpans(c.parts) : { old: [], new: [] };
  // a piece shows, above each column, the clause its old text is part of and the clause it is now
  const body =
    ctx.opts.view === 'inline'
      ? `<div class="diff-text">${inlineParts(c.parts, terms)}</div>`
      : `<div class="diff-side"><div class="diff-old diff-text">${piece ? origin(`From ${titleOf(c.from_ref, c.from_heading ?? c.heading)}`) : ''}${sideParts(c.parts, 'delete', terms.old)}</div><div class="diff-new diff-text">${piece ? origin(`Now ${titleOf(c.to_ref, c.heading)}`) : ''}${sideParts(c.parts, 'insert', terms.new)}</div></div>`;
  return `<section class="${classes.join(' ')}"${id}>\n${clauseTitle(c, piece)}\n${body}\n</section>`;
}

/** A piece's note above a column of the side-by-side view: the clause it came from, or is now in. */
function origin(text: string): string {
  return `<p class="diff-origin">${escapeHtml(text)}</p>`;
}

/** "split: 7.3 was split into 7.3 and 7.4" for a piece of a split, "merged: …" for a clause of a merge, else null. */
function pieceOf(c: ClauseDiff, ctx: Context): string | null {
  if (c.from_ref === null || c.to_ref === null) return null;
  const into = ctx.splits.get(c.from_ref);
  if (into) return `part of ${shown(c.from_ref)}, which was split into ${andList(into.map(shown))}`;
  const from = ctx.merges.get(c.to_ref);
  if (from) return `${andList(from.map(shown))} were merged into ${shown(c.to_ref)}`;
  return null;
}

function andList(xs: readonly string[]): string {
  return xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`;
}

/** "7.3 Medical support", "Annex A (normative) Records", "Foreword". */
function titleOf(ref: string | null, heading: string): string {
  const number = clauseNumber(ref ?? '');
  return number ? `${number} ${heading}` : heading;
}

function clauseTitle(c: ClauseDiff, piece: string | null): string {
  const ref = escapeHtml(clauseNumber(c.to_ref ?? c.from_ref ?? ''));
  const heading =
    c.from_heading !== undefined ? `${del(escapeHtml(c.from_heading))}${THEN}${ins(escapeHtml(c.heading))}` : escapeHtml(c.heading);
  const notes: string[] = [];
  if (c.status === 'added') notes.push('added');
  if (c.status === 'removed') notes.push('removed');
  const renumbered = c.from_ref !== null && c.to_ref !== null && c.from_ref !== c.to_ref;
  if (piece) notes.push(piece);
  else if (c.moved) notes.push(renumbered ? `moved from ${shown(c.from_ref)}` : 'moved');
  else if (renumbered) notes.push(`was ${shown(c.from_ref)}`);
  const note = notes.length ? ` <span class="diff-note">(${escapeHtml(notes.join(', '))})</span>` : '';
  return `<h3><span class="diff-ref">${ref}</span> <span class="diff-heading">${heading}</span>${note}</h3>`;
}

/** Between a deletion and the insertion right after it: seen (on screen and paper), not read out. */
const THEN = '<span class="diff-to" aria-hidden="true"> → </span>';

/** `html` is escaped already (it may hold the <mark>s of `marked`). */
function ins(html: string): string {
  return `<ins class="diff-ins"><span class="sr-only">[inserted: </span>${html}<span class="sr-only">]</span></ins>`;
}

function del(html: string): string {
  return `<del class="diff-del"><span class="sr-only">[deleted: </span>${html}<span class="sr-only">]</span></del>`;
}

/**
 * `text`, which starts at `offset` in its side of the clause, escaped, with the parts of it that belong
 * to a term of `spans` (sorted by start) wrapped in <mark>.
 */
export function marked(text: string, offset: number, spans: readonly TermSpan[]): string {
  let s = '';
  let at = 0; // within text
  for (const t of spans) {
    const start = Math.max(t.start - offset, at);
    const end = Math.min(t.end - offset, text.length);
    if (end <= start) continue;
    s += escapeHtml(text.slice(at, start)) + `<mark class="diff-term diff-${t.kind}">${escapeHtml(text.slice(start, end))}</mark>`;
    at = end;
  }
  return s + escapeHtml(text.slice(at));
}

function inlineParts(parts: readonly DiffPart[], terms: { old: readonly TermSpan[]; new: readonly TermSpan[] }): string {
  let s = '';
  let o = 0; // offsets in the old and the new text
  let n = 0;
  let prev: DiffPart['op'] | null = null;
  for (const p of parts) {
    if (p.op === 'equal') s += escapeHtml(p.text);
    else if (p.op === 'delete') s += del(marked(p.text, o, terms.old));
    else s += (prev === 'delete' ? THEN : '') + ins(marked(p.text, n, terms.new));
    if (p.op !== 'insert') o += p.text.length;
    if (p.op !== 'delete') n += p.text.length;
    prev = p.op;
  }
  return s;
}

/** One column of the side-by-side view: the equal parts and the changes of that side (`show`). */
function sideParts(parts: readonly DiffPart[], show: 'insert' | 'delete', spans: readonly TermSpan[]): string {
  let s = '';
  let at = 0; // offset in this side's text
  for (const p of parts) {
    if (p.op === 'equal') s += escapeHtml(p.text);
    else if (p.op === show) s += show === 'insert' ? ins(marked(p.text, at, spans)) : del(marked(p.text, at, spans));
    else continue;
    at += p.text.length;
  }
  return s;
}

export function renderSummaryHtml(diff: VersionDiff): string {
  const s = diff.summary;
  const moved = new Set(s.moved.map(pairKey));
  const merged = new Set(s.merged.map(pairOf));
  const pieces = new Set([...s.split, ...s.merged].map(pairKey));
  const sections = [
    list('Requirement verbs', s.verbs.map((t) => termItem(t, merged))),
    list('Numbers and units', s.numbers.map((t) => termItem(t, merged))),
    list('Clauses added', s.added.map((l) => linkItem(l, titled(l)))),
    list('Clauses removed', s.removed.map((l) => linkItem(l, titled(l)))),
    // a piece of a split or merge is listed there, in words, not also as moved or renumbered
    list('Clauses moved', s.moved.filter((l) => !pieces.has(pairKey(l))).map((l) => linkItem(l, moveText(l, 'was')))),
    // a clause moved and renumbered is listed once, under "moved", with its old number
    list('Clauses renumbered', s.renumbered.filter((l) => !moved.has(pairKey(l)) && !pieces.has(pairKey(l))).map((l) => linkItem(l, moveText(l, 'was')))),
    list('Clauses split', (s.splits ?? []).map((n) => linkItem(n, n.text))),
    list('Clauses merged', (s.merges ?? []).map((n) => linkItem(n, n.text))),
    list('Requirements moved to another clause', (s.moved_sentences ?? []).map((m) => linkItem(m, `“${m.text}”: moved from ${shown(m.from_ref)} to ${shown(m.to_ref)}${m.edited ? ', edited' : ''}`))),
  ].join('');
  const counts = `<p>${s.changed} ${s.changed === 1 ? 'clause' : 'clauses'} changed; ${s.words_added} words added, ${s.words_removed} words removed.</p>`;
  return `<section class="diff-summary">\n<h2>Summary of changes</h2>\n${counts}\n${sections}</section>`;
}

function list(title: string, items: string[]): string {
  if (!items.length) return '';
  return `<h3>${escapeHtml(title)}</h3>\n<ul class="diff-summary-list">\n${items.map((i) => `<li>${i}</li>`).join('\n')}\n</ul>\n`;
}

function linkItem(l: { anchor: string }, text: string): string {
  return `<a href="#${escapeHtml(l.anchor)}">${escapeHtml(text)}</a>`;
}

function refOf(l: Omit<ChangeLink, 'heading'>): string {
  return shown(l.to_ref ?? l.from_ref);
}

const pairKey = (l: ChangeLink) => `${l.from_ref}\u0000${l.to_ref}`;

/** "9.5 Informing communities", "Annex B Forms", "Foreword": as the clause's own title reads. */
function titled(l: ChangeLink): string {
  const number = clauseNumber(l.to_ref ?? l.from_ref ?? '');
  return number ? `${number} ${l.heading}` : l.heading;
}

/** "4.1 Records (was 4.2)". */
function moveText(l: ChangeLink, word: 'was'): string {
  return l.from_ref === l.to_ref || l.from_ref === null ? titled(l) : `${titled(l)} (${word} ${shown(l.from_ref)})`;
}

/**
 * "should → shall in 4.2", "shall added in 5.1", "50 m removed in 4.3"; for a sentence now in another
 * clause, "2 hours → 1 hour, moved from 7.3 to 7.4", or "3 m → 4 m in 6.1, was 6.2" when its clause was
 * merged into that one.
 */
function termItem(t: TermChange, merged: ReadonlySet<string>): string {
  const what = t.from !== null && t.to !== null ? `${t.from} → ${t.to}` : t.to !== null ? `${t.to} added` : `${t.from} removed`;
  if (!t.moved) return linkItem(t, `${what} in ${refOf(t)}`);
  if (merged.has(pairOf(t))) return linkItem(t, `${what} in ${shown(t.to_ref)}, was ${shown(t.from_ref)}`);
  return linkItem(t, `${what}, moved from ${shown(t.from_ref)} to ${shown(t.to_ref)}`);
}

const pairOf = (l: { from_ref: string | null; to_ref: string | null }) => `${l.from_ref}\u0000${l.to_ref}`;
