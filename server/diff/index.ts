/**
 * The clause-aware diff between two versions of a standard (design.md §5). Pure modules, no I/O.
 *
 * Public API
 *   diffVersions(from: Clause[], to: Clause[]): VersionDiff                       (this file)
 *     → { summary: DiffSummary, clauses: ClauseDiff[] }; ClauseDiff is the JSON clause entry:
 *       { status, moved, renumbered, from_ref, to_ref, heading, from_heading?, parts: [{ op, text }] }
 *       parts cover the clause BODY: equal + delete parts joined = old body, equal + insert = new body,
 *       exactly. A heading change is reported by `from_heading`. A split clause gives one entry per piece
 *       (same from_ref), each covering the slice of the old body that went into it; merged clauses give
 *       one entry per old clause (same to_ref), each covering its slice of the new body.
 *     The summary (./summary.ts) follows requirement sentences across the whole document: `verbs` and
 *     `numbers` entries carry `moved: true` when the sentence is now in another clause (from_ref → to_ref);
 *     `splits` / `merges` say split and merge in words; `moved_sentences` lists sentences that went to an
 *     unrelated clause. OpenAPI: ./openapi.ts. Kept honest by test/fixtures/diff-corpus (issue 14).
 *   alignClauses(from, to): Alignment[]          ./align.ts  which clause became which, and how
 *   inheritKeys(basedOn, draft, newKey): Clause[] ./align.ts  keys for a new draft's clauses
 *   diffText(old, new): DiffPart[]                ./words.ts  word diff of one clause
 *   summarise(clauses): DiffSummary               ./summary.ts verbs, numbers with units, counts
 *   sentencesOf(text), sameText(s)                ./sentences.ts the sentences requirements are followed in
 *   findVerbs(text), findNumbers(text)            ./summary.ts
 *   changeAnchor(entry): string                   ./summary.ts `change-4.2` / `change-removed-4.3`
 *   renderDiffHtml(diff, { view: 'inline' | 'side-by-side', changesOnly }): string   ./html.ts
 *   renderSummaryHtml(diff): string                                                  ./html.ts
 */
import { type AlignClause, type Alignment, alignClauses } from './align.ts';
import { type ClauseDiff, type VersionDiff, summarise } from './summary.ts';
import { diffText, partitionText } from './words.ts';

export type { Alignment, AlignClause, Link } from './align.ts';
export { alignClauses, inheritKeys } from './align.ts';
export type { ChangeLink, ClauseDiff, DiffSummary, TermChange, VersionDiff } from './summary.ts';
export { changeAnchor, findNumbers, findVerbs, summarise } from './summary.ts';
export type { DiffPart, PartOp } from './words.ts';
export { diffText } from './words.ts';
export { DIFF_WORDS, englishWords, renderDiffHtml, renderSummaryHtml, type DiffWords, type RenderOptions } from './html.ts';

/** Takes `Clause`s (or a new draft's clauses, without keys yet) in any order. */
export function diffVersions(from: readonly AlignClause[], to: readonly AlignClause[]): VersionDiff {
  const alignments = alignClauses(from, to);
  const { oldSlices, newSlices } = pieceSlices(alignments);
  const clauses = alignments.map((a) => clauseDiff(a, oldSlices.get(a) ?? a.from?.text ?? '', newSlices.get(a) ?? a.to?.text ?? ''));
  return { summary: summarise(clauses), clauses };
}

function clauseDiff(a: Alignment<AlignClause, AlignClause>, oldText: string, newText: string): ClauseDiff {
  const heading = (a.to ?? a.from)!.heading;
  const entry: ClauseDiff = {
    status: a.status,
    moved: a.moved,
    renumbered: a.renumbered,
    from_ref: a.from?.ref ?? null,
    to_ref: a.to?.ref ?? null,
    heading,
    parts: diffText(oldText, newText),
  };
  if (a.from && a.to && a.from.heading !== heading) entry.from_heading = a.from.heading;
  return entry;
}

type Entry = Alignment<AlignClause, AlignClause>;

/**
 * For split and merged clauses, the slice of the shared body each entry covers: a split cuts the old
 * body among its pieces, a merge cuts the new body among the clauses that went into it.
 */
function pieceSlices(alignments: readonly Entry[]): { oldSlices: Map<Entry, string>; newSlices: Map<Entry, string> } {
  const oldSlices = new Map<Entry, string>();
  const newSlices = new Map<Entry, string>();
  // a clause is in two entries only as the shared side of a split (its old clause) or a merge (its new
  // one): only those are grouped, not every clause of the document
  const shared = { from: new Set<AlignClause>(), to: new Set<AlignClause>() };
  for (let k = 0; k < alignments.length; k++) {
    const a = alignments[k]!;
    if (a.link === 'split') shared.from.add(a.from!);
    else if (a.link === 'merge') shared.to.add(a.to!);
  }
  const groups = (side: 'from' | 'to') => {
    const g = new Map<AlignClause, Entry[]>();
    if (!shared[side].size) return [];
    for (const a of alignments) {
      const c = a[side];
      if (!a.from || !a.to || !c || !shared[side].has(c)) continue;
      const list = g.get(c);
      if (list) list.push(a);
      else g.set(c, [a]);
    }
    return [...g].filter(([, list]) => list.length > 1);
  };
  for (const [source, list] of groups('from')) {
    list.sort((x, y) => x.to!.position - y.to!.position);
    const slices = partitionText(source.text, list.map((a) => a.to!.text));
    list.forEach((a, k) => oldSlices.set(a, slices[k]!));
  }
  for (const [target, list] of groups('to')) {
    list.sort((x, y) => x.from!.position - y.from!.position);
    const slices = partitionText(target.text, list.map((a) => a.from!.text));
    list.forEach((a, k) => newSlices.set(a, slices[k]!));
  }
  return { oldSlices, newSlices };
}
