/**
 * Instructions of the diff engine's first run in a process (issue 14 item 5), a figure that does not
 * depend on the machine's load: the 40,000-word pair of bench/diff.ts (bench/lib/gen-standard.ts, seed 1)
 * diffed once, as the cold figure of `npm run bench -- diff` times it (diffVersions, the summary HTML
 * and the changes-only inline HTML), counted by callgrind on the main thread between two marks
 * (callgrind dumps its counts at each getrusage, which process.cpuUsage() calls), with a 64 MB young
 * generation so that no scavenge falls in the run. The engine is compiled first as tsx compiles it
 * (esbuild, which tsx brings) into plain .js, so that no TypeScript loader runs during the count.
 *
 *   node --import tsx bench/diff-instructions.ts              this working tree
 *   node --import tsx bench/diff-instructions.ts acc730a main  the engine as it was at those commits
 *
 * Needs valgrind. About half a minute per engine. Runs differ by up to ±0.5 M (hash seeds).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { transformSync } from 'esbuild';
import { generatePair } from './lib/gen-standard.ts';
import { callgrindArgs, instructionsIn } from './lib/callgrind.ts';

const ROOT = join(import.meta.dirname, '..');
const ENTRY = 'server/diff/index.ts';

/** The engine's modules from `src` (ENTRY and what it imports, relatively), as .js in `dest`. */
function build(src: (path: string) => string, dest: string): void {
  const todo = [ENTRY];
  const done = new Set<string>();
  while (todo.length) {
    const file = todo.pop()!;
    if (done.has(file)) continue;
    done.add(file);
    const code = transformSync(src(file), { loader: 'ts', format: 'esm', target: `node${process.versions.node}` }).code;
    for (const m of code.matchAll(/from\s*["'](\.{1,2}\/[^"']+)\.ts["']/g)) todo.push(join(dirname(file), `${m[1]}.ts`));
    const out = join(dest, file.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, code.replace(/(from\s*["']\.{1,2}\/[^"']+)\.ts(["'])/g, '$1.js$2'));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dest, 'node_modules'));
  writeFileSync(join(dest, 'package.json'), '{"type":"module"}');
}

const CHILD = `
import { readFileSync } from 'node:fs';
const [dir] = process.argv.slice(2);
const m = await import(dir + '/server/diff/index.js');
const from = JSON.parse(readFileSync(dir + '/from.json', 'utf8'));
const to = JSON.parse(readFileSync(dir + '/to.json', 'utf8'));
globalThis.gc();
process.cpuUsage();
const d = m.diffVersions(from, to);
const n = m.renderSummaryHtml(d).length + m.renderDiffHtml(d, { view: 'inline', changesOnly: true }).length;
process.cpuUsage();
console.log(n);
`;

/** Main-thread instructions between the child's two marks. */
function count(dir: string): number {
  const out = join(dir, 'cg');
  const r = spawnSync(
    'valgrind',
    [...callgrindArgs(out),
      process.execPath, '--expose-gc', '--min-semi-space-size=64', '--max-semi-space-size=64', join(dir, 'child.mjs'), dir],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  if (r.status !== 0) throw new Error(`valgrind failed: ${r.stderr.slice(-2000)}`);
  // parts of the main thread (…-01): 1 before the first mark, 2 the run, then what follows the second
  const part = readdirSync(dir).find((f) => /^cg\.\d+\.2-01$/.test(f));
  if (!part) throw new Error('no callgrind dump of the run');
  return instructionsIn(join(dir, part));
}

const targets = process.argv.slice(2);
const { from, to } = generatePair(40_000, 1);
for (const target of targets.length ? targets : ['']) {
  const dir = mkdtempSync(join(tmpdir(), 'diff-instructions-'));
  try {
    build(
      target ? (file) => execFileSync('git', ['show', `${target}:${file}`], { cwd: ROOT, encoding: 'utf8' }) : (file) => readFileSync(join(ROOT, file), 'utf8'),
      dir,
    );
    writeFileSync(join(dir, 'from.json'), JSON.stringify(from.clauses));
    writeFileSync(join(dir, 'to.json'), JSON.stringify(to.clauses));
    writeFileSync(join(dir, 'child.mjs'), CHILD);
    console.log(`${target || 'working tree'}: ${(count(dir) / 1e6).toFixed(1)} M instructions (main thread, cold 40,000-word diff)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
