/**
 * The words FTS5 indexes, computed in JavaScript: its `porter unicode61` tokenizer (the `clause_search`
 * table's, migrations/20261201135000_create_clause_search.ts) for the impact-ordered index (postings.ts),
 * which must hold exactly the terms FTS5 would, and for the query words looked up in it. Pure.
 *
 * The stemmer is a port of SQLite's own (fts5PorterCb and the steps it calls, sqlite3.c), not a library's
 * Porter stemmer: those differ from it on some words, and a word stemmed differently here than in FTS5
 * would find other clauses through the two paths. test/unit/search-porter.test.ts compares both on every
 * word of the bench's corpus and of the sample standards.
 */

const isVowel = (c: string, yIsVowel: boolean) => c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u' || (yIsVowel && c === 'y');

/** fts5PorterGobbleVC: the length of the first vowels-then-consonant run, 0 when there is none. */
function gobbleVC(s: string, from: number, n: number, prevCons: boolean): number {
  let cons = prevCons;
  let i = from;
  for (; i < n; i++) {
    cons = !isVowel(s[i]!, cons);
    if (!cons) break;
  }
  for (i++; i < n; i++) {
    cons = !isVowel(s[i]!, cons);
    if (cons) return i + 1 - from;
  }
  return 0;
}

const mGt0 = (s: string, n: number) => gobbleVC(s, 0, n, false) > 0;
function mGt1(s: string, n: number): boolean {
  const k = gobbleVC(s, 0, n, false);
  return k > 0 && gobbleVC(s, k, n, true) > 0;
}
function mEq1(s: string, n: number): boolean {
  const k = gobbleVC(s, 0, n, false);
  return k > 0 && gobbleVC(s, k, n, true) === 0;
}
/** (*o): ends consonant-vowel-consonant, the last not w, x or y */
function oStar(s: string, n: number): boolean {
  const last = s[n - 1];
  if (last === 'w' || last === 'x' || last === 'y') return false;
  let mask = 0;
  let cons = false;
  for (let i = 0; i < n; i++) {
    cons = !isVowel(s[i]!, cons);
    mask = ((mask << 1) + (cons ? 1 : 0)) & 0xffff;
  }
  return (mask & 7) === 5;
}
const mGt1SorT = (s: string, n: number) => (s[n - 1] === 's' || s[n - 1] === 't') && mGt1(s, n);
function hasVowel(s: string, n: number): boolean {
  for (let i = 0; i < n; i++) if (isVowel(s[i]!, i > 0)) return true;
  return false;
}

type Cond = (s: string, n: number) => boolean;
type Rule = [suffix: string, cond: Cond | null, output: string];

/**
 * A step of SQLite's generated rules: the first suffix that ends the word with at least one letter before
 * it is the only one tried (applied when its condition holds). In SQLite each group of rules sharing a
 * next-to-last letter is an if/else chain: the order within a group is kept here.
 */
function step(rules: Rule[]) {
  /** the word after the step, and the suffix replaced (null when none was) */
  return (s: string): [string, string | null] => {
    for (const [suffix, cond, output] of rules) {
      if (s.length > suffix.length && s.endsWith(suffix)) {
        const n = s.length - suffix.length;
        return !cond || cond(s, n) ? [s.slice(0, n) + output, suffix] : [s, null];
      }
    }
    return [s, null];
  };
}

const step2 = step(
  (
    [
      ['ational', 'ate'], ['tional', 'tion'], ['enci', 'ence'], ['anci', 'ance'], ['izer', 'ize'], ['logi', 'log'], ['bli', 'ble'], ['alli', 'al'],
      ['entli', 'ent'], ['eli', 'e'], ['ousli', 'ous'], ['ization', 'ize'], ['ation', 'ate'], ['ator', 'ate'], ['alism', 'al'], ['iveness', 'ive'],
      ['fulness', 'ful'], ['ousness', 'ous'], ['aliti', 'al'], ['iviti', 'ive'], ['biliti', 'ble'],
    ] as const
  ).map(([a, b]): Rule => [a, mGt0, b]),
);
const step3 = step(
  ([['ical', 'ic'], ['ness', ''], ['icate', 'ic'], ['iciti', 'ic'], ['ful', ''], ['ative', ''], ['alize', 'al']] as const).map(([a, b]): Rule => [a, mGt0, b]),
);
const step4 = step(
  ['al', 'ance', 'ence', 'er', 'ic', 'able', 'ible', 'ant', 'ement', 'ment', 'ent', 'ion', 'ou', 'ism', 'ate', 'iti', 'ous', 'ive', 'ize'].map(
    (a): Rule => [a, a === 'ion' ? mGt1SorT : mGt1, ''],
  ),
);
const step1b = step([['eed', mGt0, 'ee'], ['ed', hasVowel, ''], ['ing', hasVowel, '']]);
const step1b2 = step([['at', null, 'ate'], ['bl', null, 'ble'], ['iz', null, 'ize']]);

