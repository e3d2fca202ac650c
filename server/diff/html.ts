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
  /** the words around the text, in the reader's language (English when not given) */
  words?: DiffWords;
}

/**
 * The words of the diff's HTML (notes, the summary's titles and sentences), English here. A page in
 * another language passes its own DiffWords, reading the same keys from locales/<lng>/diff.json
 * (`diff:html.<key>`, which holds these English texts: test/unit/i18n-diff.test.ts keeps them equal).
 * Keys ending in _one/_other are plural forms picked by `count`.
 */
export const DIFF_WORDS = {
  inserted: '[inserted: ',
  deleted: '[deleted: ',
  folded_one: '{{count}} unchanged clause ({{range}})',
  folded_other: '{{count}} unchanged clauses ({{range}})',
  range: '{{first}} to {{last}}',
  from: 'From {{title}}',
  now: 'Now {{title}}',
  partOfSplit: 'part of {{from}}, which was split into {{list}}',
  merged: '{{list}} were merged into {{to}}',
  split: '{{from}} was split into {{list}}',
  added: 'added',
  removed: 'removed',
  movedFrom: 'moved from {{from}}',
  moved: 'moved',
  was: 'was {{from}}',
  summaryTitle: 'Summary of changes',
  counts: '{{clauses}}; {{added}}, {{removed}}.',
  clausesChanged_one: '{{count}} clause changed',
  clausesChanged_other: '{{count}} clauses changed',
  wordsAdded_one: '{{count}} words added',
  wordsAdded_other: '{{count}} words added',
  wordsRemoved_one: '{{count}} words removed',
  wordsRemoved_other: '{{count}} words removed',
  verbs: 'Requirement verbs',
  numbers: 'Numbers and units',
  clausesAdded: 'Clauses added',
  clausesRemoved: 'Clauses removed',
  clausesMoved: 'Clauses moved',
  clausesRenumbered: 'Clauses renumbered',
  clausesSplit: 'Clauses split',
  clausesMerged: 'Clauses merged',
  sentencesMoved: 'Requirements moved to another clause',
  sentenceMoved: '“{{text}}”: moved from {{from}} to {{to}}',
  sentenceMovedEdited: '“{{text}}”: moved from {{from}} to {{to}}, edited',
  wasRef: '{{title}} (was {{from}})',
  termChanged: '{{from}} → {{to}}',
  termAdded: '{{term}} added',
  termRemoved: '{{term}} removed',
  termIn: '{{what}} in {{ref}}',
  termInWas: '{{what}} in {{to}}, was {{from}}',
  termMoved: '{{what}}, moved from {{from}} to {{to}}',
} as const;

export type DiffWordKey = keyof typeof DIFF_WORDS extends infer K ? (K extends `${infer B}_${'one' | 'other'}` ? B : K) : never;

export interface DiffWords {
  /** the text of `key` with its values put in; `count` picks the plural form */
  t(key: DiffWordKey, values?: Record<string, string | number>): string;
  /** "a, b and c" */
  list(xs: readonly string[]): string;
}

/**
 * A template with its {{placeholders}} filled in (one left as it is when no value is given). Each template
 * is cut once at its placeholders ([text, key, text, …, text]) and then filled by joining: a replace that
 * calls back for each placeholder costs more, and the summary fills one for each clause renumbered.
 */
function fill(template: string, values: Record<string, string | number> = {}): string {
  let parts = cutTemplates.get(template);
  if (!parts) cutTemplates.set(template, (parts = template.split(PLACEHOLDER)));
  let s = parts[0]!;
  for (let k = 1; k < parts.length; k += 2) {
    const key = parts[k]!;
    s += (key in values ? String(values[key]) : `{{${key}}}`) + parts[k + 1]!;
  }
  return s;
}

const PLACEHOLDER = /\{\{(\w+)\}\}/;
const cutTemplates = new Map<string, string[]>();

