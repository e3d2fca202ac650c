/**
 * What operators care about, from the clause entries of a diff: requirement verbs and numbers with units
 * that changed in a clause ("should → shall in 4.2", "50 m → 100 m in 4.2"), clauses added, removed,
 * moved, renumbered, split and merged, and words added and removed. Pure.
 *
 * Verbs and numbers are compared hunk by hunk of the word diff, so that a verb changed in place pairs up
 * with the one it replaced; anything left over is reported as added or removed.
 */
import { diffArrays } from 'diff';
import { type DiffPart, sideText } from './words.ts';

/** A clause entry of the JSON diff (design.md §5); parts cover the clause body. */
export interface ClauseDiff {
  status: 'unchanged' | 'changed' | 'added' | 'removed';
  moved: boolean;
  renumbered: boolean;
  from_ref: string | null;
  to_ref: string | null;
  /** the new heading (the old one for a removed clause) */
  heading: string;
  /** present only when the heading changed */
  from_heading?: string;
  parts: DiffPart[];
}

/** Where a change is: the anchor of its clause entry in the HTML diff, its refs and its heading. */
export interface ChangeLink {
  anchor: string;
  from_ref: string | null;
  to_ref: string | null;
  /** the clause's heading (the new one; the old one for a removed clause) */
  heading: string;
}

/** A verb or number in a clause: `from` null when added, `to` null when removed. (The summary reads "in 4.2": no heading.) */
export interface TermChange extends Omit<ChangeLink, 'heading'> {
  from: string | null;
  to: string | null;
}

export interface DiffSummary {
  verbs: TermChange[];
  numbers: TermChange[];
  added: ChangeLink[];
  removed: ChangeLink[];
  moved: ChangeLink[];
  renumbered: ChangeLink[];
  /** one entry per piece */
  split: ChangeLink[];
  /** one entry per old clause merged */
  merged: ChangeLink[];
  /** clauses whose text or heading changed */
  changed: number;
  words_added: number;
  words_removed: number;
}

/** What diffVersions (./index.ts) returns and ./html.ts renders: here, below both, so neither imports the other. */
export interface VersionDiff {
  summary: DiffSummary;
  clauses: ClauseDiff[];
}

const VERB = /\b(?:shall|should|must|can)(?:\s+not)?\b|\bcannot\b|\bmay(?:\s+not)?\b(?!\s+\d)/gi;
const UNIT = [
  'km²', 'km2', 'm²', 'm2', 'm³', 'm3', 'km/h', 'm/s', 'mm', 'cm', 'km', 'm', 'ha', 'mg', 'kg', 'g', 't',
  'ms', 's', 'sec', 'min', 'h', 'hrs?', 'kPa', 'MPa', 'kHz', 'MHz', 'Hz', 'kV', 'V', 'mA', 'kW', 'W', 'dB', 'J',
  'metres?', 'meters?', 'kilometres?', 'kilometers?', 'centimetres?', 'millimetres?', 'square metres?',
  'hectares?', 'grams?', 'kilograms?', 'tonnes?', 'seconds?', 'minutes?', 'hours?', 'days?', 'weeks?',
  'months?', 'years?', 'degrees?', 'per ?cent', 'percent',
].join('|');
// a number not glued to a word or a clause ref (4.2.1), then a unit that ends the word, or % or °C/°F
const NUMBER = new RegExp(`(?<![\\p{L}\\p{N}.,])\\d+(?:[.,]\\d+)?(?:\\s?(?:${UNIT})(?![\\p{L}\\p{N}²³])|\\s?%|\\s?°\\s?[CF])`, 'gu');

export interface Found {
  term: string;
  start: number;
  end: number;
}

function occurrences(text: string, re: RegExp, norm: (s: string) => string): Found[] {
  return [...text.matchAll(re)].map((m) => ({ term: norm(m[0]), start: m.index, end: m.index + m[0].length }));
}

const normVerb = (v: string) => v.toLowerCase().replace(/\s+/g, ' ');
const normNumber = (n: string) => n.replace(/^([\d.,]+)\s*/, '$1 ');

/** Requirement verbs in order of appearance, lower case, single-spaced: `should not`, `cannot`, `may`. */
export function findVerbs(text: string): string[] {
  return termsIn(text, 'verbs').map((f) => f.term);
}

