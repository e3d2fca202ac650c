/**
 * Clause alignment between two versions of a standard. Pure.
 *
 * Pairs are found in rounds, each only looking at what the rounds before left over, so the common case
 * (keys inherited from the version a draft is based on) costs one pass:
 *   1. same key;  2. same heading and text, then same text (renumbered as is: stronger evidence than a
 *   ref, since after renumbering "5.1 General" may well be another clause than the old 5.1 General);
 *   3. same ref and heading;
 *   4. similar text (word-bigram Dice, through an inverted index so unrelated clauses are never compared);
 *   5. same heading, unique on both sides (short clauses); a section heading renamed over the same
 *      clauses (same number, no text of its own, its first clauses paired);
 *   6. split and merged clauses: a leftover clause whose sentences mostly come from one clause of the
 *      other version (looked for among the unmatched and the neighbours of where it now sits), sentence
 *      by sentence so that a piece edited on the way is still found (./sentences.ts).
 * Then pairs out of order (not in the longest increasing run of old positions) are `moved`, and pairs
 * whose ref differs are `renumbered`.
 */
import type { Clause } from '../versions/clause.ts';
import { isAscii, wordsOf, wordsPerSentence } from './sentences.ts';

/** A clause as alignment needs it: a new draft's clauses have no key yet. */
export type AlignClause = Omit<Clause, 'key'> & { key?: string };

/**
 * How a pair was found. `split`: a further piece of an old clause that already has a partner;
 * `merge`: a further old clause that went into a new clause that already has a partner.
 */
export type Link = 'key' | 'ref' | 'text' | 'split' | 'merge';

export type AlignStatus = 'unchanged' | 'changed' | 'added' | 'removed';

export interface Alignment<F extends AlignClause = Clause, T extends AlignClause = Clause> {
  from: F | null;
  to: T | null;
  /** null for an added or removed clause */
  link: Link | null;
  status: AlignStatus;
  moved: boolean;
  renumbered: boolean;
}

const SIMILAR = 0.5; // Dice on word bigrams above which two leftover clauses are the same clause
const CONTAINED = 0.6; // share of a clause's words in sentences found in another for it to be a piece of it
const NOVEL = 0.3; // share of them the other clause's own partner must not hold: below, a copy, not a split
const SAME_SENTENCE = 0.5; // Dice on word bigrams above which two sentences are one sentence, edited
const MIN_PIECE = 3; // words: below this a piece is too short to tell
const COMMON = 64; // a bigram found in more leftover clauses than this is boilerplate
const WINDOW = 8; // clauses either side searched for the source of a split or merge piece

/**
 * Aligns the clauses of two versions. Both lists are taken in `position` order. Each clause appears in
 * at least one entry; entries come in the order of the new version, a removed clause after the entry of
 * the old clause before it.
 */
export function alignClauses<F extends AlignClause, T extends AlignClause>(
  fromIn: readonly F[],
  toIn: readonly T[],
): Alignment<F, T>[] {
  const from = byPosition(fromIn);
  const to = byPosition(toIn);
  const pairs = new Pairs(from.length, to.length);
  const shingles = new Shingles();
  matchExact(pairs, from, to, (c) => c.key || null, 'key');
  matchExact(pairs, from, to, (c) => `${normHeading(c.heading)}\u0000${c.text}`, 'text');
  matchExact(pairs, from, to, (c) => (c.text.trim() ? c.text : null), 'text');
  matchExact(pairs, from, to, (c) => `${c.ref}\u0000${normHeading(c.heading)}`, 'ref');
  matchSimilar(pairs, from, to, shingles);
  matchExact(pairs, from, to, (c) => (normHeading(c.heading) ? `${c.depth}\u0000${normHeading(c.heading)}` : null), 'text');
  matchSections(pairs, from, to);
  matchPieces(pairs, from, to, shingles);
  return entries(pairs, from, to);
}

