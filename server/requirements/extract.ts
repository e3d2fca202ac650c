/**
 * The requirement extractor (issue 15 item 4). Pure: a version's clauses in, the sentences that state a
 * requirement, a recommendation, a permission or a possibility out (ISO/IEC Directives Part 2, clause 7,
 * which IMAS follow):
 *
 *   requirement     shall, shall not
 *   recommendation  should, should not
 *   permission      may, need not          ("may not" is read as the permission it literally is)
 *   possibility     can, cannot, can not
 *
 * "must" is not a verbal form of the Directives (it states an external constraint), so it is not listed.
 *
 * Decisions, each with a unit test (test/unit/requirements-extract.test.ts):
 * - A sentence with several verbal forms takes the strongest: shall > should > may > can. So "should be
 *   able to" is a recommendation, "shall be able to" a requirement.
 * - A verbal form inside a quotation ("…", “…”, ‘…’, `…`) does not count: `The word "shall" denotes a
 *   requirement.` states none; `Signs shall read "Danger"` states one.
 * - The foreword and the introduction are informative: left out. Sentences of a NOTE or an EXAMPLE
 *   paragraph, of an informative annex and of the terms and definitions (a definition states no
 *   requirement) are kept but marked `in_note` (the register leaves them out;
 *   the extractor keeps them so a caller can show them as context).
 * - A list whose lead-in carries the verb ("The NMAA shall:" then items): each item is its own
 *   requirement, inheriting the lead-in's verb, its text the lead-in followed by the item — one checklist
 *   row per thing to do. An item with a verbal form of its own takes the stronger of its own and the
 *   lead-in's. A lead-in without a verb leaves the items to be read as sentences of their own.
 * - Table rows are read cell by cell, each cell as a paragraph.
 *
 * The identifier survives renumbering: `{ref}-R-{clause key}-{fingerprint}`. The clause key is the
 * clause's stable identity (inherited through the diff engine's alignment when a draft is made, so
 * comments follow clauses); the fingerprint is a hash of the sentence's words with clause and table
 * cross-references taken out (a renumbering rewrites "see 5.2" to "see 6.2" without changing the
 * statement). An edited sentence gets a new id: the since-edition comparison (./since.ts) pairs it with
 * the old one and calls it changed. A sentence repeated in one clause gets `.2`, `.3` after its id.
 */
import { hash } from 'node:crypto';
import { clauseNumber } from '../versions/parse.ts';
import type { Clause } from '../versions/clause.ts';

export type Kind = 'requirement' | 'recommendation' | 'permission' | 'possibility';
/** The verb families the register filters by, one per kind. */
export const VERB_FAMILIES = ['shall', 'should', 'may', 'can'] as const;
export type VerbFamily = (typeof VERB_FAMILIES)[number];
export const KIND_OF: Record<VerbFamily, Kind> = { shall: 'requirement', should: 'recommendation', may: 'permission', can: 'possibility' };

/** The extractor reads clauses as parsed and stored (server/versions/clause.ts). */
export type ExtractClause = Clause;

export interface Requirement {
  /** stable across renumbering: `07.11-R-{clause key}-{fingerprint}` */
  id: string;
  clause_key: string;
  clause_ref: string;
  /** how the clause is numbered on the page (`4.2`, `A.1`), or its heading for named clauses */
  clause_number: string;
  clause_heading: string;
  kind: Kind;
  family: VerbFamily;
  /** the verbal form as written, lower case: `shall`, `shall not`, `need not`, `cannot`, … */
  verb: string;
  text: string;
  /** in a NOTE, an EXAMPLE or an informative annex: not a requirement (ISO/IEC Directives Part 2) */
  in_note: boolean;
  /** 0-based order in the document */
  ordinal: number;
}

/** Clauses whose every sentence is informative, by ref. */
const INFORMATIVE_CLAUSES = new Set(['foreword', 'introduction']);