/** Numbers with units in order of appearance, written `50 m`, `30 %`, `2.5 kg` whatever the spacing. */
export function findNumbers(text: string): string[] {
  return termsIn(text, 'numbers').map((f) => f.term);
}

/** Every verb or number of a text, with where it is. */
export function termsIn(text: string, kind: 'verbs' | 'numbers'): Found[] {
  return kind === 'verbs' ? occurrences(text, VERB, normVerb) : occurrences(text, NUMBER, normNumber);
}

/** A run of changes between two equal parts: its span in the old text and in the new. */
interface Hunk {
  old: [number, number];
  new: [number, number];
}

function hunks(parts: readonly DiffPart[]): Hunk[] {
  const out: Hunk[] = [];
  let o = 0;
  let n = 0;
  let cur: Hunk | null = null;
  for (const p of parts) {
    if (p.op === 'equal') {
      o += p.text.length;
      n += p.text.length;
      cur = null;
      continue;
    }
    if (!cur) out.push((cur = { old: [o, o], new: [n, n] }));
    if (p.op === 'delete') cur.old[1] = o += p.text.length;
    else cur.new[1] = n += p.text.length;
  }
  return out;
}

/**
 * The terms touching each hunk: overlapping it, or one space away (`shall` before an inserted `not `).
 * A term untouched on both sides is counted on both and cancels out.
 */
function termsPerHunk(found: Found[], hs: Hunk[], side: 'old' | 'new'): string[][] {
  const per: string[][] = hs.map(() => []);
  let h = 0;
  for (const f of found) {
    while (h < hs.length && hs[h]![side][1] + 1 < f.start) h++;
    if (h < hs.length && hs[h]![side][0] <= f.end + 1) per[h]!.push(f.term);
  }
  return per;
}

/**
 * The terms (verbs or numbers) that changed in a clause, hunk by hunk, so that "should" replaced by
 * "shall" in the same place reads "should → shall" and not as one removed and one added elsewhere.
 */
export function changedTerms(parts: readonly DiffPart[], kind: 'verbs' | 'numbers'): { from: string | null; to: string | null }[] {
  const hs = hunks(parts);
  if (!hs.length) return [];
  return termsOfKind(hs, sideText(parts, 'old'), sideText(parts, 'new'), kind);
}

function termsOfKind(hs: Hunk[], oldText: string, newText: string, kind: 'verbs' | 'numbers'): { from: string | null; to: string | null }[] {
  const [re, norm] = kind === 'verbs' ? [VERB, normVerb] : [NUMBER, normNumber];
  const before = termsPerHunk(termsNear(oldText, hs, 'old', re, norm), hs, 'old');
  const after = termsPerHunk(termsNear(newText, hs, 'new', re, norm), hs, 'new');
  const out: { from: string | null; to: string | null }[] = [];
  for (let k = 0; k < hs.length; k++) for (const t of termChanges(before[k]!, after[k]!)) out.push(t);
  return out;
}

/**
 * The terms of one side of a clause that may touch its hunks, in order: what `occurrences` finds there,
 * without scanning the rest of a long clause. Each hunk is scanned from the last sentence end before it,
 * a '.' not followed by a digit: no verb or number holds such a '.' (a number's '.' is followed by a
 * digit, as in 2.5), so no match straddles that point and a scan of the whole text resumes there
 * with the same matches. exec on the whole text keeps \b and look-behind seeing the real neighbours.
 */
function termsNear(text: string, hs: readonly Hunk[], side: 'old' | 'new', re: RegExp, norm: (s: string) => string): Found[] {
  const found: Found[] = [];
  let resume = 0; // end of the last match taken: the scan goes on from there
  for (const h of hs) {
    const [start, end] = h[side];
    re.lastIndex = Math.max(resume, sentenceStart(text, start - 1));
    for (let m = re.exec(text); m && m.index <= end + 1; m = re.exec(text)) {
      found.push({ term: norm(m[0]), start: m.index, end: m.index + m[0].length });
      resume = re.lastIndex;
    }
  }
  re.lastIndex = 0; // the regexps are shared (matchAll copies lastIndex)
  return found;
}

