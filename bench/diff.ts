/**
 * Benchmark of the clause-aware diff against `git diff --no-index --word-diff=porcelain` on the same two
 * texts, at 40,000 and 60,000 words (bench/lib/gen-standard.ts: ~3 % of sentences edited, clauses
 * inserted, deleted, moved, split, merged, renumbered).
 *
 *   warm: median of repeated runs after warm-up, diffVersions + summary HTML + changes-only inline HTML
 *   cold: the first run in a fresh process (a child process), with its peak extra memory (max RSS growth)
 *   no keys: the same diff when the new version's clauses have no keys yet (a draft being previewed)
 *   through the server (40,000 words; issue 17): the pair saved as two published versions of a standard,
 *     our app in its own process (bench/serve-app.ts through bench/lib/child.ts), warmed up with a page
 *     and an API read but no diff; then, timed to the last byte of the answer,
 *       API first call   GET /api/v1/standards/{ref}/diff?from=1&to=2: a pair never computed
 *       page first render GET /standards/{ref}/diff/1..2: a pair never computed (its HTML neither)
 *     each once as the process's first diff (a fresh server per figure) and once for a new pair on a
 *     server that has diffed another pair before (2→1 after 1→2); each round's median, SERVER_ROUNDS rounds.
 *
 * Targets: warm ≤ 2 × git, cold ≤ 50 ms, extra memory ≤ 64 MB; API first call ≤ 2 × git, page first
 * render ≤ 100 ms (both as the process's first diff, the stricter case).
 * Run: node --import tsx bench/diff.ts      (bench/run.ts calls `run()`)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diffVersions, renderDiffHtml, renderSummaryHtml } from '../server/diff/index.ts';
import type { AlignClause } from '../server/diff/align.ts';
import { systemClock } from '../server/clock.ts';
import { createDb } from '../server/db.ts';
import { createVersion } from '../server/versions/service.ts';
import { startChild } from './lib/child.ts';
import { generatePair } from './lib/gen-standard.ts';

const SIZES = [40_000, 60_000];
const WARMUP = 20;
const RUNS = 31;
const TARGET_RATIO = 2;
const TARGET_COLD_MS = 50;
const TARGET_MEMORY_MB = 64;
const SERVER_WORDS = 40_000;
const SERVER_ROUNDS = 3;
const TARGET_API_RATIO = 2;
const TARGET_PAGE_MS = 100;

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
  /** through the JSON API and the page, for the SERVER_WORDS pair */
  server?: ServerFigures;
  ok: boolean;
}

export interface ServerFigures {
  /** medians over the rounds, ms to the last byte */
  apiFirstMs: number;
  apiNewPairMs: number;
  apiCachedMs: number;
  pageFirstMs: number;
  pageNewPairMs: number;
  /** git on the same pair in this run: its median (gitWarmMs) and its first run */
  gitMs: number;
  gitColdMs: number;
  jsonBytes: number;
  htmlBytes: number;
  apiRatio: number;
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

/** One GET on 127.0.0.1, timed to the last byte of its body (not decompressed: none is asked for). */
function timedGet(port: number, path: string): Promise<{ ms: number; status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    http.get({ port, path, host: '127.0.0.1', agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ ms: performance.now() - t, status: res.statusCode!, bytes }));
    }).on('error', reject);
  });
}

async function okGet(port: number, path: string): Promise<{ ms: number; bytes: number }> {
  const r = await timedGet(port, path);
  if (r.status !== 200) throw new Error(`GET ${path} answered ${r.status}`);
  return r;
}

const REF = '99.01';

/** A database holding the pair as editions 1 and 2 of one published standard (2 keyed through 1, as a saved draft is). */
async function pairDatabase(dir: string, from: string, to: string): Promise<string> {
  const url = `sqlite:${join(dir, 'bench.sqlite3')}`;
  const db = createDb(url);
  try {
    await db.migrate.latest();
    const [row] = await db('standards').insert({ type: 'IMAS', number: REF, ref: REF, title: 'Benchmark standard', series: '99' }).returning('id');
    const standardId = typeof row === 'object' ? row.id : row;
    const v1 = await createVersion(db, systemClock, { standardId, source: from, label: 'Edition 1', state: 'published', edition: 1, publishedAt: '2020-01-01T00:00:00.000Z', inForceFrom: '2020-01-01', imported: true });
    await createVersion(db, systemClock, { standardId, source: to, label: 'Edition 2', state: 'published', edition: 2, basedOn: v1.id, publishedAt: '2021-01-01T00:00:00.000Z', inForceFrom: '2021-01-01', imported: true });
  } finally {
    await db.destroy();
  }
  return url;
}

