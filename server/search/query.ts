/**
 * What people type into the search box, read into a structure the engines compile themselves (issue 15
 * item 2). Pure: no database. The raw text never reaches FTS5's MATCH or PostgreSQL's to_tsquery: every
 * term is reduced to runs of letters and digits, so quotes, `*`, `-`, `NEAR`, brackets and any other
 * character are either understood here or dropped.
 */
import { canonicalRef } from '../standards/refs.ts';

export const MAX_QUERY_CHARS = 500;
export const MAX_TERMS = 16;

export const messages = {
  empty: 'Type a word, a "phrase" or a standard’s number to search for.',
  tooLong: `Your search is too long: keep it under ${MAX_QUERY_CHARS} characters.`,
  tooMany: `Your search has too many words: use at most ${MAX_TERMS}.`,
  onlyExcluded: 'Add at least one word to look for: a search cannot consist only of excluded words (-word).',
  nothingToFind: 'Your search has no letters or digits to look for.',
  onlyCommon: 'Those words are too common to search for: add another word, or put a phrase in "quotes".',
} as const;

/** One thing to find: its words (a phrase when more than one), the last one a prefix when `prefix`. */
export interface Term {
  tokens: string[];
  prefix: boolean;
}

/** Terms that must all match; each entry is a choice between alternatives (`a OR b`). */
export interface TextQuery {
  kind: 'text';
  all: Term[][];
  none: Term[];
  /** the words to find, for highlighting comments and the page */
  words: string[];
}

export interface DesignationQuery {
  kind: 'designation';
  ref: string;
  clause: string | null;
  /** the text as words, for searching the texts when no standard has that designation */
  fallback: TextQuery | null;
}

export type ParsedQuery = TextQuery | DesignationQuery | { kind: 'invalid'; message: string };

/**
 * PostgreSQL's English stop words (its english.stop, the Snowball list): it leaves them out of every
 * tsvector, so a loose word among them can never match there. They are left out of loose words here
 * for both engines, so both give the same answers (and FTS5 does not rank every clause for "the");
 * inside "quoted phrases" they stay.
 */
export const STOP_WORDS = new Set(
  ('i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself it its itself they them their theirs ' +
    'themselves what which who whom this that these those am is are was were be been being have has had having do does did doing a an the and but if or ' +
    'because as until while of at by for with about against between into through during before after above below to from up down in out on off over ' +
    'under again further then once here there when where why how all any both each few more most other some such no nor not only own same so than too ' +
    'very s t can will just don should now').split(' '),
);

const TOKEN = /[\p{L}\p{N}]+/gu;
const tokensOf = (s: string): string[] => (s.normalize('NFKC').match(TOKEN) ?? []).map((t) => t.toLowerCase());

const DESIGNATION =
  /^\s*(?:(imas|tnma|t&ep|tep)\s*)?(\d{2}[.\-]\d{2}(?:[/.\-]\d{2}(?:[/.\-]\d{4})?)?)(?:\s+(?:clause\s+|§\s*)?(\d{1,2}(?:\.\d{1,2}){0,5}|annex[\s-]?[a-z](?:\.\d{1,2}){0,5}|foreword|introduction))?\s*$/i;

/** `07.11`, `IMAS 07.11`, `tnma 12.10/01`, `07.11 4.2`, `07.11 annex A.1` → the ref and clause. */
export function parseDesignation(input: string): { ref: string; clause: string | null } | null {
  const m = DESIGNATION.exec(input);
  if (!m) return null;
  const [, kind, number, clause] = m;
  const ref = canonicalRef(`${kind ?? ''} ${number}`.trim());
  if (!ref) return null;
  return { ref, clause: clause ? clause.toLowerCase().replace(/^annex[\s-]?/, 'annex-') : null };
}

/** Reads a query; `invalid` carries the message to show (a 400 on the page and the API). */
export function parseQuery(raw: string): ParsedQuery {
  const input = raw.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  if (!input) return { kind: 'invalid', message: messages.empty };
  if (input.length > MAX_QUERY_CHARS) return { kind: 'invalid', message: messages.tooLong };
  const d = parseDesignation(input);
  if (d) {
    const fallback = parseText(input);
    return { kind: 'designation', ...d, fallback: fallback.kind === 'text' ? fallback : null };
  }
  return parseText(input);
}