/**
 * Gives each clause of a new draft the key of the clause it aligns with in the version it is based on,
 * so identity survives renumbering. New clauses, and the extra pieces of a split, get `newKey()`.
 */
export function inheritKeys<D extends Omit<Clause, 'key'>>(
  basedOn: readonly Clause[],
  draft: readonly D[],
  newKey: () => string,
): (D & { key: string })[] {
  const inherited = new Map<AlignClause, string>();
  for (const a of alignClauses(basedOn, draft)) {
    if (a.from && a.to && a.link !== 'split' && a.link !== 'merge') inherited.set(a.to, a.from.key);
  }
  return draft.map((c) => ({ ...c, key: inherited.get(c) ?? newKey() }));
}

function byPosition<C extends AlignClause>(cs: readonly C[]): C[] {
  // versions come in order: check that before paying for a sort
  for (let k = 1; k < cs.length; k++) {
    if (cs[k - 1]!.position > cs[k]!.position) return [...cs].sort((a, b) => a.position - b.position);
  }
  return [...cs];
}

function normHeading(h: string): string {
  return h.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Who is paired with whom: primary pairs one-to-one, plus split/merge pieces. */
class Pairs {
  readonly toOfFrom: Int32Array;
  readonly fromOfTo: Int32Array;
  readonly link = new Map<number, Link>(); // by `to` index, for primary pairs
  readonly splits: [number, number][] = []; // [from, to] extra pieces of a split
  readonly merges: [number, number][] = []; // [from, to] extra sources of a merge
  // the clauses unpaired when last asked: a clause once paired stays paired, so each round's leftovers
  // are read from the last round's (after the first round, a few) rather than from every clause
  private fromLeft: number[] | null = null;
  private toLeft: number[] | null = null;

  constructor(nFrom: number, nTo: number) {
    this.toOfFrom = new Int32Array(nFrom).fill(-1);
    this.fromOfTo = new Int32Array(nTo).fill(-1);
  }

  pair(f: number, t: number, link: Link): void {
    this.toOfFrom[f] = t;
    this.fromOfTo[t] = f;
    this.link.set(t, link);
  }

  /** Old clauses without a primary partner, in order (a new array: the caller may pair while reading it). */
  leftFrom(): number[] {
    return (this.fromLeft = unpaired(this.toOfFrom, this.fromLeft));
  }

  leftTo(): number[] {
    return (this.toLeft = unpaired(this.fromOfTo, this.toLeft));
  }
}

/** The indices of `partner` still unpaired (-1), in order, looking only at `among` when given. */
function unpaired(partner: Int32Array, among: readonly number[] | null): number[] {
  const out: number[] = [];
  if (among === null) {
    for (let i = 0; i < partner.length; i++) if (partner[i]! < 0) out.push(i);
  } else {
    for (let k = 0; k < among.length; k++) if (partner[among[k]!]! < 0) out.push(among[k]!);
  }
  return out;
}

/** Pairs leftovers whose `id` is equal and unique on each side (a duplicate id proves nothing). */
function matchExact(
  pairs: Pairs,
  from: readonly AlignClause[],
  to: readonly AlignClause[],
  id: (c: AlignClause) => string | null,
  link: Link,
): void {
  const olds = uniqueIds(pairs.leftFrom(), (i) => id(from[i]!));
  const news = uniqueIds(pairs.leftTo(), (j) => id(to[j]!));
  for (const [k, i] of olds) {
    const j = news.get(k);
    if (j !== undefined) pairs.pair(i, j, link);
  }
}

function uniqueIds(indices: number[], id: (i: number) => string | null): Map<string, number> {
  const seen = new Map<string, number>();
  const dup = new Set<string>();
  for (const i of indices) {
    const k = id(i);
    if (k === null) continue;
    if (seen.has(k)) dup.add(k);
    else seen.set(k, i);
  }
  for (const k of dup) seen.delete(k);
  return seen;
}

/**
 * A leftover section heading renamed: same number, no text of its own on either side, and the clauses
 * right after each (its first subclauses) paired with each other. A clause that has text and a new
 * heading under an old number is another clause (it may have been rewritten beyond recognition).
 */
function matchSections(pairs: Pairs, from: readonly AlignClause[], to: readonly AlignClause[]): void {
  const olds = new Map<string, number>();
  for (const i of pairs.leftFrom()) if (!from[i]!.text.trim()) olds.set(from[i]!.ref, i);
  for (const j of pairs.leftTo()) {
    const i = olds.get(to[j]!.ref);
    if (i === undefined || to[j]!.text.trim() || i + 1 >= from.length || j + 1 >= to.length) continue;
    if (pairs.toOfFrom[i + 1] === j + 1 && from[i + 1]!.depth > from[i]!.depth && to[j + 1]!.depth > to[j]!.depth) pairs.pair(i, j, 'ref');
  }
}

/**
 * The sentences of a clause that may be a piece of another: each one's distinct word bigrams, and which
 * hold each bigram, so that another clause's text can be scanned against them once.
 */
interface Piece {
  /** per sentence, its distinct bigram hashes (the word itself for a one-word sentence) */
  bigrams: number[][];
  /** per sentence, how many words it has */
  sizes: number[];
  index: Map<number, number[]>;
  words: number;
}

/** Heading and body as word ids, and (once asked for) where each sentence of the body starts. */
interface Tokens {
  ids: Int32Array;
  /** the hash of the bigram starting at each word (see pairsOf), made once for the Set, the piece and the scans */
  pairs?: Int32Array;
  /** word index where each body sentence starts, then ids.length */
  starts?: number[];
}

const FNV = 0x811c9dc5;
const PRIME = 0x01000193;

/**
 * Word shingles of heading + body as 32-bit hashes, and the sentences of the body, computed once per
 * clause and only for the clauses that need them: bigrams to score similarity, sentences to find the
 * pieces of a split or merge.
 */
export class Shingles {
  private readonly tokens = new Map<AlignClause, Tokens>();
  private readonly wordIds = new Map<string, number>(); // word → hashWord(word)
  private readonly cache = new Map<AlignClause, Set<number>>();
  private readonly pieces = new Map<AlignClause, Piece>();

  bigrams(c: AlignClause): Set<number> {
    let s = this.cache.get(c);
    if (!s) {
      const t = this.tokensOf(c);
      // (a one-word clause's only shingle is the word itself)
      s = new Set();
      if (t.ids.length === 1) s.add(unigramHash(t.ids[0]!));
      const pairs = pairsOf(t);
      // (a loop: a Set made from a typed array steps through an iterator, slower in a first diff; the
      // length read once, as in the loops below: in a first diff each read of it is a call)
      for (let w = 0, n = pairs.length; w < n; w++) s.add(pairs[w]!);
      this.cache.set(c, s);
    }
    return s;
  }

  /** The sentences of `c` as a piece to look for in other clauses. */
  piece(c: AlignClause): Piece {
    let p = this.pieces.get(c);
    if (!p) {
      const t = this.sentenceTokens(c);
      const { ids, starts } = t;
      const pairs = pairsOf(t);
      p = { bigrams: [], sizes: [], index: new Map(), words: 0 };
      for (let k = 0; k + 1 < starts.length; k++) {
        const a = Math.min(starts[k]!, ids.length);
        const b = Math.min(starts[k + 1]!, ids.length);
        const own: number[] = [];
        for (let w = a; w < b; w++) {
          if (w + 1 === b && w > a) break;
          // the bigram from w (the word itself for a one-word sentence)
          const h = w + 1 < b ? pairs[w]! : unigramHash(ids[w]!);
          // units are added in order: a bigram already posted for this one is a repeat within it
          const posting = p.index.get(h);
          if (!posting) p.index.set(h, [k]);
          else if (posting[posting.length - 1] !== k) posting.push(k);
          else continue;
          own.push(h);
        }
        p.bigrams.push(own);
        p.sizes.push(b - a);
        p.words += b - a;
      }
      this.pieces.set(c, p);
    }
    return p;
  }

  /**
   * At most how many words of `piece` a clause with body `text` holds in sentences that a clause with
   * body `other` does not have word for word (the words a piece brings that the partner lacks: see
   * findSources). A sentence of `text` that `other` has too holds there what it holds here; the others
   * lie in the stretch where the two texts differ, cut back to sentence ends (changedStretch), so only
   * that stretch is read, sentence by sentence as `held` reads a whole clause. Infinity (no bound) for a
   * stretch not in ASCII.
   */
  reach(piece: Piece, text: string, other: string): number {
    if (text === other) return 0;
    const [from, to] = changedStretch(text, other);
    if (to <= from) return 0;
    const stretch = text.slice(from, to);
    // (a stretch in ASCII reads in ASCII as its clause reads it, whether the rest of it is ASCII or not:
    // its sentence ends and words are the same either way)
    if (!isAscii(stretch)) return Infinity;
    const words = wordsOf(stretch);
    if (words.length < 2) return 0; // (no word pair: no sentence of it holds anything)
    const ids = this.idsOf(words);
    const starts = [0];
    let at = 0;
    const per = wordsPerSentence(stretch);
    for (let k = 0, m = per.length; k < m; k++) {
      at += per[k]!;
      if (at > starts[starts.length - 1]!) starts.push(at);
    }
    const held = heldBy(piece, pairsOf({ ids }), starts);
    let most = 0;
    for (let u = 0, m = held.length; u < m; u++) if (held[u]) most += piece.sizes[u]!;
    return most;
  }

  /** Which sentences of `piece` a sentence of `c` holds, perhaps edited (see heldBy). */
  held(piece: Piece, c: AlignClause): Uint8Array {
    const t = this.sentenceTokens(c);
    return heldBy(piece, pairsOf(t), t.starts);
  }

  /** The words' ids, each distinct word hashed once per diff. */
  private idsOf(words: readonly string[]): Int32Array {
    const n = words.length;
    const ids = new Int32Array(n);
    const known = this.wordIds;
    for (let k = 0; k < n; k++) {
      const word = words[k]!;
      let id = known.get(word);
      if (id === undefined) known.set(word, (id = hashWord(word)));
      ids[k] = id;
    }
    return ids;
  }

  private tokensOf(c: AlignClause): Tokens {
    let t = this.tokens.get(c);
    if (!t) {
      // the words found natively (one regexp match), each distinct word hashed once per diff: in a
      // process's first diff a loop over every character runs slowly, a loop over the words far less
      const ids = this.idsOf(wordsOf(`${c.heading}\n${c.text}`));
      this.tokens.set(c, (t = { ids }));
    }
    return t;
  }

  /** The word ids with the sentence starts, for the few clauses scanned: the body's words counted sentence by sentence. */
  private sentenceTokens(c: AlignClause): Required<Tokens> {
    const t = this.tokensOf(c);
    if (!t.starts) {
      let n = wordsOf(c.heading).length;
      const starts = [n];
      for (const words of wordsPerSentence(c.text)) {
        n += words;
        if (n > starts[starts.length - 1]!) starts.push(n);
      }
      t.starts = starts;
    }
    return t as Required<Tokens>;
  }

}

/**
 * The stretch [from, to) of `text` outside of which its sentences are `other`'s, word for word:
 * from the last sentence end (or line break) found within the two texts' common start, to the first
 * found within their common end. (A sentence end is a '.', '!' or '?' followed by spaces and a capital,
 * a digit or an opening bracket or quote, as wordsPerSentence cuts ASCII text: one found inside the
 * common text, what follows it included, is there in both texts; in other text it cuts there too, and
 * perhaps elsewhere as well, which only makes the stretch longer.)
 */
function changedStretch(text: string, other: string): [number, number] {
  const max = Math.min(text.length, other.length);
  const pre = commonLength(text, other, max, false);
  // (the common end measured on its own, overlapping the common start if it will: a sentence of `text`
  // in either is in `other`, which is all that is asked)
  const suf = commonLength(text, other, max, true);
  // the last cut inside the common start: its lookahead read within it
  const head = text.slice(0, pre);
  let from = 0;
  CUT.lastIndex = 0;
  for (let m = CUT.exec(head); m; m = CUT.exec(head)) from = m.index + 1;
  // the first cut inside the common end
  const tailStart = text.length - suf;
  CUT.lastIndex = 0;
  const m = CUT.exec(text.slice(tailStart));
  const to = m ? tailStart + m.index + 1 : text.length;
  return [from, to];
}

/**
 * How many characters `a` and `b` have in common at their start (at their end if `fromEnd`), at most
 * `max`: by native compares of slices, growing while they agree, then halving, so that a few compares
 * measure a long common stretch (a loop over characters runs slowly in a process's first diff).
 */
function commonLength(a: string, b: string, max: number, fromEnd: boolean): number {
  const same = (at: number, n: number) =>
    fromEnd ? a.slice(a.length - at - n, a.length - at) === b.slice(b.length - at - n, b.length - at) : a.slice(at, at + n) === b.slice(at, at + n);
  let n = 0;
  let step = 16;
  while (n + step <= max && same(n, step)) {
    n += step;
    step *= 2;
  }
  // what differs (or the end) lies within `step` of n
  while (step > 1) {
    step >>= 1;
    if (n + step <= max && same(n, step)) n += step;
  }
  return n;
}

// a sentence end (as END_ASCII in ./sentences.ts) or a line break
const CUT = /[.!?](?=[ \t]+[A-Z\d("'])|\n/g;

/** The bigram hash at each word but the last (FNV over the two word ids), made once per clause: its Set, its piece, each scan for a piece. */
function pairsOf(t: Tokens): Int32Array {
  if (!t.pairs) {
    const { ids } = t;
    const n = Math.max(0, ids.length - 1);
    const pairs = new Int32Array(n);
    let next = n > 0 ? ids[0]! : 0;
    for (let w = 0; w < n; w++) {
      const id = next;
      next = ids[w + 1]!;
      pairs[w] = Math.imul(Math.imul(FNV ^ id, PRIME) ^ next, PRIME);
    }
    t.pairs = pairs;
  }
  return t.pairs;
}

function unigramHash(id: number): number {
  return Math.imul(FNV ^ id, PRIME);
}

/** A word's id: FNV-1a over its (lower-case) characters, so that no word need be made to be named. */
function hashWord(word: string): number {
  let h = FNV;
  for (let i = 0, n = word.length; i < n; i++) h = Math.imul(h ^ word.charCodeAt(i), PRIME);
  return h;
}

/**
 * Which sentences of `piece` a sentence of a clause (its word ids, and where its sentences start) holds,
 * perhaps edited (Dice on word bigrams at least SAME_SENTENCE): one pass over the words, counting the
 * bigrams each of its sentences shares with each sentence of the piece. (Kept apart from the token
 * making, so that the one hot loop of the piece search is small to optimise.)
 */
function heldBy(piece: Piece, pairs: Int32Array, starts: readonly number[]): Uint8Array {
  const n = piece.sizes.length;
  const out = new Uint8Array(n);
  const shared = new Int32Array(n);
  const touched: number[] = [];
  const { index } = piece;
  const own = piece.bigrams;
  const last = pairs.length + 1;
  for (let k = 0, sentences = starts.length - 1; k < sentences; k++) {
    const a = starts[k]!;
    const end = starts[k + 1]!;
    // (a start past the last word, were the two word counts ever to disagree, reads no bigram)
    const b = end < last ? end : last;
    for (let w = a; w + 1 < b; w++) {
      const posting = index.get(pairs[w]!);
      if (posting === undefined) continue;
      for (let q = 0, m = posting.length; q < m; q++) {
        const u = posting[q]!;
        if (shared[u]++ === 0) touched.push(u);
      }
    }
    // (a bigram repeated in one sentence is rare enough to count as the sentence's length says)
    const size = Math.max(1, end - a - 1);
    for (let q = 0, m = touched.length; q < m; q++) {
      const u = touched[q]!;
      const bigrams = own[u]!.length;
      if ((2 * Math.min(shared[u]!, bigrams)) / (bigrams + size) >= SAME_SENTENCE) out[u] = 1;
      shared[u] = 0;
    }
    touched.length = 0;
  }
  return out;
}

/** Best-first greedy pairing of leftovers by Dice similarity, candidates found through shared bigrams. */
function matchSimilar(pairs: Pairs, from: readonly AlignClause[], to: readonly AlignClause[], sh: Shingles): void {
  const olds = pairs.leftFrom();
  const news = pairs.leftTo();
  if (!olds.length || !news.length) return;
  const index = new Map<number, number[]>();
  for (const i of olds) {
    for (const b of sh.bigrams(from[i]!)) {
      const posting = index.get(b);
      if (posting) posting.push(i);
      else index.set(b, [i]);
    }
  }
  const candidates: { i: number; j: number; score: number }[] = [];
  for (const j of news) {
    const nb = sh.bigrams(to[j]!);
    const shared = new Map<number, number>();
    for (const b of nb) {
      const posting = index.get(b);
      if (!posting || posting.length > COMMON) continue;
      for (const i of posting) shared.set(i, (shared.get(i) ?? 0) + 1);
    }
    for (const [i, n] of shared) {
      const score = (2 * n) / (sh.bigrams(from[i]!).size + nb.size);
      if (score >= SIMILAR) candidates.push({ i, j, score });
    }
  }
  // ties go to the pair nearest in the document, so repeated boilerplate pairs up in order
  candidates.sort((a, b) => b.score - a.score || Math.abs(a.i - a.j) - Math.abs(b.i - b.j));
  for (const { i, j } of candidates) {
    if (pairs.toOfFrom[i]! < 0 && pairs.fromOfTo[j]! < 0) pairs.pair(i, j, 'text');
  }
}

/**
 * Splits then merges. A leftover new clause mostly made of an old clause's words is a piece of it (unless
 * the old clause's own partner already holds those words); symmetrically for a leftover old clause.
 */
function matchPieces(pairs: Pairs, from: readonly AlignClause[], to: readonly AlignClause[], sh: Shingles): void {
  const pieces = findSources(pairs.leftTo(), pairs.leftFrom(), pairs.fromOfTo, pairs.toOfFrom, to, from, sh);
  for (const [i, js] of groupBySource(pieces)) {
    // a clause with no partner yet is paired with its first piece, so one piece keeps its identity
    let rest = js;
    if (pairs.toOfFrom[i]! < 0) {
      pairs.pair(i, js[0]!, 'text');
      rest = js.slice(1);
    }
    for (const j of rest) pairs.splits.push([i, j]);
  }
  // no clause is both split and merged: many-to-many is reported as changes
  const busy = new Set(pairs.splits.flatMap(([i, j]) => [j, pairs.toOfFrom[i]!]));
  const sources = findSources(pairs.leftFrom(), pairs.leftTo(), pairs.toOfFrom, pairs.fromOfTo, from, to, sh);
  for (const [j, is] of groupBySource(sources.filter(([, j]) => !busy.has(j)))) {
    let rest = is;
    if (pairs.fromOfTo[j]! < 0) {
      pairs.pair(is[0]!, j, 'text');
      rest = is.slice(1);
    }
    for (const i of rest) pairs.merges.push([i, j]);
  }
}

/** Sorted by piece position, grouped by the clause the pieces came from (or went into). */
function groupBySource(found: [number, number][]): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (const [piece, source] of found.sort((a, b) => a[0] - b[0])) {
    const g = groups.get(source);
    if (g) g.push(piece);
    else groups.set(source, [piece]);
  }
  return groups;
}

/**
 * For each leftover clause on one side ("mine"), the clause on the other side ("theirs") its sentences
 * mostly come from: looked for among their leftovers (`theirLeft`) and the partners of my paired neighbours. A piece
 * must bring sentences that the clause's own partner does not hold (else it is a copy, not a split).
 * Returns [mine, theirs] pairs.
 */
function findSources(
  leftovers: number[],
  theirLeft: number[],
  partnerOfMine: Int32Array,
  partnerOfTheirs: Int32Array,
  mine: readonly AlignClause[],
  theirs: readonly AlignClause[],
  sh: Shingles,
): [number, number][] {
  const found: [number, number][] = [];
  for (const m of leftovers) {
    const piece = sh.piece(mine[m]!);
    if (piece.words < MIN_PIECE) continue;
    let best = -1;
    let bestShared = CONTAINED * piece.words;

    for (const t of candidates(m, partnerOfMine, theirLeft)) {
      const own = partnerOfTheirs[t]!;
      // a clause that reads as its partner holds the piece exactly as much as the partner does: a copy
      if (own >= 0 && sameClause(theirs[t]!, mine[own]!)) continue;
      // the piece's novel words can only be in sentences of the clause that its partner lacks, which lie
      // where their texts differ: a clause edited in a few words is ruled out without reading it whole
      if (own >= 0 && sh.reach(piece, theirs[t]!.text, mine[own]!.text) < NOVEL * piece.words) continue;
      // a cheap bound first, on the clause's bigrams as a whole: a sentence u held at SAME_SENTENCE (0.5)
      // by a sentence v shares at least |u|/3 of its bigrams with it (2s ≥ (|u|+|v|)/2 and s ≤ |v|)
      if (!mayHold(piece, sh.bigrams(theirs[t]!), CONTAINED * piece.words)) continue;
      const inSource = sh.held(piece, theirs[t]!);
      let shared = 0;
      for (let k = 0; k < inSource.length; k++) if (inSource[k]) shared += piece.sizes[k]!;
      if (shared < bestShared) continue;
      const inOwn = own >= 0 ? sh.held(piece, mine[own]!) : null;
      let novel = 0;
      for (let k = 0; k < inSource.length; k++) if (inSource[k] && !inOwn?.[k]) novel += piece.sizes[k]!;
      if (novel < NOVEL * piece.words) continue;
      best = t;
      bestShared = shared;
    }
    if (best >= 0) found.push([m, best]);
  }
  return found;
}

/** Whether the sentences of `piece` that share a third of their bigrams with `bigrams` have `words` words. */
function mayHold(piece: Piece, bigrams: Set<number>, words: number): boolean {
  let left = piece.words; // words not yet ruled out
  const { sizes } = piece;
  for (let u = 0, units = sizes.length; u < units; u++) {
    const own = piece.bigrams[u]!;
    const m = own.length;
    let n = 0;
    for (let k = 0; k < m; k++) if (bigrams.has(own[k]!)) n++;
    if (3 * n < m) left -= sizes[u]!;
    if (left < words) return false;
  }
  return true;
}

/** Same heading and text: the same shingles. */
function sameClause(a: AlignClause, b: AlignClause): boolean {
  return a.text === b.text && a.heading === b.heading;
}

function candidates(m: number, partnerOfMine: Int32Array, theirLeft: number[]): Set<number> {
  const out = new Set(theirLeft);
  const lo = Math.max(0, m - WINDOW);
  const hi = Math.min(partnerOfMine.length - 1, m + WINDOW);
  for (let k = lo; k <= hi; k++) if (partnerOfMine[k]! >= 0) out.add(partnerOfMine[k]!);
  return out;
}

/** Indices (into the to-ordered primary pairs) whose old positions are not in the longest increasing run. */
function movedTargets(fromOfTo: Int32Array): Set<number> {
  const targets: number[] = [];
  const olds: number[] = [];
  for (let t = 0; t < fromOfTo.length; t++) {
    if (fromOfTo[t]! < 0) continue;
    targets.push(t);
    olds.push(fromOfTo[t]!);
  }
  const keep = longestIncreasing(olds);
  const moved = new Set<number>();
  for (let k = 0; k < targets.length; k++) if (!keep.has(k)) moved.add(targets[k]!);
  return moved;
}

/** Indices of one longest strictly increasing subsequence, O(n log n). */
export function longestIncreasing(xs: readonly number[]): Set<number> {
  const tails: number[] = []; // tails[l] = index of the smallest tail of an increasing run of length l+1
  const prev = new Int32Array(xs.length).fill(-1);
  for (let k = 0; k < xs.length; k++) {
    const x = xs[k]!;
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xs[tails[mid]!]! < x) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[k] = tails[lo - 1]!;
    tails[lo] = k;
  }
  const keep = new Set<number>();
  for (let k = tails.at(-1) ?? -1; k >= 0; k = prev[k]!) keep.add(k);
  return keep;
}

/** Builds the entries, in new-document order with removed clauses after their old predecessor. */
function entries<F extends AlignClause, T extends AlignClause>(pairs: Pairs, from: F[], to: T[]): Alignment<F, T>[] {
  const moved = movedTargets(pairs.fromOfTo);
  const out: { at: [number, number, number]; a: Alignment<F, T> }[] = [];
  const piece = (f: F, t: T, link: Link): Alignment<F, T> => ({ from: f, to: t, link, status: 'changed', moved: false, renumbered: false });

  const pieces = new Set(pairs.splits.map(([, j]) => j));
  to.forEach((t, j) => {
    const i = pairs.fromOfTo[j]!;
    if (i < 0) {
      if (!pieces.has(j)) out.push({ at: [j, 0, -1], a: added(t) });
      return;
    }
    const f = from[i]!;
    const same = f.text === t.text && f.heading === t.heading;
    out.push({
      at: [j, 0, i],
      a: { from: f, to: t, link: pairs.link.get(j)!, status: same ? 'unchanged' : 'changed', moved: moved.has(j), renumbered: f.ref !== t.ref },
    });
  });
  for (const [i, j] of pairs.splits) out.push({ at: [j, 0, i], a: piece(from[i]!, to[j]!, 'split') });
  for (const [i, j] of pairs.merges) out.push({ at: [j, 0, i], a: piece(from[i]!, to[j]!, 'merge') });

  const merged = new Set(pairs.merges.map(([i]) => i));
  let anchor = -1; // new index of the last paired old clause seen, walking the old version
  from.forEach((f, i) => {
    const j = pairs.toOfFrom[i]!;
    if (j >= 0) anchor = j;
    else if (!merged.has(i)) out.push({ at: [anchor, 1, i], a: removed(f) });
  });
  out.sort((x, y) => x.at[0] - y.at[0] || x.at[1] - y.at[1] || x.at[2] - y.at[2]);
  return out.map((e) => e.a);
}

function added<F extends AlignClause, T extends AlignClause>(t: T): Alignment<F, T> {
  return { from: null, to: t, link: null, status: 'added', moved: false, renumbered: false };
}

function removed<F extends AlignClause, T extends AlignClause>(f: F): Alignment<F, T> {
  return { from: f, to: null, link: null, status: 'removed', moved: false, renumbered: false };
}
