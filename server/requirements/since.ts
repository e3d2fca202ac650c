/**
 * "New / changed / removed since edition X". Pure: the requirements of two versions and the diff
 * engine's clause alignment in, each requirement of the newer version classified, plus the removed ones.
 *
 * Pairs are found in rounds, each looking only at what the rounds before left over:
 *   1. the same id (same clause key, same words bar cross-references): unchanged, or changed when the
 *      text differs (a number in a cross-reference, a decimal) or the verb does;
 *   2. within each pair of clauses the diff engine aligned: the most similar sentences (Dice on words
 *      ≥ SIMILAR), best pairs first: changed;
 *   3. anywhere: the same text (a sentence moved to another clause): unchanged.
 * What is left is new (in the newer version) or removed (from the older).
 */
import { alignClauses, type AlignClause } from '../diff/index.ts';
import type { Requirement } from './extract.ts';

export type SinceStatus = 'new' | 'changed' | 'unchanged';

export interface SinceResult {
  /** by id of the newer version's requirement */
  status: Map<string, { status: SinceStatus; previous: Requirement | null }>;
  removed: Requirement[];
}

const SIMILAR = 0.5;

const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
const words = (s: string) => new Set(norm(s).split(' ').filter(Boolean));

export function similarity(a: string, b: string): number {
  const x = words(a);
  const y = words(b);
  if (!x.size || !y.size) return 0;
  let both = 0;
  for (const w of x) if (y.has(w)) both++;
  return (2 * both) / (x.size + y.size);
}

export function classifySince(
  older: readonly Requirement[],
  newer: readonly Requirement[],
  olderClauses: readonly AlignClause[],
  newerClauses: readonly AlignClause[],
): SinceResult {
  const status = new Map<string, { status: SinceStatus; previous: Requirement | null }>();
  const leftOld = new Set(older);
  const byId = new Map(older.map((r) => [r.id, r]));
  const same = (a: Requirement, b: Requirement) => norm(a.text) === norm(b.text) && a.verb === b.verb;

  // 1. same id
  for (const r of newer) {
    const o = byId.get(r.id);
    if (o && leftOld.has(o)) {
      leftOld.delete(o);
      status.set(r.id, { status: same(o, r) ? 'unchanged' : 'changed', previous: o });
    }
  }

  // 2. within aligned clauses, by similarity
  const oldByRef = group([...leftOld], (r) => r.clause_ref);
  const newLeft = newer.filter((r) => !status.has(r.id));
  const newByRef = group(newLeft, (r) => r.clause_ref);
  if (newLeft.length && leftOld.size) {
    for (const a of alignClauses(olderClauses, newerClauses)) {
      if (!a.from || !a.to) continue;
      const os = (oldByRef.get(a.from.ref) ?? []).filter((r) => leftOld.has(r));
      const ns = (newByRef.get(a.to.ref) ?? []).filter((r) => !status.has(r.id));
      if (!os.length || !ns.length) continue;
      const candidates: { o: Requirement; n: Requirement; s: number }[] = [];
      for (const o of os) for (const n of ns) {
        const s = similarity(o.text, n.text);
        if (s >= SIMILAR) candidates.push({ o, n, s });
      }
      candidates.sort((x, y) => y.s - x.s);
      for (const { o, n } of candidates) {
        if (!leftOld.has(o) || status.has(n.id)) continue;
        leftOld.delete(o);
        status.set(n.id, { status: same(o, n) ? 'unchanged' : 'changed', previous: o });
      }
    }
  }

  // 3. the same text anywhere
  const oldByText = group([...leftOld], (r) => `${r.verb}\u0000${norm(r.text)}`);
  for (const r of newer) {
    if (status.has(r.id)) continue;
    const o = oldByText.get(`${r.verb}\u0000${norm(r.text)}`)?.find((x) => leftOld.has(x));
    if (o) {
      leftOld.delete(o);
      status.set(r.id, { status: 'unchanged', previous: o });
    } else status.set(r.id, { status: 'new', previous: null });
  }
  return { status, removed: older.filter((r) => leftOld.has(r)) };
}

function group<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = m.get(k);
    if (list) list.push(x);
    else m.set(k, [x]);
  }
  return m;
}
