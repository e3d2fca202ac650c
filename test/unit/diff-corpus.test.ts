/**
 * The diff engine against hand-written revision pairs (test/fixtures/diff-corpus/NN-name/{old,new}.md,
 * expected.json; issue 14). Each pair states the clause relations a reader should be told and the
 * requirement verbs and numbers with units that changed; this test measures micro-averaged precision and
 * recall over all pairs, prints them, and fails below 95 %.
 *
 * Relations, as strings:
 *   added X | removed X                      a whole clause added or removed
 *   changed X->Y | renamed X->Y              a clause (not a piece of a split or merge) whose text or heading
 *                                            changed | whose heading changed
 *   moved X->Y | renumbered X->Y             out of order | only its number changed (a moved clause is
 *                                            listed as moved only)
 *   split X->Y | merged X->Y                 one per piece of a split | per old clause of a merge
 *   sentence X->Y                            a sentence holding a verb or a number moved between clauses
 *                                            that are not the same clause nor pieces of one another
 * Terms: `verb a->b @X->Y` (the sentence was in X, is in Y), `verb +a @Y`, `number -b @X`.
 *
 * Both ways the engine runs are measured: a stored version (its clauses inherited keys when it was
 * saved, server/versions/service.ts) and a draft being previewed (no keys yet).
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffVersions, inheritKeys, type TermChange, type VersionDiff } from '../../server/diff/index.ts';
import { parseClausesOrThrow } from '../../server/versions/parse.ts';
import type { Clause } from '../../server/versions/clause.ts';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'diff-corpus');
const TARGET = 0.95;

interface Expected {
  description: string;
  relations: string[];
  terms: string[];
}

function clausesOf(file: string): Omit<Clause, 'key'>[] {
  return parseClausesOrThrow(readFileSync(file, 'utf8')).map(({ line: _, ...c }) => c);
}

/** The relations a diff reports, in the vocabulary of expected.json. */
export function relationsOf(d: VersionDiff): string[] {
  const s = d.summary;
  const pair = (l: { from_ref: string | null; to_ref: string | null }) => `${l.from_ref}->${l.to_ref}`;
  const out: string[] = [];
  for (const l of s.added) out.push(`added ${l.to_ref}`);
  for (const l of s.removed) out.push(`removed ${l.from_ref}`);
  for (const l of s.split) out.push(`split ${pair(l)}`);
  for (const l of s.merged) out.push(`merged ${pair(l)}`);
  // a piece of a split or merge is told as such, not also as moved or renumbered
  const pieces = new Set([...s.split, ...s.merged].map(pair));
  for (const l of s.moved) if (!pieces.has(pair(l))) out.push(`moved ${pair(l)}`);
  const moved = new Set(s.moved.map(pair));
  for (const l of s.renumbered) if (!moved.has(pair(l)) && !pieces.has(pair(l))) out.push(`renumbered ${pair(l)}`);
  for (const c of d.clauses) {
    if (!c.from_ref || !c.to_ref || pieces.has(pair(c))) continue;
    if (c.status === 'changed') out.push(`changed ${pair(c)}`);
    if (c.from_heading !== undefined) out.push(`renamed ${pair(c)}`);
  }
  const sentences = (s as { moved_sentences?: { from_ref: string; to_ref: string }[] }).moved_sentences ?? [];
  for (const m of sentences) out.push(`sentence ${pair(m)}`);
  return out;
}

export function termsOf(d: VersionDiff): string[] {
  const one = (kind: string, t: TermChange) =>
    t.from !== null && t.to !== null ? `${kind} ${t.from}->${t.to} @${t.from_ref}->${t.to_ref}` : t.to !== null ? `${kind} +${t.to} @${t.to_ref}` : `${kind} -${t.from} @${t.from_ref}`;
  return [...d.summary.verbs.map((t) => one('verb', t)), ...d.summary.numbers.map((t) => one('number', t))];
}

/** How many of `found` are in `expected`, counting repeats (a multiset intersection). */
function hits(expected: string[], found: string[]): number {
  const left = new Map<string, number>();
  for (const e of expected) left.set(e, (left.get(e) ?? 0) + 1);
  let n = 0;
  for (const f of found) {
    const k = left.get(f) ?? 0;
    if (k > 0) {
      n++;
      left.set(f, k - 1);
    }
  }
  return n;
}

function minus(a: string[], b: string[]): string[] {
  const left = [...b];
  return a.filter((x) => {
    const k = left.indexOf(x);
    if (k < 0) return true;
    left.splice(k, 1);
    return false;
  });
}

interface Tally {
  expected: number;
  found: number;
  hit: number;
}

const pct = (n: number, d: number) => (d ? (100 * n) / d : 100);

describe('diff: the revision corpus (issue 14)', () => {
  const cases = readdirSync(DIR).filter((d) => /^\d\d-/.test(d)).sort();

  it('has at least 40 hand-written pairs', () => {
    expect(cases.length).to.be.at.least(40);
  });

  for (const mode of ['stored', 'preview'] as const) {
    it(`reaches ${TARGET * 100} % precision and recall on clause relations and on verb and number changes (${mode})`, () => {
      const rel: Tally = { expected: 0, found: 0, hit: 0 };
      const terms: Tally = { expected: 0, found: 0, hit: 0 };
      const misses: string[] = [];
      for (const name of cases) {
        const expected = JSON.parse(readFileSync(join(DIR, name, 'expected.json'), 'utf8')) as Expected;
        const from: Clause[] = clausesOf(join(DIR, name, 'old.md')).map((c) => ({ ...c, key: `k-${c.ref}` }));
        const plain = clausesOf(join(DIR, name, 'new.md'));
        let n = 0;
        const to = mode === 'stored' ? inheritKeys(from, plain, () => `new-${++n}`) : plain;
        const d = diffVersions(from, to);
        for (const [tally, want, got] of [[rel, expected.relations, relationsOf(d)], [terms, expected.terms, termsOf(d)]] as const) {
          tally.expected += want.length;
          tally.found += got.length;
          tally.hit += hits(want, got);
          const missing = minus(want, got);
          const extra = minus(got, want);
          if (missing.length || extra.length) misses.push(`  ${name}: ${missing.map((m) => `missing "${m}"`).concat(extra.map((x) => `extra "${x}"`)).join(', ')}`);
        }
      }
      const figures = {
        relationsPrecision: pct(rel.hit, rel.found), relationsRecall: pct(rel.hit, rel.expected),
        termsPrecision: pct(terms.hit, terms.found), termsRecall: pct(terms.hit, terms.expected),
      };
      console.log(
        `      diff corpus, ${cases.length} pairs (${mode}): relations precision ${figures.relationsPrecision.toFixed(1)} % recall ${figures.relationsRecall.toFixed(1)} % ` +
          `(${rel.hit} of ${rel.expected} expected, ${rel.found} reported); verbs and numbers precision ${figures.termsPrecision.toFixed(1)} % recall ${figures.termsRecall.toFixed(1)} % ` +
          `(${terms.hit} of ${terms.expected} expected, ${terms.found} reported)`,
      );
      if (misses.length) console.log(misses.join('\n'));
      for (const [k, v] of Object.entries(figures)) expect(v, k).to.be.at.least(TARGET * 100);
    });
  }
});
