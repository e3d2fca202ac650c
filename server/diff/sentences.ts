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

// Text in ASCII (most of it) is read with ASCII twins of the Unicode regexps, which find the same there:
// building a Unicode property class is a good part of a process's first diff.
const END_ASCII = /[.!?](?=[ \t]+[A-Z\d("'])/g;
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Whether a text is all ASCII (so that the ASCII twin of a regexp finds what the Unicode one does). The
 * last text asked about is remembered: the number scanner asks about its text again for each number it
 * finds, and each answer reads the whole text.
 */
export function isAscii(s: string): boolean {
  if (s !== lastText) {
    lastAscii = !NON_ASCII.test(s);
    lastText = s;
  }
  return lastAscii;
}

let lastText = '';
let lastAscii = true;

/** The sentences of a clause body, in order, with where each is. Blank lines and table rules are skipped. */
export function sentencesOf(text: string): Sentence[] {
  const out: Sentence[] = [];
  const ascii = isAscii(text);
  const end = ascii ? END_ASCII : END;
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);
    if (hasWord(line, ascii)) {
      let from = 0;
      end.lastIndex = 0;
      for (let m = end.exec(line); m; m = end.exec(line)) {
        push(out, line, lineStart, from, m.index + 1, ascii);
        from = m.index + 1;
      }
      push(out, line, lineStart, from, line.length, ascii);
    }
    lineStart = lineEnd + 1;
  }
  return out;
}

function push(out: Sentence[], line: string, offset: number, from: number, to: number, ascii: boolean): void {
  while (from < to && isSpace(line.charCodeAt(from))) from++;
  while (to > from && isSpace(line.charCodeAt(to - 1))) to--;
  if (to <= from) return;
  const text = line.slice(from, to);
  if (hasWord(text, ascii)) out.push({ start: offset + from, end: offset + to, text });
}

/** Whether a text (ASCII if `ascii`) has a letter or a digit (through WORD: one regexp compiled for all the module's word tests). */
function hasWord(text: string, ascii: boolean): boolean {
  const word = ascii ? WORD_ASCII : WORD;
  word.lastIndex = 0;
  const found = word.test(text);
  word.lastIndex = 0;
  return found;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 160;
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

/**
 * How many words each stretch of `text` between sentence ends and line breaks has, in order (as
 * sentencesOf cuts it, stretches without words included): where the sentences of a clause start in its
 * words, without an array of its words.
 */
export function wordsPerSentence(text: string): number[] {
  // a line break put after each sentence end, so that one native split cuts at both (END never spans a line);
  // the stretches of an ASCII text are ASCII: the text is looked at once, not each stretch again
  const ascii = isAscii(text);
  const word = ascii ? WORD_ASCII : WORD;
  const stretches = text.replace(ascii ? END_ASCII : END, '$&\n').split('\n');
  const out = new Array<number>(stretches.length);
  for (let k = 0; k < stretches.length; k++) out[k] = ascii ? (stretches[k]!.match(word)?.length ?? 0) : countWords(stretches[k]!);
  return out;
}

/** How many words (runs of letters and digits) a text has. */
export function countWords(s: string): number {
  return s.match(isAscii(s) ? WORD_ASCII : WORD)?.length ?? 0;
}

/** Lower-case words (letters and digits) of a sentence. */
export function wordsOf(s: string): string[] {
  return s.toLowerCase().match(isAscii(s) ? WORD_ASCII : WORD) ?? [];
}

/** Dice over two bigram sets: 1 for the same words in the same order, 0 for nothing shared. */
export function similarity<T>(a: Set<T>, b: Set<T>): number {
  if (!a.size || !b.size) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let n = 0;
  for (const x of small) if (large.has(x)) n++;
  return (2 * n) / (a.size + b.size);
}

/** The word bigrams of a sentence (as "word word" strings: hashed natively), and how many words it has. */
export function bigramsOfText(s: string): { bigrams: Set<string>; words: number } {
  const words = s.toLowerCase().match(isAscii(s) ? WORD_ASCII : WORD) ?? [];
  const bigrams = new Set<string>();
  if (words.length === 1) bigrams.add(words[0]!);
  for (let k = 0; k + 1 < words.length; k++) bigrams.add(`${words[k]} ${words[k + 1]}`);
  return { bigrams, words: words.length };
}

const WORD = /[\p{L}\p{N}]+/gu;
const WORD_ASCII = /[A-Za-z0-9]+/g;