/** Words, "quoted phrases", prefix*, -excluded, a OR b. Unbalanced quotes run to the end of the text. */
export function parseText(input: string): TextQuery | { kind: 'invalid'; message: string } {
  const all: Term[][] = [];
  const none: Term[] = [];
  let pendingOr = false;
  let pendingNot = false;
  let stopped = 0;
  const re = /(-?)"([^"]*)("?)(\*?)|(\S+)/g;
  for (const m of input.matchAll(re)) {
    let negate = pendingNot;
    let term: Term | null = null;
    if (m[5] !== undefined) {
      let word = m[5];
      if (word === 'OR') {
        pendingOr = all.length > 0;
        continue;
      }
      if (word === 'AND') continue;
      if (word === 'NOT') {
        pendingNot = true;
        continue;
      }
      if (/^-[\p{L}\p{N}"]/u.test(word)) {
        negate = true;
        word = word.slice(1);
      }
      const tokens = tokensOf(word);
      if (!tokens.length) continue;
      term = { tokens, prefix: /[\p{L}\p{N}]\*+[^\p{L}\p{N}]*$/u.test(word) };
      if (tokens.length === 1 && !term.prefix && STOP_WORDS.has(tokens[0])) {
        stopped++;
        pendingNot = false;
        continue;
      }
    } else {
      negate = negate || m[1] === '-';
      const tokens = tokensOf(m[2]);
      if (!tokens.length) continue;
      term = { tokens, prefix: m[4] === '*' };
    }
    pendingNot = false;
    if (negate) {
      none.push(term);
      pendingOr = false;
    } else if (pendingOr) {
      all[all.length - 1].push(term);
      pendingOr = false;
    } else {
      all.push([term]);
    }
  }
  const count = all.reduce((n, alts) => n + alts.length, 0) + none.length;
  if (count > MAX_TERMS) return { kind: 'invalid', message: messages.tooMany };
  if (!all.length) return { kind: 'invalid', message: none.length ? messages.onlyExcluded : stopped ? messages.onlyCommon : messages.nothingToFind };
  const words = [...new Set(all.flat().flatMap((t) => t.tokens))];
  return { kind: 'text', all, none, words };
}

/** FTS5 MATCH syntax: every token a quoted string (tokens hold only letters and digits). */
export function toFts5(q: TextQuery): string {
  const term = (t: Term) => `"${t.tokens.join(' ')}"${t.prefix ? '*' : ''}`;
  const group = (alts: Term[]) => (alts.length === 1 ? term(alts[0]) : `(${alts.map(term).join(' OR ')})`);
  let expr = q.all.map(group).join(' AND ');
  if (q.all.length > 1) expr = `(${expr})`;
  for (const t of q.none) expr += ` NOT ${term(t)}`;
  return expr;
}

/**
 * A PostgreSQL tsquery expression with its bindings: each term through phraseto_tsquery (words and
 * phrases) or to_tsquery (a prefix, its tokens joined by <-> and the last marked :*), which only ever
 * receive letters, digits and the operators written here.
 */
export function toPgTsquery(q: TextQuery): { sql: string; bindings: string[] } {
  const bindings: string[] = [];
  const term = (t: Term) => {
    if (!t.prefix) {
      bindings.push(t.tokens.join(' '));
      return `phraseto_tsquery('english', ?)`;
    }
    bindings.push(`${t.tokens.join(' <-> ')}:*`);
    return `to_tsquery('english', ?)`;
  };
  const group = (alts: Term[]) => (alts.length === 1 ? term(alts[0]) : `(${alts.map(term).join(' || ')})`);
  let sql = q.all.map(group).join(' && ');
  if (q.all.length > 1) sql = `(${sql})`;
  for (const t of q.none) sql += ` && !!${term(t)}`;
  return { sql, bindings };
}
