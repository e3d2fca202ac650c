/**
 * Benchmark of the requirements register (issue 15 item 5): extracting the register of a generated
 * 40,000-word standard (bench/lib/gen-standard.ts), and classifying its revision's requirements as new /
 * changed / removed (the ?since= comparison, which runs the diff engine's clause alignment).
 *
 *   cold: the first extraction in a fresh process (a child process): what the first visitor of a version
 *         waits for before the cache (keyed by the version's hash) holds its register
 *   warm: median of repeated runs after warm-up
 *
 * Target: the register built in ≤ 50 ms (cold and warm).
 * Run: node --import tsx bench/requirements.ts      (bench/run.ts calls `run()`)
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { extractRequirements } from '../server/requirements/extract.ts';
import { classifySince } from '../server/requirements/since.ts';
import { generatePair } from './lib/gen-standard.ts';

const WORDS = 40_000;
const WARMUP = 10;
const RUNS = 31;
const TARGET_MS = 50;

export interface RequirementsBench {
  words: number;
  clauses: number;
  requirements: number;
  coldMs: number;
  warmMs: number;
  sinceWarmMs: number;
  ok: boolean;
}

function time(f: () => unknown): number {
  const t = performance.now();
  f();
  return performance.now() - t;
}

function median(f: () => unknown): number {
  for (let k = 0; k < WARMUP; k++) f();
  const ts = Array.from({ length: RUNS }, () => time(f)).sort((a, b) => a - b);
  return ts[RUNS >> 1]!;
}

/** In the child: generate (not timed), then time the process's first extraction. */
function coldChild(): void {
  const { from } = generatePair(WORDS);
  const ms = time(() => extractRequirements('07.11', from.clauses));
  process.stdout.write(JSON.stringify({ ms }));
}

export async function run(): Promise<RequirementsBench> {
  const { from, to } = generatePair(WORDS);
  const requirements = extractRequirements('07.11', from.clauses);
  const warmMs = median(() => extractRequirements('07.11', from.clauses));
  const newer = extractRequirements('07.11', to.clauses);
  const sinceWarmMs = median(() => classifySince(requirements, newer, from.clauses, to.clauses));
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--cold'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cold run failed: ${r.stderr}`);
  const coldMs = (JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as { ms: number }).ms;
  return { words: from.words, clauses: from.clauses.length, requirements: requirements.length, coldMs, warmMs, sinceWarmMs, ok: coldMs <= TARGET_MS && warmMs <= TARGET_MS };
}

export function report(s: RequirementsBench): string[] {
  const f = (n: number) => n.toFixed(1);
  return [
    `requirements register of ${Math.round(s.words / 1000)}k words (${s.clauses} clauses, ${s.requirements} requirements): cold ${f(s.coldMs)} ms, warm ${f(s.warmMs)} ms (target ≤ ${TARGET_MS})`,
    `requirements since the previous edition (classification with the clause alignment), warm: ${f(s.sinceWarmMs)} ms`,
    s.ok ? 'requirements: target met' : 'requirements: TARGET MISSED',
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === '--cold') coldChild();
  else for (const line of report(await run())) console.log(line);
}