/** The English words: DIFF_WORDS as they are. */
export const englishWords: DiffWords = {
  t(key, values) {
    const table = DIFF_WORDS as Record<string, string>;
    const template = table[key] ?? table[`${key}_${values?.count === 1 ? 'one' : 'other'}`] ?? key;
    return fill(template, values);
  },
  list: andList,
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const SPECIAL = /[&<>"']/;

export function escapeHtml(s: string): string {
  // most text has nothing to escape: a test costs less than a replace that may call back; and five
  // native searches for one character each read a long text faster than one regexp for the five
  const special = s.length < 64 ? SPECIAL.test(s) : s.indexOf('&') >= 0 || s.indexOf('<') >= 0 || s.indexOf('>') >= 0 || s.indexOf('"') >= 0 || s.indexOf("'") >= 0;
  return special ? s.replace(/[&<>"']/g, (c) => ESCAPES[c]!) : s;
}

/** What renderClause needs beyond the entry: where it is, and the splits and merges of the diff. */
interface Context {
  opts: RenderOptions;
  w: DiffWords;
  /** merged entries share an anchor: the id goes on the first */
  seen: Set<string>;
  /** from_ref → the refs of its pieces; to_ref → the refs merged into it (only for more than one) */
  splits: Map<string, string[]>;
  merges: Map<string, string[]>;
}

export function renderDiffHtml(diff: VersionDiff, opts: RenderOptions): string {
  const out: string[] = [];
  const ctx: Context = { opts, w: opts.words ?? englishWords, seen: new Set(), splits: new Map(), merges: new Map() };
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
  const label = ctx.w.t('folded', { count: run.length, range: run.length === 1 ? first : ctx.w.t('range', { first, last }) });
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
      ? `<div class="diff-text">${inlineParts(c.parts, terms, ctx.w)}</div>`
      : `<div class="diff-side"><div class="diff-old diff-text">${piece ? origin(ctx.w.t('from', { title: titleOf(c.from_ref, c.from_heading ?? c.heading) })) : ''}${sideParts(c.parts, 'delete', terms.old, ctx.w)}</div><div class="diff-new diff-text">${piece ? origin(ctx.w.t('now', { title: titleOf(c.to_ref, c.heading) })) : ''}${sideParts(c.parts, 'insert', terms.new, ctx.w)}</div></div>`;
  return `<section class="${classes.join(' ')}"${id}>\n${clauseTitle(c, piece, ctx.w)}\n${body}\n</section>`;
}

/** A piece's note above a column of the side-by-side view: the clause it came from, or is now in. */
function origin(text: string): string {
  return `<p class="diff-origin">${escapeHtml(text)}</p>`;
}

/** "split: 7.3 was split into 7.3 and 7.4" for a piece of a split, "merged: …" for a clause of a merge, else null. */
function pieceOf(c: ClauseDiff, ctx: Context): string | null {
  if (c.from_ref === null || c.to_ref === null) return null;
  const into = ctx.splits.get(c.from_ref);
  if (into) return ctx.w.t('partOfSplit', { from: shown(c.from_ref), list: ctx.w.list(into.map(shown)) });
  const from = ctx.merges.get(c.to_ref);
  if (from) return ctx.w.t('merged', { list: ctx.w.list(from.map(shown)), to: shown(c.to_ref) });
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

function clauseTitle(c: ClauseDiff, piece: string | null, w: DiffWords): string {
  const ref = escapeHtml(clauseNumber(c.to_ref ?? c.from_ref ?? ''));
  const heading =
    c.from_heading !== undefined ? `${del(escapeHtml(c.from_heading), w)}${THEN}${ins(escapeHtml(c.heading), w)}` : escapeHtml(c.heading);
  const notes: string[] = [];
  if (c.status === 'added') notes.push(w.t('added'));
  if (c.status === 'removed') notes.push(w.t('removed'));
  const renumbered = c.from_ref !== null && c.to_ref !== null && c.from_ref !== c.to_ref;
  if (piece) notes.push(piece);
  else if (c.moved) notes.push(renumbered ? w.t('movedFrom', { from: shown(c.from_ref) }) : w.t('moved'));
  else if (renumbered) notes.push(w.t('was', { from: shown(c.from_ref) }));
  const note = notes.length ? ` <span class="diff-note">(${escapeHtml(notes.join(', '))})</span>` : '';
  return `<h3><span class="diff-ref">${ref}</span> <span class="diff-heading">${heading}</span>${note}</h3>`;
}

/** Between a deletion and the insertion right after it: seen (on screen and paper), not read out. */
const THEN = '<span class="diff-to" aria-hidden="true"> → </span>';

/** `html` is escaped already (it may hold the <mark>s of `marked`). */
function ins(html: string, w: DiffWords): string {
  return `<ins class="diff-ins"><span class="sr-only">${escapeHtml(w.t('inserted'))}</span>${html}<span class="sr-only">]</span></ins>`;
}

function del(html: string, w: DiffWords): string {
  return `<del class="diff-del"><span class="sr-only">${escapeHtml(w.t('deleted'))}</span>${html}<span class="sr-only">]</span></del>`;
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

function inlineParts(parts: readonly DiffPart[], terms: { old: readonly TermSpan[]; new: readonly TermSpan[] }, w: DiffWords): string {
  let s = '';
  let o = 0; // offsets in the old and the new text
  let n = 0;
  let prev: DiffPart['op'] | null = null;
  for (const p of parts) {
    if (p.op === 'equal') s += escapeHtml(p.text);
    else if (p.op === 'delete') s += del(marked(p.text, o, terms.old), w);
    else s += (prev === 'delete' ? THEN : '') + ins(marked(p.text, n, terms.new), w);
    if (p.op !== 'insert') o += p.text.length;
    if (p.op !== 'delete') n += p.text.length;
    prev = p.op;
  }
  return s;
}

/** One column of the side-by-side view: the equal parts and the changes of that side (`show`). */
function sideParts(parts: readonly DiffPart[], show: 'insert' | 'delete', spans: readonly TermSpan[], w: DiffWords): string {
  let s = '';
  let at = 0; // offset in this side's text
  for (const p of parts) {
    if (p.op === 'equal') s += escapeHtml(p.text);
    else if (p.op === show) s += show === 'insert' ? ins(marked(p.text, at, spans), w) : del(marked(p.text, at, spans), w);
    else continue;
    at += p.text.length;
  }
  return s;
}

export function renderSummaryHtml(diff: VersionDiff, w: DiffWords = englishWords): string {
  const s = diff.summary;
  const moved = new Set(s.moved.map(pairKey));
  const merged = new Set(s.merged.map(pairOf));
  const pieces = new Set([...s.split, ...s.merged].map(pairKey));
  const sections = [
    list(w.t('verbs'), s.verbs.map((t) => termItem(t, merged, w))),
    list(w.t('numbers'), s.numbers.map((t) => termItem(t, merged, w))),
    list(w.t('clausesAdded'), s.added.map((l) => linkItem(l, titled(l)))),
    list(w.t('clausesRemoved'), s.removed.map((l) => linkItem(l, titled(l)))),
    // a piece of a split or merge is listed there, in words, not also as moved or renumbered
    list(w.t('clausesMoved'), s.moved.filter((l) => !pieces.has(pairKey(l))).map((l) => linkItem(l, moveText(l, w)))),
    // a clause moved and renumbered is listed once, under "moved", with its old number
    list(w.t('clausesRenumbered'), s.renumbered.filter((l) => !moved.has(pairKey(l)) && !pieces.has(pairKey(l))).map((l) => linkItem(l, moveText(l, w)))),
    // the sentences of splits and merges from their refs (their `text`, in English, is the API's)
    list(w.t('clausesSplit'), (s.splits ?? []).map((n) => linkItem(n, w.t('split', { from: shown(n.from_ref), list: w.list(n.to_refs.map(shown)) })))),
    list(w.t('clausesMerged'), (s.merges ?? []).map((n) => linkItem(n, w.t('merged', { list: w.list(n.from_refs.map(shown)), to: shown(n.to_ref) })))),
    list(w.t('sentencesMoved'), (s.moved_sentences ?? []).map((m) => linkItem(m, w.t(m.edited ? 'sentenceMovedEdited' : 'sentenceMoved', { text: m.text, from: shown(m.from_ref), to: shown(m.to_ref) })))),
  ].join('');
  const counts = `<p>${escapeHtml(w.t('counts', { clauses: w.t('clausesChanged', { count: s.changed }), added: w.t('wordsAdded', { count: s.words_added }), removed: w.t('wordsRemoved', { count: s.words_removed }) }))}</p>`;
  return `<section class="diff-summary">\n<h2>${escapeHtml(w.t('summaryTitle'))}</h2>\n${counts}\n${sections}</section>`;
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
function moveText(l: ChangeLink, w: DiffWords): string {
  return l.from_ref === l.to_ref || l.from_ref === null ? titled(l) : w.t('wasRef', { title: titled(l), from: shown(l.from_ref) });
}

/**
 * "should → shall in 4.2", "shall added in 5.1", "50 m removed in 4.3"; for a sentence now in another
 * clause, "2 hours → 1 hour, moved from 7.3 to 7.4", or "3 m → 4 m in 6.1, was 6.2" when its clause was
 * merged into that one.
 */
function termItem(t: TermChange, merged: ReadonlySet<string>, w: DiffWords): string {
  const what = t.from !== null && t.to !== null ? w.t('termChanged', { from: t.from, to: t.to }) : t.to !== null ? w.t('termAdded', { term: t.to }) : w.t('termRemoved', { term: t.from ?? '' });
  if (!t.moved) return linkItem(t, w.t('termIn', { what, ref: refOf(t) }));
  if (merged.has(pairOf(t))) return linkItem(t, w.t('termInWas', { what, to: shown(t.to_ref), from: shown(t.from_ref) }));
  return linkItem(t, w.t('termMoved', { what, from: shown(t.from_ref), to: shown(t.to_ref) }));
}

const pairOf = (l: { from_ref: string | null; to_ref: string | null }) => `${l.from_ref}\u0000${l.to_ref}`;
