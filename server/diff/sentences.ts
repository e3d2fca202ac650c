/**
 * Sentences of a clause body, the unit in which requirements are followed across a revision: a clause
 * is split into lines (paragraphs, list items, table rows) and lines into sentences. Pure.
 *
 * Two sentences are "the same sentence" when their text is equal once list markers, spacing and the
 * closing punctuation are set aside (`sameText`), or when most of their word pairs are shared
 * (`similarity`, Dice over word bigrams: an edited number or verb costs two or three bigrams of a
 * sentence, while unrelated sentences written in the same style share few).
 */

export interface Sentence {
  /** [start, end) in the clause body */
  start: number;
  end: number;
  text: string;
}

// a sentence ends at . ! or ? followed by spaces and a capital, a digit or an opening bracket or quote
// (not "2.5", "e.g. the", "IMAS 07.11" at the end of a line is the line's end anyway)
const END = /[.!?](?=[ \t]+[\p{Lu}\d("'“‘])/gu;

/** The sentences of a clause body, in order, with where each is. Blank lines and table rules are skipped. */
export function sentencesOf(text: string): Sentence[] {
  const out: Sentence[] = [];
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);
    if (/[\p{L}\p{N}]/u.test(line)) {
      let from = 0;
      END.lastIndex = 0;
      for (let m = END.exec(line); m; m = END.exec(line)) {
        push(out, line, lineStart, from, m.index + 1);
        from = m.index + 1;
      }
      push(out, line, lineStart, from, line.length);
    }
    lineStart = lineEnd + 1;
  }
  return out;
}

function push(out: Sentence[], line: string, offset: number, from: number, to: number): void {
  while (from < to && /\s/.test(line[from]!)) from++;
  while (to > from && /\s/.test(line[to - 1]!)) to--;
  if (to > from && /[\p{L}\p{N}]/u.test(line.slice(from, to))) out.push({ start: offset + from, end: offset + to, text: line.slice(from, to) });
}

/**
 * What two sentences must share to be the same text: no list marker ("1.", "-", "a)"), single spaces,
 * no closing punctuation (a list item that moves to the end of its list trades its ";" for a ".").
 */
export function sameText(s: string): string {
  // most sentences need none of this: look before paying for a replace
  const c = s.charCodeAt(0);
  if (c === 45 || c === 42 || c === 43 || c === 40 || (c >= 48 && c <= 57) || (c >= 97 && c <= 122)) s = s.replace(MARKER, '');
  if (SPACES.test(s)) s = s.replace(/\s+/g, ' ');
  let end = s.length;
  while (end > 0 && CLOSING.has(s.charCodeAt(end - 1))) end--;
  return end === s.length ? s : s.slice(0, end);
}

const MARKER = /^(?:[-*+]|\d+[.)]|\(?[a-z][.)])\s+/;
const SPACES = /\s\s|[\t\n\r\f\v\u00a0]/;
const CLOSING = new Set([46, 59, 58, 44, 32, 9, 10, 13]); // . ; : , and white space

/** Lower-case words (letters and digits) of a sentence. */
export function wordsOf(s: string): string[] {
  return s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Word ids for one comparison run: the same word gets the same small number. */
export class WordIds {
  private readonly ids = new Map<string, number>();

  one(word: string): number {
    let id = this.ids.get(word);
    if (id === undefined) this.ids.set(word, (id = this.ids.size + 1));
    return id;
  }

  of(words: readonly string[]): Int32Array {
    const out = new Int32Array(words.length);
    for (let k = 0; k < words.length; k++) {
      let id = this.ids.get(words[k]!);
      if (id === undefined) this.ids.set(words[k]!, (id = this.ids.size + 1));
      out[k] = id;
    }
    return out;
  }
}

/** The word bigrams of a sentence, its words numbered by `ids`; and how many words it has. */
export function bigramsOfText(s: string, ids: WordIds): { bigrams: Set<number>; words: number } {
  const bigrams = new Set<number>();
  let prev = 0;
  let words = 0;
  WORD.lastIndex = 0;
  for (let m = WORD.exec(s); m; m = WORD.exec(s)) {
    const id = ids.one(m[0].toLowerCase());
    if (prev) bigrams.add(prev * 0x100000 + id);
    prev = id;
    words++;
  }
  if (words === 1) bigrams.add(prev);
  return { bigrams, words };
}

const WORD = /[\p{L}\p{N}]+/gu;

/** The word bigrams of a run of word ids, as numbers (a one-word sentence is its word). */
export function bigramsOf(ids: Int32Array): Set<number> {
  const out = new Set<number>();
  if (ids.length === 1) out.add(ids[0]!);
  for (let k = 0; k + 1 < ids.length; k++) out.add(ids[k]! * 0x100000 + ids[k + 1]!);
  return out;
}

/** Dice over two bigram sets: 1 for the same words in the same order, 0 for nothing shared. */
export function similarity(a: Set<number>, b: Set<number>): number {
  if (!a.size || !b.size) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let n = 0;
  for (const x of small) if (large.has(x)) n++;
  return (2 * n) / (a.size + b.size);
}
