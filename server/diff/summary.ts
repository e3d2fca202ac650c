/**
 * What operators care about, from the clause entries of a diff: requirement verbs and numbers with units
 * that changed in a clause ("should → shall in 4.2", "50 m → 100 m in 4.2"), clauses added, removed,
 * moved, renumbered, split and merged, and words added and removed. Pure.
 *
 * Verbs and numbers are followed sentence by sentence across the whole document (./sentences.ts), not
 * only inside one clause: the sentences of every clause that changed are paired — the same text first,
 * in the same clause, then among the pieces of a split or merge, then anywhere; then edited sentences by
 * similarity, in the same order of preference — and a pair's verbs and numbers are compared with each
 * other, so that a requirement that moved is reported where it went, with its own edit ("2 hours →
 * 1 hour, moved from 7.3 to 7.4"), and one is reported removed only when it is gone from the whole text.
 * What is left over in a clause pairs up in order ("should" replaced by "shall" in a rewritten
 * sentence); a whole clause added or removed lists no verbs or numbers of its own.
 */
import { diffArrays } from 'diff';
import { type DiffPart, diffText, sideText } from './words.ts';
import { type Sentence, bigramsOfText, countWords, isAscii, sameText, sentencesOf, similarity, wordsOf } from './sentences.ts';

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

/**
 * A verb or number in a clause: `from` null when added, `to` null when removed. (The summary reads "in 4.2": no heading.)
 * `from_ref` is the clause its sentence was in, `to_ref` the clause it is in now, `anchor` that one's entry.
 */
export interface TermChange extends Omit<ChangeLink, 'heading'> {
  from: string | null;
  to: string | null;
  /** present (true) when the sentence is now in another clause: a piece of a split, a merge, or a sentence moved */
  moved?: true;
}

/** A sentence with a requirement verb or a number that moved to a clause that is not the one it was in, nor a piece of it. */
export interface MovedSentence extends Omit<ChangeLink, 'heading'> {
  /** the sentence as it reads now */
  text: string;
  /** whether its words changed on the way (its verb and number changes are in `verbs` and `numbers`) */
  edited: boolean;
}

/** A clause split into several ("7.3 was split into 7.3 and 7.4"): `anchor` is the first piece's. */
export interface SplitNote {
  anchor: string;
  from_ref: string;
  to_refs: string[];
  text: string;
}

