/**
 * The arrows between server/ modules (issue 10, "Done when"): read from the source, no import run.
 *
 * Layers, bottom to top:
 *   lower        infrastructure — http/, audit/, mail/, uploads/ and the root modules below — and the
 *                pure rule modules in PURE: data in, data out. They never import a feature or the
 *                composition; they may take the `Deps` type (deps.ts), type-only.
 *   features     every other folder (standards/, consultations/, auth/ …), a new folder included.
 *   composition  app.ts, main.ts, deps.ts, openapi.ts (the document assembled from the features' parts) and cli/: they wire the rest and may import anything.
 * Rules: no cycle between files; no cycle between feature folders (counting the feature files only:
 * a pure module is below every feature, wherever it lives); no import from the lower layer up.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';

const SERVER = path.resolve(import.meta.dirname, '../../server');

const LOWER_FOLDERS = ['http', 'audit', 'mail', 'uploads', 'i18n'];
const LOWER_ROOT = ['clock.ts', 'config.ts', 'db.ts', 'db-busy.ts', 'errors.ts', 'logger.ts', 'pg-pipeline.ts', 'prepared.ts', 'sqlite-statements.ts', 'time.ts', 'window.ts'];
const PURE = [
  'versions/parse.ts', 'versions/clause.ts', 'versions/edition.ts', 'versions/render.ts',
  'diff/index.ts', 'diff/align.ts', 'diff/words.ts', 'diff/summary.ts', 'diff/html.ts', 'diff/sentences.ts',
  'ballots/tally.ts', 'ballots/rules.ts', 'consultations/state.ts', 'consultations/anchors.ts',
  'proposals/rules.ts', 'standards/refs.ts', 'search/query.ts', 'search/snippet.ts', 'feeds/links.ts',
  // the pictures (issue 20): data in, SVG out; and the review rule the catalogue's picture asks
  'pictures/svg.ts', 'pictures/timeline.ts', 'pictures/tally.ts', 'pictures/heat.ts', 'pictures/age.ts', 'mywork/review.ts',
];
const COMPOSITION = ['app.ts', 'main.ts', 'deps.ts', 'openapi.ts', 'cli'];

/** Imports from the lower layer up, by file: "from -> to". */
const ALLOWED_UPWARD = new Set([
  // The fast path computes a page's key with the very functions Express's route uses, so the two
  // cannot disagree (the byte-equality test in test/integration/library.test.ts).
  'http/fast-path.ts -> standards/pages.ts',
  // The views' `can` helper asks the permissions table, the one place a role is named (issue 10, item 6).
  'http/helpers/can.ts -> auth/permissions.ts',
  'http/helpers/can.ts -> auth/viewer.ts',
]);

/** Temporary: arrows that close a cycle and are being removed in parallel; the lead empties this at merge. */
const ALLOWED_CYCLE_EDGES = new Set<string>([
  // Folder arrows that still close a cycle (no two files import each other; these are folder-level):
  'standards -> publication', // the version page shows its publication record (standards/routes.ts)
  'ballots -> publication', // the ballot page's publish form (ballots/routes.ts)
  'standards -> consultations', // the loader writes the sample consultations (standards/loader.ts)
]);

interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

function serverFiles(dir = SERVER): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return serverFiles(p);
    return e.name.endsWith('.ts') ? [path.relative(SERVER, p).split(path.sep).join('/')] : [];
  });
}

// `import … from './x'`, `export … from './x'` (across lines), `import './x'` and `import('./x')`.
const IMPORT = /^[ \t]*(import|export)\b([^;'"`]*?)\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]|^[ \t]*import\s*['"](\.{1,2}\/[^'"]+)['"]|\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/gm;

function isTypeOnly(clause: string): boolean {
  const c = clause.trim();
  if (/^type\b/.test(c)) return true;
  const named = /^\{([^}]*)\}$/.exec(c);
  return !!named && named[1].split(',').map((s) => s.trim()).filter(Boolean).every((s) => s.startsWith('type '));
}

function importsOf(file: string): Edge[] {
  const src = fs.readFileSync(path.join(SERVER, file), 'utf8');
  return [...src.matchAll(IMPORT)].map((m) => {
    const spec = m[3] ?? m[4] ?? m[5];
    const to = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
    return { from: file, to, typeOnly: m[3] !== undefined && isTypeOnly(m[2]) };
  });
}

const folderOf = (f: string) => (f.includes('/') ? f.slice(0, f.indexOf('/')) : f);
const isComposition = (f: string) => COMPOSITION.includes(folderOf(f));
const isLower = (f: string) => LOWER_FOLDERS.includes(folderOf(f)) || LOWER_ROOT.includes(f) || PURE.includes(f);
const isFeature = (f: string) => !isLower(f) && !isComposition(f) && f.includes('/');

