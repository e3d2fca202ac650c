/**
 * Word-level diff of two clause texts, always per clause (a whole-document word diff blocks the server).
 *
 * `diffWordsWithSpace` keeps every character (words, punctuation, each newline and each run of spaces are
 * tokens), so joining equal + delete parts gives the old text and equal + insert the new, exactly.
 * Measured against `diffArrays` over the same tokens (bench/lib/gen-standard.ts texts, 3 % of sentences
 * edited): equal within noise, so we keep the library's own tokeniser.
 */
import { wordsWithSpaceDiff } from 'diff';

export type PartOp = 'equal' | 'insert' | 'delete';

export interface DiffPart {
  op: PartOp;
  text: string;
}

/**
 * The library's `diffWordsWithSpace`, its tokeniser's regexp made once: the library makes it anew for
 * each text it reads (twice a clause), which in a process's first diff costs more than the reading.
 * Same tokens: TOKEN is the library's pattern (diff/libesm/diff/word.js, WordsWithSpaceDiff), and
 * test/unit/diff-words.test.ts checks the two tokenisers against each other.
 */
const WORD_CHARS = 'a-zA-Z0-9_\\u{AD}\\u{C0}-\\u{D6}\\u{D8}-\\u{F6}\\u{F8}-\\u{2C6}\\u{2C8}-\\u{2D7}\\u{2DE}-\\u{2FF}\\u{1E00}-\\u{1EFF}';
const TOKEN = new RegExp(`(\\r?\\n)|[${WORD_CHARS}]+|[^\\S\\n\\r]+|[^${WORD_CHARS}]`, 'ug');
export const wordsWithSpace: typeof wordsWithSpaceDiff = Object.create(wordsWithSpaceDiff, {
  tokenize: { value: (value: string) => value.match(TOKEN) || [] },
});

/**
 * Myers' algorithm is O(N·D): past this many edited tokens a clause is shown as replaced outright rather
 * than letting one rewritten annex hold the event loop.
 */
const MAX_EDIT_TOKENS = 5000;

/** Word diff of one clause's old and new text. Runs of changes come out as one delete then one insert. */
export function diffText(oldText: string, newText: string): DiffPart[] {
  if (oldText === newText) return oldText ? [{ op: 'equal', text: oldText }] : [];
  if (!oldText) return [{ op: 'insert', text: newText }];
  if (!newText) return [{ op: 'delete', text: oldText }];
  // most edits touch a few words of a long clause: only the middle is tokenised and diffed
  const [pre, suf] = commonEnds(oldText, newText);
  const oldMid = oldText.slice(pre, oldText.length - suf);
  const newMid = newText.slice(pre, newText.length - suf);
  const changes = wordsWithSpace.diff(oldMid, newMid, { maxEditLength: MAX_EDIT_TOKENS });
  const middle: DiffPart[] = changes
    ? changes.map((c) => ({ op: c.added ? 'insert' : c.removed ? 'delete' : 'equal', text: c.value }))
    : [{ op: 'delete', text: oldMid }, { op: 'insert', text: newMid }];
  return normalise([{ op: 'equal', text: oldText.slice(0, pre) }, ...middle, { op: 'equal', text: oldText.slice(oldText.length - suf) }]);
}

/**
 * Lengths of the common prefix and suffix, cut back to whitespace so no word is split (the word diff
 * must see "should" → "shall", not "sh" + "ould" → "all").
 */
function commonEnds(a: string, b: string): [number, number] {
  const max = Math.min(a.length, b.length);
  // whole chunks first: comparing slices is native, a loop over characters runs slowly until the JIT
  // has warmed up, and the first diff of a process is the one people wait for
  let pre = 0;
  while (pre + CHUNK <= max && a.slice(pre, pre + CHUNK) === b.slice(pre, pre + CHUNK)) pre += CHUNK;
  while (pre < max && a.charCodeAt(pre) === b.charCodeAt(pre)) pre++;
  while (pre > 0 && !/\s/.test(a[pre - 1]!)) pre--;
  let suf = 0;
  while (suf + CHUNK <= max - pre && a.slice(a.length - suf - CHUNK, a.length - suf) === b.slice(b.length - suf - CHUNK, b.length - suf)) suf += CHUNK;
  while (suf < max - pre && a.charCodeAt(a.length - 1 - suf) === b.charCodeAt(b.length - 1 - suf)) suf++;
  while (suf > 0 && !/\s/.test(a[a.length - suf]!)) suf--;
  return [pre, suf];
}

const CHUNK = 32;

/** Merges each run of non-equal parts into one delete followed by one insert; drops empty parts. */
function normalise(parts: DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  let del = '';
  let ins = '';
  const flush = () => {
    if (del) out.push({ op: 'delete', text: del });
    if (ins) out.push({ op: 'insert', text: ins });
    del = ins = '';
  };
  for (const p of parts) {
    if (p.op === 'delete') del += p.text;
    else if (p.op === 'insert') ins += p.text;
    else if (p.text) {
      flush();
      const last = out.at(-1);
      if (last?.op === 'equal') last.text += p.text;
      else out.push({ op: 'equal', text: p.text });
    }
  }
  flush();
  return out;
}

/** The text one side of a diff had: `old` joins equal + delete parts, `new` joins equal + insert. */
export function sideText(parts: readonly DiffPart[], side: 'old' | 'new'): string {
  const skip: PartOp = side === 'old' ? 'insert' : 'delete';
  let s = '';
  for (const p of parts) if (p.op !== skip) s += p.text;
  return s;
}

/**
 * Cuts `whole` into consecutive slices, one per piece, each the part of `whole` that became (or came
 * from) that piece: used for a clause split into several, or several merged into one. The slices
 * joined give `whole` exactly; text between two pieces goes to the earlier one.
 */
export function partitionText(whole: string, pieces: readonly string[]): string[] {
  if (pieces.length <= 1) return [whole];
  const SEP = '\n\n';
  const starts: number[] = [];
  let at = 0;
  for (const p of pieces) {
    starts.push(at);
    at += p.length + SEP.length;
  }
  const cuts = starts.slice(1).map(mapper(diffText(whole, pieces.join(SEP))));
  const bounds = [0, ...cuts, whole.length];
  return pieces.map((_, i) => whole.slice(bounds[i], bounds[i + 1]));
}

/** Maps an offset in the new side of `parts` to the matching offset in the old side (monotone). */
function mapper(parts: DiffPart[]): (newOffset: number) => number {
  return (target) => {
    let oldPos = 0;
    let newPos = 0;
    for (const p of parts) {
      if (p.op === 'delete') {
        oldPos += p.text.length;
        continue;
      }
      if (newPos + p.text.length > target) return p.op === 'equal' ? oldPos + (target - newPos) : oldPos;
      newPos += p.text.length;
      if (p.op === 'equal') oldPos += p.text.length;
    }
    return oldPos;
  };
}