/** Clauses merged into one ("6.1 and 6.2 were merged into 6.1"). */
export interface MergeNote {
  anchor: string;
  from_refs: string[];
  to_ref: string;
  text: string;
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
  /** one entry per clause split, in words */
  splits: SplitNote[];
  /** one entry per clause that others were merged into, in words */
  merges: MergeNote[];
  /** sentences with a verb or number that moved between clauses not otherwise related */
  moved_sentences: MovedSentence[];
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

/** What finds the verbs or the numbers of a text from `lastIndex` on, as a global RegExp's exec does. */
interface Scanner {
  lastIndex: number;
  exec(text: string): { index: number; 0: string } | null;
}

// A number not glued to a word or a clause ref (4.2.1), then a unit that ends the word, or % or °C/°F.
// Found in two steps — the number, then a unit tried where it ends — which find what the one regexp
// `number(?:unit|%|°C)` finds (the number's digits are greedy, and no unit starts with a digit, '.' or
// ',': giving digits back never lets a unit match), for half of its compile time in a process's first diff.
// (ASCII text is read with ASCII twins, which find the same there: see isAscii)
const NUMBER_ONLY = /(?<![\p{L}\p{N}.,])\d+(?:[.,]\d+)?/gu;
const UNIT_AFTER = new RegExp(`\\s?(?:${UNIT})(?![\\p{L}\\p{N}²³])|\\s?%|\\s?°\\s?[CF]`, 'uy');
const NUMBER_ONLY_ASCII = /(?<![A-Za-z0-9.,])\d+(?:[.,]\d+)?/g;
const UNIT_AFTER_ASCII = new RegExp(`\\s?(?:${UNIT})(?![A-Za-z0-9])|\\s?%`, 'y');
const NUMBER: Scanner = {
  lastIndex: 0,
  exec(text: string) {
    const ascii = isAscii(text);
    const number = ascii ? NUMBER_ONLY_ASCII : NUMBER_ONLY;
    const unit = ascii ? UNIT_AFTER_ASCII : UNIT_AFTER;
    number.lastIndex = this.lastIndex;
    for (let m = number.exec(text); m; m = number.exec(text)) {
      unit.lastIndex = number.lastIndex;
      if (unit.test(text)) {
        this.lastIndex = unit.lastIndex;
        return { index: m.index, 0: text.slice(m.index, unit.lastIndex) };
      }
    }
    this.lastIndex = 0;
    return null;
  },
};

export interface Found {
  term: string;
  start: number;
  end: number;
}

function occurrences(text: string, re: Scanner, norm: (s: string) => string): Found[] {
  const out: Found[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ term: norm(m[0]), start: m.index, end: m.index + m[0].length });
  re.lastIndex = 0;
  return out;
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

/** `keep`, when given, is handed the terms found on the old side, then those on the new (see changedTermSpans). */
function termsOfKind(hs: Hunk[], oldText: string, newText: string, kind: 'verbs' | 'numbers', keep?: Found[][]): { from: string | null; to: string | null }[] {
  const [re, norm] = kind === 'verbs' ? [VERB as Scanner, normVerb] : [NUMBER, normNumber];
  const onOld = termsNear(oldText, hs, 'old', re, norm);
  const onNew = termsNear(newText, hs, 'new', re, norm);
  keep?.push(onOld, onNew);
  const before = termsPerHunk(onOld, hs, 'old');
  const after = termsPerHunk(onNew, hs, 'new');
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
function termsNear(text: string, hs: readonly Hunk[], side: 'old' | 'new', re: Scanner, norm: (s: string) => string): Found[] {
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
  re.lastIndex = 0; // the scanners are shared
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
  const known = termsFound.get(parts);
  if (known) return { old: spansOf(known[0]!, known[2]!), new: spansOf(known[1]!, known[3]!) };
  const hs = hunks(parts);
  const spans = (side: 'old' | 'new') => {
    if (!hs.length) return [];
    const text = sideText(parts, side);
    const of = (kind: TermSpan['kind'], re: Scanner) => termsNear(text, hs, side, re, (t) => t).map((f) => ({ kind, start: f.start, end: f.end }));
    return [...of('verb', VERB), ...of('number', NUMBER)].sort((a, b) => a.start - b.start);
  };
  return { old: spans('old'), new: spans('new') };
}

/** Verbs then numbers as spans, in order (as changedTermSpans makes them). */
function spansOf(verbs: readonly Found[], numbers: readonly Found[]): TermSpan[] {
  const out: TermSpan[] = [];
  for (const f of verbs) out.push({ kind: 'verb', start: f.start, end: f.end });
  for (const f of numbers) out.push({ kind: 'number', start: f.start, end: f.end });
  return out.sort((a, b) => a.start - b.start);
}

/**
 * The terms the summary found at the changes of a clause changed in place, by its parts: the HTML of
 * the same diff marks these (changedTermSpans), rather than scanning both sides of the clause again.
 */
const termsFound = new WeakMap<readonly DiffPart[], Found[][]>();

/** Pairs the changes between two term sequences: a removed run next to an added run reads as "a → b". */
export function termChanges(before: string[], after: string[]): { from: string | null; to: string | null }[] {
  if (before.join('\u0000') === after.join('\u0000')) return [];
  // the usual cases, without a sequence diff: one term for one, or terms only added or only removed
  if (!before.length) return after.map((to) => ({ from: null, to }));
  if (!after.length) return before.map((from) => ({ from, to: null }));
  if (before.length === 1 && after.length === 1) return [{ from: before[0]!, to: after[0]! }];
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


export function summarise(clauses: readonly ClauseDiff[]): DiffSummary {
  const s: DiffSummary = {
    verbs: [], numbers: [], added: [], removed: [], moved: [], renumbered: [], split: [], merged: [], splits: [], merges: [], moved_sentences: [],
    changed: 0, words_added: 0, words_removed: 0,
  };
  const fromRefs = countRefs(clauses, 'from_ref');
  const toRefs = countRefs(clauses, 'to_ref');
  // per entry, the split (`f` + old ref) or merge (`t` + new ref) it is a piece of, else null
  const group: (string | null)[] = [];
  // (indexed loops and a plain object: in a process's first diff each step of an iterator and each
  // spread is a call, for every clause of the document)
  for (let e = 0; e < clauses.length; e++) {
    const c = clauses[e]!;
    const { parts } = c;
    for (let k = 0; k < parts.length; k++) {
      const p = parts[k]!;
      if (p.op === 'insert') s.words_added += countWords(p.text);
      else if (p.op === 'delete') s.words_removed += countWords(p.text);
    }
    const split = c.status !== 'added' && c.status !== 'removed' && fromRefs.get(c.from_ref!)! > 1;
    const merged = !split && c.status !== 'added' && c.status !== 'removed' && toRefs.get(c.to_ref!)! > 1;
    group.push(split ? `f${c.from_ref}` : merged ? `t${c.to_ref}` : null);
    if (c.status === 'unchanged' && !c.moved && !c.renumbered && !split && !merged) continue; // nothing to list
    const link: ChangeLink = { anchor: changeAnchor(c), from_ref: c.from_ref, to_ref: c.to_ref, heading: c.heading };
    if (c.status === 'added') s.added.push(link);
    else if (c.status === 'removed') s.removed.push(link);
    else if (split) s.split.push(link);
    else if (merged) s.merged.push(link);
    if (c.moved) s.moved.push(link);
    if (c.renumbered) s.renumbered.push(link);
    if (c.status === 'changed') s.changed++;
  }
  s.splits = groupNotes(s.split, 'from_ref').map(([from, pieces]) => ({
    anchor: pieces[0]!.anchor, from_ref: from, to_refs: pieces.map((l) => l.to_ref!), text: `${shownRef(from)} was split into ${andList(pieces.map((l) => shownRef(l.to_ref!)))}`,
  }));
  s.merges = groupNotes(s.merged, 'to_ref').map(([to, pieces]) => ({
    anchor: pieces[0]!.anchor, from_refs: pieces.map((l) => l.from_ref!), to_ref: to, text: `${andList(pieces.map((l) => shownRef(l.from_ref!)))} were merged into ${shownRef(to)}`,
  }));
  shapes = new WeakMap();
  const terms = followSentences(clauses, fromRefs, toRefs, group);
  shapes = new WeakMap();
  s.verbs = terms.verbs;
  s.numbers = terms.numbers;
  s.moved_sentences = terms.moved;
  return s;
}

function countRefs(clauses: readonly ClauseDiff[], side: 'from_ref' | 'to_ref'): Map<string, number> {
  const n = new Map<string, number>();
  for (let e = 0; e < clauses.length; e++) {
    const ref = clauses[e]![side];
    if (ref !== null) n.set(ref, (n.get(ref) ?? 0) + 1);
  }
  return n;
}

/** The pieces of each split (by from_ref) or merge (by to_ref), in the order listed. */
function groupNotes(links: readonly ChangeLink[], by: 'from_ref' | 'to_ref'): [string, ChangeLink[]][] {
  const groups = new Map<string, ChangeLink[]>();
  for (const l of links) {
    const g = groups.get(l[by]!);
    if (g) g.push(l);
    else groups.set(l[by]!, [l]);
  }
  return [...groups];
}

/** How a ref reads in a sentence: 4.2, Annex A, A.1, Foreword. (As clauseNumber in ../versions/parse.ts, which this pure module does not import.) */
export function shownRef(ref: string): string {
  if (/^\d/.test(ref)) return ref;
  const m = /^annex-([a-z])(?:\.(.+))?$/.exec(ref);
  if (m) return m[2] ? `${m[1]!.toUpperCase()}.${m[2]}` : `Annex ${m[1]!.toUpperCase()}`;
  return ref.charAt(0).toUpperCase() + ref.slice(1).replace(/-/g, ' ');
}

function andList(xs: readonly string[]): string {
  return xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`;
}

/** A sentence of one side of a clause entry, as the summary follows it. */
class Unit {
  readonly same: string;
  partner: Unit | null = null;
  shape?: { bigrams: Set<string>; words: number };
  private terms?: { verbs: string[]; numbers: string[] };

  constructor(
    readonly entry: number,
    readonly side: 'old' | 'new',
    /** where it starts in its side of its entry */
    readonly pos: number,
    readonly text: string,
  ) {
    this.same = sameText(text);
  }

  // read only for the sentences not paired with their own copy, so most never are
  get verbs(): string[] {
    return (this.terms ??= { verbs: findVerbs(this.text), numbers: findNumbers(this.text) }).verbs;
  }

  get numbers(): string[] {
    return (this.terms ??= { verbs: findVerbs(this.text), numbers: findNumbers(this.text) }).numbers;
  }
}

// Dice on word bigrams for two sentences to be one sentence edited: looser in one clause (where what is
// left pairs up in order anyway), stricter between clauses, strictest anywhere in the document
const SAME_CLAUSE = 0.4;
const SAME_GROUP = 0.45;
const ANYWHERE = 0.7;
const MIN_WORDS = 4;
const MAY_BEAR = /\d|\b(?:shall|should|must|may|can|cannot)\b/i; // a shorter sentence is followed across clauses only when its text is the same

type Terms = { from: string | null; to: string | null };

/**
 * The verb and number changes of the whole diff, and the sentences that moved between unrelated clauses,
 * from the sentences of every entry that is not unchanged.
 */
function followSentences(
  clauses: readonly ClauseDiff[],
  fromRefs: Map<string, number>,
  toRefs: Map<string, number>,
  // entries of one split or merge form a group: a sentence may go from one of its pieces to another
  group: readonly (string | null)[],
): { verbs: TermChange[]; numbers: TermChange[]; moved: MovedSentence[] } {
  const piece = (c: ClauseDiff) => (c.from_ref !== null && fromRefs.get(c.from_ref)! > 1) || (c.to_ref !== null && toRefs.get(c.to_ref)! > 1);
  // whether an entry goes from one ref to the other (asked only for sentences that moved: made when first asked)
  let linkedRefs: Set<string> | null = null;
  const linked = (from: string | null, to: string | null) => {
    if (!linkedRefs) {
      linkedRefs = new Set();
      for (const c of clauses) if (c.from_ref !== null && c.to_ref !== null) linkedRefs.add(`${c.from_ref}\u0000${c.to_ref}`);
    }
    return linkedRefs.has(`${from}\u0000${to}`);
  };

  // The shared side of a split (the old clause) or merge (the new one) is read whole, by the piece that
  // kept its number (else the first): the cut between pieces is a guess that a repeated sentence must
  // not follow, and a sentence that stayed with the clause's own number stays unreported.
  const members = membersOf(group);
  const shared = new Map<number, string>(); // home entry → the whole shared side
  const skip = new Set<number>(); // other pieces: their slice of the shared side is read by the home entry
  for (const [g, es] of members) {
    const side = g[0] === 'f' ? 'old' : 'new';
    const home = es.find((e) => clauses[e]!.from_ref === clauses[e]!.to_ref) ?? es[0]!;
    shared.set(home, es.map((e) => sideText(clauses[e]!.parts, side)).join(''));
    for (const e of es) if (e !== home) skip.add(e);
  }

  const olds: Unit[] = [];
  const news: Unit[] = [];
  const byEntry = new Map<number, { old: Unit[]; new: Unit[] }>();
  // A clause changed in place whose changes all stay inside its sentences — no sentence end or line
  // deleted or inserted (a sentence added or removed changes how many there are, so the word diff
  // must delete or insert one), and not the same words deleted here and inserted there (sentences
  // put in another order) — is the usual edit of a word or a number: none of its sentences came from
  // elsewhere or went away, so it is read hunk by hunk as it always was, without following them.
  // Whole clauses added or removed are read last, and only when a clause that stays has a sentence
  // left over to come from or go to them: a sentence is followed out of or into a clause that stays
  // ("7.4 added" with a requirement of 7.3 in it), not from a removed clause into an added one (both
  // are listed whole, with no verb or number of their own).
  const local: number[] = [];
  const whole: number[] = [];
  const readEntry = (c: ClauseDiff, e: number) => {
    const mine = { old: [] as Unit[], new: [] as Unit[] };
    byEntry.set(e, mine);
    for (const side of ['old', 'new'] as const) {
      if ((side === 'old' && c.status === 'added') || (side === 'new' && c.status === 'removed')) continue;
      const g = group[e];
      const whole = g !== null && (g[0] === 'f') === (side === 'old');
      if (whole && skip.has(e)) continue;
      // a clause changed in place: only the sentences at its changes (the others read the same on both sides)
      const inPlace = c.status === 'changed' && g === null;
      const text = whole ? shared.get(e)! : inPlace ? shapeOf(c)[side] : sideText(c.parts, side);
      const found = inPlace ? sentencesNear(text, shapeOf(c).hs, side) : sentencesOf(text);
      for (const st of found) mine[side].push(new Unit(e, side, st.start, st.text));
    }
    // the same sentence on both sides of one clause: the common case, settled before anything else
    pairSame(mine.old, mine.new);
    for (const u of mine.old) if (!u.partner) olds.push(u);
    for (const u of mine.new) if (!u.partner) news.push(u);
  };
  clauses.forEach((c, e) => {
    if (c.status === 'unchanged') return;
    if (c.status === 'added' || c.status === 'removed') whole.push(e);
    else if (group[e] === null && withinSentences(shapeOf(c))) local.push(e);
    else readEntry(c, e);
  });
  const bears = (u: Unit) => u.verbs.length > 0 || u.numbers.length > 0;
  const wholeToWhole = (u: Unit, v: Unit) => clauses[u.entry]!.status === 'removed' && clauses[v.entry]!.status === 'added';

  // Then, nearest first: a sentence edited in place in its clause; the same text, then an edited
  // sentence, among the pieces of a split or merge; the same text, then an edited sentence, anywhere.
  const shape = (u: Unit) => (u.shape ??= bigramsOfText(u.text));
  const bigrams = (u: Unit) => shape(u).bigrams;
  for (const [e, mine] of byEntry) {
    if (!mine.old.length || !mine.new.length) continue;
    const [o, n] = [mine.old.filter((u) => !u.partner), mine.new.filter((u) => !u.partner)];
    // a clause changed in place has its word diff already: the characters two sentences keep in common there
    if (group[e] === null) pairInPlace(o, n, clauses[e]!.parts);
    else pairSimilar(o, n, bigrams, SAME_CLAUSE);
  }
  pairAcross(olds, news, (u) => group[u.entry] ?? null, (u) => u.same);
  const groups = new Map<string, { old: Unit[]; new: Unit[] }>();
  for (const u of [...olds, ...news]) {
    const g = group[u.entry];
    if (!g || u.partner) continue;
    let lists = groups.get(g);
    if (!lists) groups.set(g, (lists = { old: [], new: [] }));
    lists[u.side].push(u);
  }
  for (const lists of groups.values()) pairSimilar(lists.old, lists.new, bigrams, SAME_GROUP);
  const [oldLeft, newLeft] = [olds.some((u) => !u.partner), news.some((u) => !u.partner)];
  for (const e of whole) {
    const c = clauses[e]!;
    if ((c.status === 'added' && oldLeft) || (c.status === 'removed' && newLeft)) readEntry(c, e);
  }
  pairAcross(olds, news, () => '', (u) => u.same, wholeToWhole);
  // (only sentences that may hold a verb or a number: a cheap test before their bigrams are counted)
  const far = (u: Unit) => !u.partner && MAY_BEAR.test(u.text) && shape(u).words >= MIN_WORDS;
  pairSimilar(olds.filter(far), news.filter(far), bigrams, ANYWHERE, true, wholeToWhole);

  // the changes, in the order of the new document
  const found: { order: [number, number]; kind: 'verbs' | 'numbers'; t: TermChange }[] = [];
  const moved: { order: [number, number]; m: MovedSentence }[] = [];
  const add = (kind: 'verbs' | 'numbers', changes: Terms[], at: Omit<TermChange, 'from' | 'to'>, order: [number, number]) => {
    for (const c of changes) found.push({ order, kind, t: { ...at, ...c } });
  };
  for (const v of news) {
    const u = v.partner;
    // (a sentence edited in place in a clause changed in place is read with its clause, below)
    if (!u || (u.entry === v.entry && group[v.entry] === null)) continue;
    const from = clauses[u.entry]!;
    const to = clauses[v.entry]!;
    const at: Omit<TermChange, 'from' | 'to'> = { anchor: changeAnchor(to), from_ref: from.from_ref, to_ref: to.to_ref };
    const elsewhere = from.from_ref !== to.to_ref && (u.entry !== v.entry || piece(to));
    if (elsewhere) at.moved = true;
    if (u.same !== v.same) {
      // an edited sentence is read as a clause changed in place is, hunk by hunk of its word diff, so
      // that "shall" replaced by "can" beside an unchanged "can" reads "shall → can"
      // (its two sides are the two sentences: no need to join them back from the parts)
      const hs = hunks(diffText(u.text, v.text));
      add('verbs', termsOfKind(hs, u.text, v.text, 'verbs'), at, [v.entry, v.pos]);
      add('numbers', termsOfKind(hs, u.text, v.text, 'numbers'), at, [v.entry, v.pos]);
    }
    if (elsewhere && !linked(from.from_ref, to.to_ref) && (bears(u) || bears(v))) {
      moved.push({ order: [v.entry, v.pos], m: { anchor: at.anchor, from_ref: at.from_ref, to_ref: at.to_ref, text: v.text, edited: u.same !== v.same } });
    }
  }
  // What is left in a clause that stays (changed) is read as before: a clause changed in place hunk by
  // hunk of its word diff (a sentence rewritten in place reads "shall → must"; unrelated sentences in
  // other places do not pair up), the pieces of a split or merge in order. A whole clause added or
  // removed lists nothing.
  for (const [e, mine] of byEntry) {
    const c = clauses[e]!;
    if (c.status !== 'changed') continue;
    // in place, the sentences not found elsewhere nor unchanged here; in a split or merge, those not found at all
    const inPlace = group[e] === null;
    const left = { old: ownSentences(mine.old, e, inPlace), new: ownSentences(mine.new, e, inPlace) };
    if (!left.old.length && !left.new.length) continue;
    const at = { anchor: changeAnchor(c), from_ref: c.from_ref, to_ref: c.to_ref };
    const order: [number, number] = [e, (left.new[0] ?? left.old[0])!.pos];
    const hs = inPlace ? shapeOf(c).hs : null;
    for (const kind of ['verbs', 'numbers'] as const) {
      const changes = hs ? changesInPlace(left, hs, kind) : termChanges(left.old.flatMap((u) => u[kind]), left.new.flatMap((u) => u[kind]));
      if (c.from_ref !== c.to_ref && piece(c)) for (const t of changes) if (t.from !== null && t.to !== null) (t as TermChange).moved = true;
      add(kind, changes, at, order);
    }
  }
  for (const e of local) {
    const c = clauses[e]!;
    const at = { anchor: changeAnchor(c), from_ref: c.from_ref, to_ref: c.to_ref };
    const { hs, old: oldText, new: newText } = shapeOf(c);
    const seen: Found[][] = []; // verbs old, verbs new, numbers old, numbers new
    for (const kind of ['verbs', 'numbers'] as const) add(kind, termsOfKind(hs, oldText, newText, kind, seen), at, [e, 0]);
    termsFound.set(c.parts, seen);
  }
  const byOrder = (a: { order: [number, number] }, b: { order: [number, number] }) => a.order[0] - b.order[0] || a.order[1] - b.order[1];
  found.sort(byOrder);
  moved.sort(byOrder);
  return {
    verbs: found.filter((f) => f.kind === 'verbs').map((f) => f.t),
    numbers: found.filter((f) => f.kind === 'numbers').map((f) => f.t),
    moved: moved.map((m) => m.m),
  };
}

/**
 * The entries of each group (split or merge), in order. (A function of its own: a loop over every
 * entry in followSentences would count towards compiling all of that long function early.)
 */
function membersOf(group: readonly (string | null)[]): Map<string, number[]> {
  const members = new Map<string, number[]>();
  for (let e = 0; e < group.length; e++) {
    const g = group[e]!;
    if (g === null) continue;
    const list = members.get(g);
    if (list) list.push(e);
    else members.set(g, [e]);
  }
  return members;
}

/**
 * The sentences of `text` that touch a change (or come within a few characters of one, so that the
 * same sentence is taken on both sides: its twin sits as near the same change on the other side).
 */
function sentencesNear(text: string, hs: readonly Hunk[], side: 'old' | 'new'): Sentence[] {
  const out: Sentence[] = [];
  let done = 0; // the lines before this are read
  for (let k = 0; k < hs.length; k++) {
    const [a, b] = hs[k]![side];
    if (b + NEAR < done) continue;
    const lineStart = Math.max(done, text.lastIndexOf('\n', Math.max(0, a - NEAR - 1)) + 1);
    let lineEnd = text.indexOf('\n', Math.min(text.length, b + NEAR));
    if (lineEnd < 0) lineEnd = text.length;
    // the hunks on these lines
    let last = k;
    while (last + 1 < hs.length && hs[last + 1]![side][0] - NEAR <= lineEnd) {
      last++;
      const end = text.indexOf('\n', Math.min(text.length, hs[last]![side][1] + NEAR));
      lineEnd = Math.max(lineEnd, end < 0 ? text.length : end);
    }
    for (const st of sentencesOf(text.slice(lineStart, lineEnd))) {
      const start = st.start + lineStart;
      const end = st.end + lineStart;
      let touches = false;
      for (let h = k; h <= last && !touches; h++) touches = start <= hs[h]![side][1] + NEAR && end >= hs[h]![side][0] - NEAR;
      if (touches) out.push({ start, end, text: st.text });
    }
    done = lineEnd;
    k = last;
  }
  return out;
}

const NEAR = 3;

/** A changed entry's hunks and both its texts, made once (several readings need them). */
interface EntryShape {
  parts: readonly DiffPart[];
  hs: Hunk[];
  old: string;
  new: string;
}

// for the run of followSentences under way (it starts and ends a fresh one: the texts are not kept)
let shapes = new WeakMap<ClauseDiff, EntryShape>();

function shapeOf(c: ClauseDiff): EntryShape {
  let s = shapes.get(c);
  if (!s) shapes.set(c, (s = { parts: c.parts, hs: hunks(c.parts), old: sideText(c.parts, 'old'), new: sideText(c.parts, 'new') }));
  return s;
}

/**
 * Whether the changes of `parts` stay inside sentences (see followSentences): no change holds a
 * sentence end or a line break, no hunk rewrites most of its sentence (an unrelated sentence put in the
 * place of another keeps its full stop), and the words deleted are not the words inserted (sentences
 * put in another order).
 */
function withinSentences(shape: EntryShape): boolean {
  const { parts, hs, old: oldText, new: newText } = shape;
  for (let k = 0; k < parts.length; k++) if (parts[k]!.op !== 'equal' && SENTENCE_END.test(parts[k]!.text)) return false;
  const deleted: string[] = [];
  const inserted: string[] = [];
  // words changed per sentence, on each side: [sentence start, words changed, words the sentence has]
  const perOld: number[][] = [];
  const perNew: number[][] = [];
  for (let k = 0; k < hs.length; k++) {
    const h = hs[k]!;
    const gone = h.old[1] > h.old[0] ? wordsOf(oldText.slice(h.old[0], h.old[1])) : NONE;
    const come = h.new[1] > h.new[0] ? wordsOf(newText.slice(h.new[0], h.new[1])) : NONE;
    // (a side that loses or gains no word keeps its sentence: only a side with words changed is looked at;
    // one word changed by the only hunk is kept by a sentence with a word beside it, seen without
    // measuring the sentence)
    const alone = hs.length === 1;
    if (gone.length && !(alone && gone.length === 1 && wordBeside(oldText, h.old)) && !mostlyKept(perOld, oldText, h.old, gone.length)) return false;
    if (come.length && !(alone && come.length === 1 && wordBeside(newText, h.new)) && !mostlyKept(perNew, newText, h.new, come.length)) return false;
    for (let w = 0; w < gone.length; w++) deleted.push(gone[w]!);
    for (let w = 0; w < come.length; w++) inserted.push(come[w]!);
  }
  // (the usual edit deletes or inserts nothing, or replaces one word by another)
  if (!deleted.length || !inserted.length) return true;
  if (deleted.length === 1 && inserted.length === 1) return deleted[0] !== inserted[0];
  const left = new Map<string, number>();
  for (const w of deleted) left.set(w, (left.get(w) ?? 0) + 1);
  let again = 0; // inserted words that were also deleted
  for (const w of inserted) {
    const k = left.get(w) ?? 0;
    if (k > 0) {
      again++;
      left.set(w, k - 1);
    }
  }
  return 2 * again <= Math.min(deleted.length, inserted.length);
}

const NONE: string[] = [];

/**
 * Whether a word sits right before or after [a, b), one space or tab away: a word of the sentence
 * that holds [a, b) (no sentence end or line break between), other than those in [a, b).
 */
function wordBeside(text: string, [a, b]: [number, number]): boolean {
  return (isBlank(text.charCodeAt(a - 1)) && isAsciiWordChar(text.charCodeAt(a - 2))) || (isBlank(text.charCodeAt(b)) && isAsciiWordChar(text.charCodeAt(b + 1)));
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

function isAsciiWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * Adds `changed` words to the sentence around `span`; whether it still keeps at least half of its words.
 * `perSentence` holds [sentence start, words changed, words counted so far, sentence end] per sentence seen.
 */
function mostlyKept(perSentence: number[][], text: string, [a, b]: [number, number], changed: number): boolean {
  // the sentence: from after the last sentence end or line break before the span to the first at or
  // after it (the span holds none: see withinSentences)
  const start = afterLastEnd(text, a);
  let seen: number[] | undefined;
  for (let k = 0; k < perSentence.length && !seen; k++) if (perSentence[k]![0] === start) seen = perSentence[k];
  if (!seen) {
    SENTENCE_REST.lastIndex = b;
    SENTENCE_REST.test(text);
    perSentence.push((seen = [start, 0, -1, SENTENCE_REST.lastIndex]));
  }
  seen[1]! += changed;
  // its words are counted only as far as the answer needs (one word changed in a long sentence: two)
  if (seen[2]! < 2 * seen[1]!) seen[2] = wordsUpTo(text, start, seen[3]!, 2 * seen[1]!);
  return 2 * seen[1]! <= seen[2]!;
}

// the rest of a sentence: up to its end or the end of its line
const SENTENCE_REST = /[^.!?\n]*/y;
const WORD_AT = /[\p{L}\p{N}]+/gu;
const WORD_AT_ASCII = /[A-Za-z0-9]+/g;

/**
 * How many words `text` has in [start, end), counting no further than `enough` (as wordsOf counts them:
 * in lower case, where only a dotted capital I becomes two letters that are not one word).
 */
function wordsUpTo(text: string, start: number, end: number, enough: number): number {
  if (text.includes('\u0130')) return wordsOf(text.slice(start, end)).length;
  let n = 0;
  const word = isAscii(text) ? WORD_AT_ASCII : WORD_AT;
  word.lastIndex = start;
  while (n < enough && word.test(text) && word.lastIndex <= end) n++;
  return n;
}

/**
 * Where the sentence holding position `a` starts: after the last . ! ? or line break before `a`, else 0.
 * Found natively (lastIndexOf), not by a loop over characters that runs slowly in a process's first diff;
 * the rare ! and ? are looked for only after the last . or line break.
 */
function afterLastEnd(text: string, a: number): number {
  if (a <= 0) return 0;
  const k = Math.max(text.lastIndexOf('.', a - 1), text.lastIndexOf('\n', a - 1));
  const rest = text.slice(k + 1, a);
  const other = Math.max(rest.lastIndexOf('!'), rest.lastIndexOf('?'));
  return k + 1 + (other >= 0 ? other + 1 : 0);
}

const SENTENCE_END = /[.!?\n]/;

/** The terms of these sentences, placed in their side of the clause. */
function termsOfUnits(units: readonly Unit[], kind: 'verbs' | 'numbers'): Found[] {
  const found: Found[] = [];
  for (const u of units) for (const f of termsIn(u.text, kind)) found.push({ term: f.term, start: f.start + u.pos, end: f.end + u.pos });
  return found;
}

/** The sentences of one side of an entry that its own changes account for (see followSentences). */
function ownSentences(units: readonly Unit[], entry: number, inPlace: boolean): Unit[] {
  const out: Unit[] = [];
  for (const u of units) if (!u.partner || (inPlace && u.partner.entry === entry && u.partner.same !== u.same)) out.push(u);
  return out;
}

/** The terms of these sentences of a clause changed in place, hunk by hunk of its word diff (as changedTerms does for whole clauses). */
function changesInPlace(left: { old: Unit[]; new: Unit[] }, hs: Hunk[], kind: 'verbs' | 'numbers'): Terms[] {
  const before = termsPerHunk(termsOfUnits(left.old, kind), hs, 'old');
  const after = termsPerHunk(termsOfUnits(left.new, kind), hs, 'new');
  const out: Terms[] = [];
  for (let k = 0; k < hs.length; k++) for (const t of termChanges(before[k]!, after[k]!)) out.push(t);
  return out;
}

const IN_PLACE = 0.5; // share of their characters two sentences of a clause changed in place keep, to be one sentence edited

/** Pairs the sentences of a clause changed in place that keep most of their characters in the same place (the clause's word diff). */
function pairInPlace(olds: Unit[], news: Unit[], parts: readonly DiffPart[]): void {
  if (!olds.length || !news.length) return;
  const runs: [number, number, number][] = []; // equal parts: [old start, new start, length]
  let o = 0;
  let n = 0;
  for (const p of parts) {
    if (p.op === 'equal') runs.push([o, n, p.text.length]);
    if (p.op !== 'insert') o += p.text.length;
    if (p.op !== 'delete') n += p.text.length;
  }
  const candidates: { u: Unit; v: Unit; score: number }[] = [];
  for (const u of olds) {
    for (const v of news) {
      let kept = 0;
      for (const [ro, rn, len] of runs) {
        // the part of this run inside u (old side) whose new place is inside v
        const a = Math.max(ro, u.pos, v.pos - rn + ro);
        const b = Math.min(ro + len, u.pos + u.text.length, v.pos + v.text.length - rn + ro);
        if (b > a) kept += b - a;
      }
      const score = (2 * kept) / (u.text.length + v.text.length);
      if (score >= IN_PLACE) candidates.push({ u, v, score });
    }
  }
  candidates.sort((a, b) => b.score - a.score);
  for (const { u, v } of candidates) {
    if (u.partner || v.partner) continue;
    u.partner = v;
    v.partner = u;
  }
}

/** Pairs equal sentences of two lists, in order (a repeated sentence pairs with its next copy). */
function pairSame(olds: Unit[], news: Unit[]): void {
  if (!olds.length || !news.length) return;
  const waiting = new Map<string, Unit[]>();
  for (const u of olds) {
    const list = waiting.get(u.same);
    if (list) list.push(u);
    else waiting.set(u.same, [u]);
  }
  for (const v of news) {
    const u = waiting.get(v.same)?.shift();
    if (u) {
      u.partner = v;
      v.partner = u;
    }
  }
}

/**
 * Pairs leftover sentences with the same `key` (null: not taken) and the same text, each new one with
 * the nearest old one in document order.
 */
function pairAcross(olds: Unit[], news: Unit[], scope: (u: Unit) => string | null, text: (u: Unit) => string, apart?: (u: Unit, v: Unit) => boolean): void {
  const waiting = new Map<string, Unit[]>();
  for (const u of olds) {
    if (u.partner) continue;
    const g = scope(u);
    if (g === null) continue;
    const k = `${g}\u0000${text(u)}`;
    const list = waiting.get(k);
    if (list) list.push(u);
    else waiting.set(k, [u]);
  }
  if (!waiting.size) return;
  for (const v of news) {
    if (v.partner) continue;
    const g = scope(v);
    if (g === null) continue;
    const list = waiting.get(`${g}\u0000${text(v)}`);
    if (!list?.length) continue;
    let best = -1;
    for (let k = 0; k < list.length; k++) {
      if (apart?.(list[k]!, v)) continue;
      if (best < 0 || Math.abs(list[k]!.entry - v.entry) < Math.abs(list[best]!.entry - v.entry)) best = k;
    }
    if (best < 0) continue;
    const [u] = list.splice(best, 1);
    u!.partner = v;
    v.partner = u!;
  }
}

/**
 * Best-first pairing of leftover sentences by similarity at or above `threshold`; ties go to the
 * nearest in the document. With `indexed` (lists that may span the whole document), the bigrams two
 * sentences share are counted through an index of the old ones instead of comparing every pair.
 */
function pairSimilar(olds: Unit[], news: Unit[], bigrams: (u: Unit) => Set<string>, threshold: number, indexed = false, apart?: (u: Unit, v: Unit) => boolean): void {
  if (!olds.length || !news.length) return;
  const candidates: { u: Unit; v: Unit; score: number }[] = [];
  if (!indexed) {
    for (const u of olds) {
      for (const v of news) {
        const score = similarity(bigrams(u), bigrams(v));
        if (score >= threshold) candidates.push({ u, v, score });
      }
    }
  } else {
    const index = new Map<string, number[]>();
    olds.forEach((u, k) => {
      for (const b of bigrams(u)) {
        const posting = index.get(b);
        if (posting) posting.push(k);
        else index.set(b, [k]);
      }
    });
    const shared = new Int32Array(olds.length);
    const touched: number[] = [];
    for (const v of news) {
      const vb = bigrams(v);
      for (const b of vb) {
        const posting = index.get(b);
        if (posting) for (const k of posting) if (shared[k]++ === 0) touched.push(k);
      }
      for (const k of touched) {
        const u = olds[k]!;
        const score = (2 * shared[k]!) / (bigrams(u).size + vb.size);
        if (score >= threshold && !apart?.(u, v)) candidates.push({ u, v, score });
        shared[k] = 0;
      }
      touched.length = 0;
    }
  }
  candidates.sort(byScore);
  for (const { u, v } of candidates) {
    if (u.partner || v.partner) continue;
    u.partner = v;
    v.partner = u;
  }
}

function byScore(a: { u: Unit; v: Unit; score: number }, b: { u: Unit; v: Unit; score: number }): number {
  return b.score - a.score || Math.abs(a.u.entry - a.v.entry) - Math.abs(b.u.entry - b.v.entry) || a.u.pos - b.u.pos;
}