/** The cycles of a graph: for every arrow that is part of one, the shortest cycle through it, each once. */
function cycles(graph: Map<string, Set<string>>): string[][] {
  const next = (n: string) => [...(graph.get(n) ?? [])].sort();
  /** the shortest path from `from` to `to`, both included, or null */
  const pathBetween = (from: string, to: string): string[] | null => {
    const prev = new Map<string, string>([[from, from]]);
    const queue = [from];
    while (queue.length) {
      const n = queue.shift()!;
      if (n === to) {
        const p = [n];
        while (p[0] !== from) p.unshift(prev.get(p[0])!);
        return p;
      }
      for (const m of next(n)) if (!prev.has(m)) prev.set(m, n), queue.push(m);
    }
    return null;
  };
  const found = new Map<string, string[]>();
  for (const from of [...graph.keys()].sort()) {
    for (const to of next(from)) {
      const back = pathBetween(to, from);
      if (!back) continue;
      const c = back; // to … from, and from -> to closes it
      const i = c.indexOf([...c].sort()[0]);
      const canonical = [...c.slice(i), ...c.slice(0, i)];
      found.set(canonical.join(' -> '), canonical);
    }
  }
  return [...found.values()].sort((a, b) => a.length - b.length || a.join().localeCompare(b.join()));
}

function graphOf(edges: { from: string; to: string }[]): Map<string, Set<string>> {
  const g = new Map<string, Set<string>>();
  for (const e of edges) {
    if (e.from === e.to || ALLOWED_CYCLE_EDGES.has(`${e.from} -> ${e.to}`)) continue;
    if (!g.has(e.from)) g.set(e.from, new Set());
    g.get(e.from)!.add(e.to);
  }
  return g;
}

const show = (cs: string[][]) => cs.map((c) => `  ${[...c, c[0]].join(' -> ')}`).join('\n');

describe('imports between server/ modules (test/unit/imports.test.ts)', () => {
  const files = serverFiles();
  const edges = files.flatMap(importsOf);

  it('reads the imports it is meant to', () => {
    expect(files).to.include.members(['app.ts', 'deps.ts', 'http/fast-path.ts']);
    expect(edges).to.deep.include({ from: 'http/fast-path.ts', to: 'standards/pages.ts', typeOnly: false });
    expect(edges).to.deep.include({ from: 'http/fast-path.ts', to: 'deps.ts', typeOnly: true });
    for (const e of edges) expect(files, `${e.from} imports ${e.to}, not a file`).to.include(e.to);
    for (const p of PURE) expect(files, `PURE names ${p}: update the list`).to.include(p);
  });

  it('finds a cycle, and only a cycle', () => {
    const g = new Map(Object.entries({ a: ['b'], b: ['c', 'a'], c: ['a'], d: ['a'] }).map(([k, v]) => [k, new Set(v)]));
    expect(cycles(g)).to.deep.equal([['a', 'b'], ['a', 'b', 'c']]);
    expect(cycles(new Map([['a', new Set(['b'])]]))).to.deep.equal([]);
  });

  it('has no cycle between files', () => {
    const found = cycles(graphOf(edges));
    expect(found, `import cycles:\n${show(found)}\n`).to.deep.equal([]);
  });

  it('has no cycle between feature folders', () => {
    const between = edges.filter((e) => isFeature(e.from) && isFeature(e.to)).map((e) => ({ from: folderOf(e.from), to: folderOf(e.to) }));
    const found = cycles(graphOf(between));
    // each arrow of a cycle with the imports that make it
    const why = found.flatMap((c) => c.map((f, i) => {
      const to = c[(i + 1) % c.length];
      const by = edges.filter((e) => isFeature(e.from) && isFeature(e.to) && folderOf(e.from) === f && folderOf(e.to) === to);
      return `  ${f} -> ${to}: ${[...new Set(by.map((e) => `${e.from} -> ${e.to}`))].join(', ')}`;
    }));
    expect(found, `folder cycles:\n${show(found)}\nthrough:\n${why.join('\n')}\n`).to.deep.equal([]);
  });

  it('has no import from the lower layer up to a feature or the composition', () => {
    const up = edges
      .filter((e) => isLower(e.from) && !isLower(e.to))
      .filter((e) => !(e.to === 'deps.ts' && e.typeOnly))
      .map((e) => `${e.from} -> ${e.to}`)
      .filter((e) => !ALLOWED_UPWARD.has(e));
    expect([...new Set(up)], `imports from the lower layer up:\n  ${up.join('\n  ')}\n`).to.deep.equal([]);
  });
});
