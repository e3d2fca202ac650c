/**
 * Benchmark of the clause-aware diff against `git diff --no-index --word-diff=porcelain` on the same two
 * texts, at 40,000 and 60,000 words (bench/lib/gen-standard.ts: ~3 % of sentences edited, clauses
 * inserted, deleted, moved, split, merged, renumbered).
 *
 *   warm: median of repeated runs after warm-up, diffVersions + summary HTML + changes-only inline HTML
 *   cold: the first run in a fresh process (a child process), with its peak extra memory (max RSS growth)
 *   no keys: the same diff when the new version's clauses have no keys yet (a draft being previewed)
 *
 * Targets: warm ≤ 2 × git, cold ≤ 50 ms, extra memory ≤ 64 MB.
 * Run: node --import tsx bench/diff.ts      (bench/run.ts calls `run()`)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diffVersions, renderDiffHtml, renderSummaryHtml } from '../server/diff/index.ts';
import type { AlignClause } from '../server/diff/align.ts';
import { generatePair } from './lib/gen-standard.ts';

const SIZES = [40_000, 60_000];
const WARMUP = 20;
const RUNS = 31;
const TARGET_RATIO = 2;
const TARGET_COLD_MS = 50;
const TARGET_MEMORY_MB = 64;

export interface DiffBenchSize {
  words: number;
  clauses: number;
  warmMs: number;
  warmNoKeysMs: number;
  gitWarmMs: number;
  ratio: number;
  coldMs: number;
  gitColdMs: number;
  extraMemoryMb: number;
  ok: boolean;
}

function ourDiff(from: readonly AlignClause[], to: readonly AlignClause[]): number {
  const d = diffVersions(from, to);
  return renderSummaryHtml(d).length + renderDiffHtml(d, { view: 'inline', changesOnly: true }).length;
}

function time(f: () => unknown): number {
  const t = performance.now();
  f();
  return performance.now() - t;
}

function median(f: () => unknown, runs = RUNS, warmup = WARMUP): number {
  for (let k = 0; k < warmup; k++) f();
  const ts = Array.from({ length: runs }, () => time(f)).sort((a, b) => a - b);
  return ts[runs >> 1]!;
}

function gitWordDiff(a: string, b: string): void {
  const r = spawnSync('git', ['diff', '--no-index', '--word-diff=porcelain', a, b], { maxBuffer: 1 << 28 });
  if (r.status !== 1) throw new Error(`git diff failed (${r.status}): ${r.stderr}`);
}

/** In the child: the first diff of this process, with how much the peak RSS grew. */
function coldChild(dir: string): void {
  const from = JSON.parse(readFileSync(join(dir, 'from.json'), 'utf8'));
  const to = JSON.parse(readFileSync(join(dir, 'to.json'), 'utf8'));
  (globalThis as { gc?: () => void }).gc?.();
  const rssBefore = process.memoryUsage().rss;
  const ms = time(() => ourDiff(from, to));
  const extraMemoryMb = Math.max(0, process.resourceUsage().maxRSS * 1024 - rssBefore) / 2 ** 20;
  process.stdout.write(JSON.stringify({ ms, extraMemoryMb }));
}

function cold(dir: string): { ms: number; extraMemoryMb: number } {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, '--cold', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cold run failed: ${r.stderr}`);
  return JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
}

async function measure(words: number): Promise<DiffBenchSize> {
  const { from, to } = generatePair(words);
  const dir = mkdtempSync(join(tmpdir(), 'bench-diff-'));
  try {
    const a = join(dir, 'from.md');
    const b = join(dir, 'to.md');
    writeFileSync(a, from.markdown);
    writeFileSync(b, to.markdown);
    writeFileSync(join(dir, 'from.json'), JSON.stringify(from.clauses));
    writeFileSync(join(dir, 'to.json'), JSON.stringify(to.clauses));
    const gitColdMs = time(() => gitWordDiff(a, b));
    const coldRun = cold(dir);
    const gitWarmMs = median(() => gitWordDiff(a, b), 15, 2);
    const warmMs = median(() => ourDiff(from.clauses, to.clauses));
    const noKeys = to.clauses.map(({ key: _, ...c }) => c);
    const warmNoKeysMs = median(() => ourDiff(from.clauses, noKeys));
    const ratio = warmMs / gitWarmMs;
    return {
      words: from.words, clauses: from.clauses.length, warmMs, warmNoKeysMs, gitWarmMs, ratio,
      coldMs: coldRun.ms, gitColdMs, extraMemoryMb: coldRun.extraMemoryMb,
      ok: ratio <= TARGET_RATIO && coldRun.ms <= TARGET_COLD_MS && coldRun.extraMemoryMb <= TARGET_MEMORY_MB,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function report(s: DiffBenchSize): string {
  const k = `${Math.round(s.words / 1000)}k words`;
  const f = (n: number) => n.toFixed(1);
  return [
    `diff ${k} (${s.clauses} clauses) warm: ${f(s.warmMs)} ms  git: ${f(s.gitWarmMs)} ms  ratio ${s.ratio.toFixed(2)} (target ≤ ${TARGET_RATIO})`,
    `diff ${k} cold: ${f(s.coldMs)} ms (target ≤ ${TARGET_COLD_MS})  git cold: ${f(s.gitColdMs)} ms  extra memory: ${f(s.extraMemoryMb)} MB (target ≤ ${TARGET_MEMORY_MB})`,
    `diff ${k} warm without keys: ${f(s.warmNoKeysMs)} ms  ratio ${(s.warmNoKeysMs / s.gitWarmMs).toFixed(2)}`,
  ].join('\n');
}

export async function run(): Promise<DiffBenchSize[]> {
  const out: DiffBenchSize[] = [];
  for (const words of SIZES) out.push(await measure(words));
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === '--cold') coldChild(process.argv[3]!);
  else {
    const sizes = await run();
    for (const s of sizes) console.log(report(s));
    console.log(sizes.every((s) => s.ok) ? 'diff: all targets met' : 'diff: TARGET MISSED');
  }
}