/** fts5PorterCb on a token of single-byte characters (ASCII, or UTF-8 bytes as latin1). */
function stemBytes(token: string): string {
  let s = token;
  // Step 1a
  if (s.endsWith('s')) {
    const n = s.length;
    if (s[n - 2] === 'e') {
      s = (n > 4 && s[n - 4] === 's' && s[n - 3] === 's') || (n > 3 && s[n - 3] === 'i') ? s.slice(0, -2) : s.slice(0, -1);
    } else if (s[n - 2] !== 's') {
      s = s.slice(0, -1);
    }
  }
  // Step 1b: only "ed" and "ing" go on to 1b2
  const [b, removed] = step1b(s);
  s = b;
  if (removed === 'ed' || removed === 'ing') {
    const [b2, done] = step1b2(s);
    s = b2;
    if (!done) {
      const c = s[s.length - 1]!;
      if (!isVowel(c, false) && c !== 'l' && c !== 's' && c !== 'z' && c === s[s.length - 2]) s = s.slice(0, -1);
      else if (mEq1(s, s.length) && oStar(s, s.length)) s += 'e';
    }
  }
  // Step 1c
  if (s.endsWith('y') && hasVowel(s, s.length - 1)) s = `${s.slice(0, -1)}i`;
  s = step2(s)[0];
  s = step3(s)[0];
  s = step4(s)[0];
  // Step 5a
  if (s.endsWith('e') && (mGt1(s, s.length - 1) || (mEq1(s, s.length - 1) && !oStar(s, s.length - 1)))) s = s.slice(0, -1);
  // Step 5b
  if (s.length > 1 && s.endsWith('ll') && mGt1(s, s.length - 1)) s = s.slice(0, -1);
  return s;
}

/** FTS5 passes longer tokens through unstemmed (FTS5_PORTER_MAX_TOKEN), and shorter than 3 bytes. */
const MAX_TOKEN_BYTES = 64;
const ASCII = /^[\x00-\x7f]*$/;

/** The term FTS5's porter stemmer makes of a token (already folded to lower case, diacritics removed). */
export function stem(token: string): string {
  if (ASCII.test(token)) return token.length < 3 || token.length > MAX_TOKEN_BYTES ? token : stemBytes(token);
  // SQLite stems UTF-8 bytes: a byte above 0x7f is a consonant to it
  const bytes = Buffer.from(token, 'utf8');
  if (bytes.length < 3 || bytes.length > MAX_TOKEN_BYTES) return token;
  return Buffer.from(stemBytes(bytes.toString('latin1')), 'latin1').toString('utf8');
}

const stems = new Map<string, string>();
const STEMS_KEPT = 50_000;

/** stem(), remembered: a standard repeats its words, and a search's words are the corpus's. */
export function stemOf(token: string): string {
  let s = stems.get(token);
  if (s === undefined) {
    if (stems.size >= STEMS_KEPT) stems.clear();
    s = stem(token);
    stems.set(token, s);
  }
  return s;
}

const ASCII_SEPARATORS = /[^a-z0-9]+/;
const SEPARATORS = /[^\p{L}\p{N}\p{Co}]+/u;
const MARKS = /\p{M}+/gu;

/**
 * The tokens unicode61 reads in a text, in lower case (letters, digits and private-use characters; its
 * default remove_diacritics=1 folds accented Latin letters). For text beyond ASCII this is close to, not
 * exactly, unicode61 (its case folding and diacritic tables are its own): the impact path serves only
 * queries of ASCII words (engine.ts).
 */
export function tokens(text: string): string[] {
  const lower = text.toLowerCase();
  if (ASCII.test(lower)) {
    const parts = lower.split(ASCII_SEPARATORS);
    // a separator at either end leaves an empty string there
    if (parts.length && parts[parts.length - 1] === '') parts.pop();
    if (parts.length && parts[0] === '') parts.shift();
    return parts;
  }
  const out: string[] = [];
  for (const t of lower.split(SEPARATORS)) {
    if (t === '') continue;
    out.push(ASCII.test(t) ? t : t.normalize('NFD').replace(MARKS, '').normalize('NFC'));
  }
  return out;
}