/** The largest p ≤ pos that is 0 or follows a '.' not followed by a digit. */
function sentenceStart(text: string, pos: number): number {
  while (pos > 0) {
    const dot = text.lastIndexOf('.', pos - 1);
    if (dot < 0) return 0;
    if (!isDigit(text.charCodeAt(dot + 1))) return dot + 1;
    pos = dot;
  }
  return 0;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Where a verb or a number is in one side of a clause: [start, end) in that side's text. */
export interface TermSpan {
  kind: 'verb' | 'number';
  start: number;
  end: number;
}

/**
 * The verbs and numbers touching the changes of a clause, on each side, in order: the terms the summary
 * reads, so that the HTML can make them stand out in the text. Pure.
 */
export function changedTermSpans(parts: readonly DiffPart[]): { old: TermSpan[]; new: TermSpan[] } {
  const hs = hunks(parts);
  const spans = (side: 'old' | 'new') => {
    if (!hs.length) return [];
    const text = sideText(parts, side);
    const of = (kind: TermSpan['kind'], re: RegExp) => termsNear(text, hs, side, re, (t) => t).map((f) => ({ kind, start: f.start, end: f.end }));
    return [...of('verb', VERB), ...of('number', NUMBER)].sort((a, b) => a.start - b.start);
  };
  return { old: spans('old'), new: spans('new') };
}

/** Pairs the changes between two term sequences: a removed run next to an added run reads as "a → b". */
export function termChanges(before: string[], after: string[]): { from: string | null; to: string | null }[] {
  if (before.join('\u0000') === after.join('\u0000')) return [];
  const out: { from: string | null; to: string | null }[] = [];
  let removed: string[] = [];
  const flush = (added: string[]) => {
    for (let k = 0; k < Math.max(removed.length, added.length); k++) out.push({ from: removed[k] ?? null, to: added[k] ?? null });
    removed = [];
  };
  for (const c of diffArrays(before, after)) {
    if (c.removed) removed = c.value;
    else if (c.added) flush(c.value);
    else flush([]);
  }
  flush([]);
  return out;
}

/** The anchor of a clause entry: `change-4.2`, or `change-removed-4.3` for a clause no longer there. */
export function changeAnchor(c: Pick<ClauseDiff, 'from_ref' | 'to_ref'>): string {
  return c.to_ref !== null ? `change-${c.to_ref}` : `change-removed-${c.from_ref}`;
}

export function countWords(text: string): number {
  return text.match(/[\p{L}\p{N}]+/gu)?.length ?? 0;
}

export function summarise(clauses: readonly ClauseDiff[]): DiffSummary {
  const s: DiffSummary = {
    verbs: [], numbers: [], added: [], removed: [], moved: [], renumbered: [], split: [], merged: [],
    changed: 0, words_added: 0, words_removed: 0,
  };
  const fromRefs = countRefs(clauses, 'from_ref');
  const toRefs = countRefs(clauses, 'to_ref');
  for (const c of clauses) {
    for (const p of c.parts) {
      if (p.op === 'insert') s.words_added += countWords(p.text);
      else if (p.op === 'delete') s.words_removed += countWords(p.text);
    }
    const split = c.status !== 'added' && c.status !== 'removed' && fromRefs.get(c.from_ref!)! > 1;
    const merged = !split && c.status !== 'added' && c.status !== 'removed' && toRefs.get(c.to_ref!)! > 1;
    if (c.status === 'unchanged' && !c.moved && !c.renumbered && !split && !merged) continue; // nothing to list
    const at = { anchor: changeAnchor(c), from_ref: c.from_ref, to_ref: c.to_ref };
    const link: ChangeLink = { ...at, heading: c.heading };
    if (c.status === 'added') s.added.push(link);
    else if (c.status === 'removed') s.removed.push(link);
    else if (split) s.split.push(link);
    else if (merged) s.merged.push(link);
    if (c.moved) s.moved.push(link);
    if (c.renumbered) s.renumbered.push(link);
    if (c.status !== 'changed') continue;
    s.changed++;
    const hs = hunks(c.parts);
    if (!hs.length) continue; // only the heading changed
    const oldText = sideText(c.parts, 'old');
    const newText = sideText(c.parts, 'new');
    for (const t of termsOfKind(hs, oldText, newText, 'verbs')) s.verbs.push({ ...at, ...t });
    for (const t of termsOfKind(hs, oldText, newText, 'numbers')) s.numbers.push({ ...at, ...t });
  }
  return s;
}

function countRefs(clauses: readonly ClauseDiff[], side: 'from_ref' | 'to_ref'): Map<string, number> {
  const n = new Map<string, number>();
  for (const c of clauses) if (c[side] !== null) n.set(c[side], (n.get(c[side]) ?? 0) + 1);
  return n;
}