const RANK: Record<VerbFamily, number> = { shall: 0, should: 1, may: 2, can: 3 };
// One pass over a sentence finds every verbal form; "not" after one makes its negation.
const FORM = /\b(shall|should|need|may|cannot|can)\b(\s+not\b)?/gi;
// A quick screen: most sentences have no verbal form at all.
const ANY_FORM = /\b(?:shall|should|need\s+not|may|can(?:not)?)\b/i;
const QUOTES = /["“‘'`]/;

/** The strongest verbal form of a sentence outside quotations, or null. */
export function verbOf(sentence: string): { family: VerbFamily; verb: string } | null {
  if (!ANY_FORM.test(sentence)) return null;
  const bare = QUOTES.test(sentence) ? withoutQuotations(sentence) : sentence;
  let best: { family: VerbFamily; verb: string } | null = null;
  for (const m of bare.matchAll(FORM)) {
    const word = m[1]!.toLowerCase();
    const not = m[2] !== undefined;
    let found: { family: VerbFamily; verb: string };
    if (word === 'shall' || word === 'should') found = { family: word, verb: not ? `${word} not` : word };
    else if (word === 'need') {
      if (!not) continue; // "need" alone is a verb of its own, not a verbal form
      found = { family: 'may', verb: 'need not' };
    } else if (word === 'may') {
      // "May 2020", "1 May": the month
      if (!not && (/^\s+\d/.test(bare.slice(m.index + 3, m.index + 6)) || /\d\s+$/.test(bare.slice(Math.max(0, m.index - 3), m.index)))) continue;
      found = { family: 'may', verb: not ? 'may not' : 'may' };
    } else if (word === 'cannot') found = { family: 'can', verb: 'cannot' };
    else found = { family: 'can', verb: not ? 'can not' : 'can' };
    if (!best || RANK[found.family] < RANK[best.family]) best = found;
    if (best.family === 'shall') break;
  }
  return best;
}

/** Blanks out quoted spans: "…", “…”, ‘…’ (opened after a space or at the start), `…`. */
export function withoutQuotations(s: string): string {
  return s
    .replace(/"[^"]*"/g, ' ')
    .replace(/“[^”]*”/g, ' ')
    .replace(/(^|[\s(])‘[^’]*’(?=[\s,.;:)]|$)/g, '$1 ')
    .replace(/(^|[\s(])'[^']*'(?=[\s,.;:)]|$)/g, '$1 ')
    .replace(/`[^`]*`/g, ' ');
}

/** Markdown inline syntax → plain text (links keep their words, emphasis and code marks go). */
export function plainText(s: string): string {
  if (!/[[*_<]/.test(s)) return /\s\s|[\t\n\r]/.test(s) ? s.replace(/\s+/g, ' ').trim() : s.trim();
  return s
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, '$2')
    .replace(/(^|[^\w*])[*_](?=\S)(.+?)(?<=\S)[*_](?![\w*])/g, '$1$2')
    .replace(/<[^>]*>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const ABBREVIATIONS = /(?:\b(?:e\.g|i\.e|etc|cf|viz|approx|No|no|Fig|fig|Vol|vol|Ref|ref|para|Mr|Mrs|Ms|Dr|St|al)|\b[A-Z])\.$/;

/** Splits a paragraph into sentences: at . ! ? followed by a space and a capital, a digit or a quote, never after an abbreviation. */
export function sentences(paragraph: string): string[] {
  const out: string[] = [];
  const re = /[.!?][)"”’]?\s+(?=[A-Z0-9"“‘(])/g;
  const quoted = /["“]/.test(paragraph);
  let start = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(paragraph))) {
    const end = m.index + m[0].trimEnd().length;
    const candidate = paragraph.slice(start, end);
    if (ABBREVIATIONS.test(candidate.slice(0, m.index - start + 1))) continue;
    // not inside an open quotation
    if (quoted && (((candidate.match(/"/g)?.length ?? 0) & 1) === 1 || (candidate.match(/“/g)?.length ?? 0) > (candidate.match(/”/g)?.length ?? 0))) continue;
    out.push(candidate.trim());
    start = m.index + m[0].length;
  }
  const rest = paragraph.slice(start).trim();
  if (rest) out.push(rest);
  return out;
}

/** A block of a clause body: a paragraph, a list item (with its lead-in, if any) or a table cell. */
interface Block {
  text: string;
  in_note: boolean;
  /** for a list item: the paragraph introducing the list */
  leadIn?: string;
  /** a paragraph ending in ":" that a list follows: its last sentence is read with each item */
  leadsList?: boolean;
}

const NOTE = /^(?:NOTE|Note)(?:\s+\d+)?(?:\s*(?:to entry)?\s*[:.—–-]|\s)/;
const EXAMPLE = /^(?:EXAMPLE|Example)(?:\s+\d+)?(?:\s*[:.—–-]|\s)/;
const LIST_ITEM = /^\s{0,3}(?:[-*+]|\d{1,3}[.)]|[a-z][.)]|\([a-z0-9]{1,3}\))\s+(.*)$/;
const TABLE_ROW = /^\s*\|(.*)\|\s*$/;
const TABLE_RULE = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** The blocks of a clause body, in order. */
function blocks(body: string, informativeClause: boolean): Block[] {
  const out: Block[] = [];
  const lines = body.split('\n');
  let para: string[] = [];
  let lastParagraph: Block | null = null;
  let listLead: Block | null = null;
  let item: string[] | null = null;
  let fence: string | null = null;

  const flushItem = () => {
    if (!item) return;
    const text = item.join(' ');
    out.push({ text, in_note: informativeClause || (listLead?.in_note ?? false), leadIn: listLead?.text });
    item = null;
  };
  const flushPara = () => {
    if (!para.length) return;
    let text = para.join(' ').trim();
    para = [];
    if (text.startsWith('>')) text = text.replace(/^>\s?/gm, '').replace(/(^|\s)>\s?/g, '$1');
    const note = NOTE.test(text) || EXAMPLE.test(text);
    const b: Block = { text, in_note: informativeClause || note };
    out.push(b);
    lastParagraph = b;
  };

  for (const raw of lines) {
    const f = FENCE.exec(raw);
    if (fence) {
      if (f && f[1]![0] === fence[0]) fence = null;
      continue;
    }
    if (f) {
      flushItem();
      flushPara();
      fence = f[1]!;
      continue;
    }
    if (raw.trim() === '') {
      flushPara();
      continue;
    }
    const row = TABLE_ROW.exec(raw);
    if (row) {
      flushItem();
      flushPara();
      listLead = null;
      lastParagraph = null;
      if (TABLE_RULE.test(raw)) continue;
      for (const cell of row[1]!.split('|')) if (cell.trim()) out.push({ text: cell.trim(), in_note: informativeClause });
      continue;
    }
    const li = LIST_ITEM.exec(raw);
    if (li) {
      flushItem();
      if (para.length) flushPara();
      if (!item && !listLead) {
        const p = lastParagraph as Block | null;
        listLead = p && /:\s*$/.test(p.text) ? p : null;
        if (listLead) listLead.leadsList = true;
      }
      item = [li[1]!.trim()];
      continue;
    }
    if (item && /^\s+\S/.test(raw)) {
      item.push(raw.trim());
      continue;
    }
    if (item) {
      flushItem();
      listLead = null;
    }
    para.push(raw.trim());
  }
  flushItem();
  flushPara();
  return out;
}

/** A short fingerprint of a sentence's words: the first 8 hex digits of their SHA-256 (native, so quick even on a first run). */
function fingerprint(words: string): string {
  return hash('sha256', words, 'hex').slice(0, 8);
}

/** Words that name a cross-reference: each is left out of a fingerprint with the number after it. */
const REFERENCE_WORDS = new Set(['clause', 'clauses', 'subclause', 'subclauses', 'table', 'tables', 'figure', 'figures', 'annex', 'annexes', 'section', 'sections']);
// letters and digits (Latin, Greek, Cyrillic, Arabic, … and CJK), with the dotted parts of a number
const TOKEN = /[a-z0-9\u00c0-\u1fff\u3040-\ufaff]+(?:\.[0-9]+)*/g;

/**
 * The words a fingerprint is taken over: lower case, no punctuation, and no cross-references ("clause
 * 5.2", "Annex A", "Table 1", a bare "5.2") nor decimals. One pass, as it runs for every sentence.
 */
export function fingerprintWords(text: string): string {
  const out: string[] = [];
  let afterReference = false;
  for (const t of text.toLowerCase().match(TOKEN) ?? []) {
    if (REFERENCE_WORDS.has(t)) {
      afterReference = true;
      continue;
    }
    const skip = t.includes('.') || (afterReference && (t.length === 1 || /^[0-9]/.test(t)));
    afterReference = false;
    if (!skip) out.push(t);
  }
  return out.join(' ');
}

export const requirementId = (ref: string, clauseKey: string, text: string): string => `${ref}-R-${clauseKey}-${fingerprint(fingerprintWords(text))}`;

/** The ref of the level-1 clause a clause sits in: `4` for 4.2.1, `annex-a` for annex-a.1. */
const topOf = (ref: string): string => (ref.startsWith('annex-') ? ref.slice(0, 7) : ref.split('.')[0]!);

/**
 * Every sentence of a version that carries a verbal form, in document order. `ref` is the standard's
 * ref (`07.11`), the prefix of every id.
 */
export function extractRequirements(ref: string, clauses: readonly ExtractClause[]): Requirement[] {
  const ordered = [...clauses].sort((a, b) => a.position - b.position);
  // Informative annexes, and the terms and definitions (a definition states no requirement: Directives Part 2, 16.5.6)
  const informativeTop = new Set<string>();
  for (const c of ordered) {
    if (c.depth !== 1) continue;
    if ((c.ref.startsWith('annex-') && /^\(?informative\)?/i.test(c.heading.trim())) || /^terms(?:,)? (?:and|&) definitions\b|^definitions$/i.test(c.heading.trim())) informativeTop.add(c.ref);
  }
  const out: Requirement[] = [];
  for (const c of ordered) {
    if (INFORMATIVE_CLAUSES.has(c.ref)) continue;
    if (!ANY_FORM.test(c.text)) continue;
    const informative = informativeTop.has(topOf(c.ref));
    const seen = new Map<string, number>();
    const num = clauseNumber(c.ref) || c.heading;
    for (const b of blocks(c.text, informative)) {
      const lead = b.leadIn ? plainText(b.leadIn) : null;
      const leadVerb = lead ? verbOf(lastSentence(lead)) : null;
      const all = sentences(plainText(b.text));
      // a lead-in's last sentence is read with each item of its list, not on its own
      if (b.leadsList) all.pop();
      for (const s of all) {
        const own = verbOf(s);
        const v = own && leadVerb ? (RANK[own.family] <= RANK[leadVerb.family] ? own : leadVerb) : own ?? leadVerb;
        if (!v) continue;
        const text = lead && leadVerb ? `${lastSentence(lead)} ${s}` : s;
        let id = requirementId(ref, c.key, text);
        const n = (seen.get(id) ?? 0) + 1;
        seen.set(id, n);
        if (n > 1) id = `${id}.${n}`;
        out.push({
          id,
          clause_key: c.key,
          clause_ref: c.ref,
          clause_number: num,
          clause_heading: c.heading,
          kind: KIND_OF[v.family],
          family: v.family,
          verb: v.verb,
          text,
          in_note: b.in_note,
          ordinal: out.length,
        });
      }
    }
  }
  return out;
}

function lastSentence(paragraph: string): string {
  const all = sentences(paragraph);
  return all[all.length - 1] ?? paragraph;
}
