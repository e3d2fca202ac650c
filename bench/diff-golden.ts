/**
 * The diff engine's output, hashed: run before and after a speed change to prove nothing it says moved.
 * Covers the hand-written corpus (test/fixtures/diff-corpus, stored and preview modes, both directions)
 * and generated pairs (bench/lib/gen-standard.ts, several seeds and sizes, with and without keys): the
 * JSON of diffVersions, the summary HTML, and the inline and side-by-side HTML.
 *
 *   node --import tsx bench/diff-golden.ts            prints one hash per case and a total
 *   node --import tsx bench/diff-golden.ts > a.txt    then diff a.txt b.txt
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffVersions, inheritKeys, renderDiffHtml, renderSummaryHtml, type AlignClause } from '../server/diff/index.ts';
import { parseClausesOrThrow } from '../server/versions/parse.ts';
import { generatePair } from './lib/gen-standard.ts';

const DIR = join(import.meta.dirname, '..', 'test', 'fixtures', 'diff-corpus');
const total = createHash('sha256');

function hashOf(from: readonly AlignClause[], to: readonly AlignClause[]): string {
  const d = diffVersions(from, to);
  const h = createHash('sha256');
  h.update(JSON.stringify(d));
  h.update(renderSummaryHtml(d));
  h.update(renderDiffHtml(d, { view: 'inline', changesOnly: true }));
  h.update(renderDiffHtml(d, { view: 'side-by-side', changesOnly: false }));
  return h.digest('hex').slice(0, 16);
}

function line(name: string, hash: string): void {
  total.update(`${name} ${hash}\n`);
  console.log(`${name} ${hash}`);
}

const parse = (file: string) => parseClausesOrThrow(readFileSync(file, 'utf8')).map(({ line: _, ...c }) => c);

for (const name of readdirSync(DIR).filter((d) => /^\d\d-/.test(d)).sort()) {
  const a = parse(join(DIR, name, 'old.md'));
  const b = parse(join(DIR, name, 'new.md'));
  const from = a.map((c) => ({ ...c, key: `k-${c.ref}` }));
  let n = 0;
  const stored = inheritKeys(from, b, () => `new-${++n}`);
  line(`${name} stored`, hashOf(from, stored));
  line(`${name} preview`, hashOf(from, b));
  line(`${name} reverse`, hashOf(stored, from));
  line(`${name} plain`, hashOf(a, b));
}

for (const [words, seed] of [[2_000, 1], [2_000, 2], [5_000, 3], [5_000, 4], [10_000, 5], [10_000, 11], [20_000, 6], [40_000, 1], [40_000, 7], [60_000, 1]] as const) {
  const { from, to } = generatePair(words, seed);
  line(`gen ${words} seed ${seed}`, hashOf(from.clauses, to.clauses));
  line(`gen ${words} seed ${seed} nokeys`, hashOf(from.clauses, to.clauses.map(({ key: _, ...c }) => c)));
  line(`gen ${words} seed ${seed} reverse`, hashOf(to.clauses, from.clauses));
}

console.log(`total ${total.digest('hex')}`);