/** A fresh server, warmed up by a page and an API read (no diff), then `f`; stopped after. */
async function withServer<R>(url: string, f: (port: number) => Promise<R>): Promise<R> {
  const { child, port } = await startChild('serve-app.ts', [url]);
  try {
    for (let k = 0; k < 5; k++) {
      await okGet(port, `/standards/${REF}`);
      await okGet(port, `/api/v1/standards/${REF}`);
    }
    return await f(port);
  } finally {
    child.kill();
  }
}

const median3 = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** The diff through the server: API first call and page first render of a pair never computed. */
async function measureServer(dir: string, fromMd: string, toMd: string, git: { gitMs: number; gitColdMs: number }): Promise<ServerFigures> {
  const url = await pairDatabase(dir, fromMd, toMd);
  const api = (a: number, b: number) => `/api/v1/standards/${REF}/diff?from=${a}&to=${b}`;
  const page = (a: number, b: number) => `/standards/${REF}/diff/${a}..${b}`;
  const runs = { apiFirst: [] as number[], apiNew: [] as number[], apiCached: [] as number[], pageFirst: [] as number[], pageNew: [] as number[] };
  let jsonBytes = 0;
  let htmlBytes = 0;
  for (let r = 0; r < SERVER_ROUNDS; r++) {
    await withServer(url, async (port) => {
      const first = await okGet(port, api(1, 2));
      jsonBytes = first.bytes;
      runs.apiFirst.push(first.ms);
      runs.apiCached.push((await okGet(port, api(1, 2))).ms);
      runs.pageNew.push((await okGet(port, page(2, 1))).ms);
    });
    await withServer(url, async (port) => {
      const first = await okGet(port, page(1, 2));
      htmlBytes = first.bytes;
      runs.pageFirst.push(first.ms);
      runs.apiNew.push((await okGet(port, api(2, 1))).ms);
    });
  }
  const f = {
    apiFirstMs: median3(runs.apiFirst), apiNewPairMs: median3(runs.apiNew), apiCachedMs: median3(runs.apiCached),
    pageFirstMs: median3(runs.pageFirst), pageNewPairMs: median3(runs.pageNew), ...git, jsonBytes, htmlBytes,
  };
  const apiRatio = f.apiFirstMs / f.gitMs;
  return { ...f, apiRatio, ok: apiRatio <= TARGET_API_RATIO && f.pageFirstMs <= TARGET_PAGE_MS };
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
    const server = words === SERVER_WORDS ? await measureServer(dir, from.markdown, to.markdown, { gitMs: gitWarmMs, gitColdMs }) : undefined;
    return {
      words: from.words, clauses: from.clauses.length, warmMs, warmNoKeysMs, gitWarmMs, ratio,
      coldMs: coldRun.ms, gitColdMs, extraMemoryMb: coldRun.extraMemoryMb, server,
      ok: ratio <= TARGET_RATIO && coldRun.ms <= TARGET_COLD_MS && coldRun.extraMemoryMb <= TARGET_MEMORY_MB && (server?.ok ?? true),
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
    ...(s.server ? serverReport(k, s.server) : []),
  ].join('\n');
}

function serverReport(k: string, v: ServerFigures): string[] {
  const f = (n: number) => n.toFixed(1);
  const kb = (n: number) => `${Math.round(n / 1024)} KB`;
  return [
    `diff ${k} API first call (the server's first diff): ${f(v.apiFirstMs)} ms  git: ${f(v.gitMs)} ms (first run ${f(v.gitColdMs)} ms)  ratio ${v.apiRatio.toFixed(2)} (target ≤ ${TARGET_API_RATIO}) ${v.apiRatio <= TARGET_API_RATIO ? 'ok' : 'MISSED'}  · JSON ${kb(v.jsonBytes)}`,
    `diff ${k} API first call of a new pair (after another diff): ${f(v.apiNewPairMs)} ms  ratio ${(v.apiNewPairMs / v.gitMs).toFixed(2)}  · cached: ${f(v.apiCachedMs)} ms`,
    `diff ${k} page first render (the server's first diff): ${f(v.pageFirstMs)} ms (target ≤ ${TARGET_PAGE_MS}) ${v.pageFirstMs <= TARGET_PAGE_MS ? 'ok' : 'MISSED'}  · new pair after another diff: ${f(v.pageNewPairMs)} ms  · HTML ${kb(v.htmlBytes)}  (medians of ${SERVER_ROUNDS} rounds, fresh server each)`,
  ];
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
