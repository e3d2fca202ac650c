/**
 * Where a comment sits: from what a person typed ("Clause 4.3", "A.1", "Foreword") to a clause of the
 * draft, and from the clause of the commented draft to the same clause in a later draft, through the
 * stable clause keys the diff engine carries over (design.md §3, §5). Pure.
 */
import { changeAnchor } from '../diff/summary.ts';

export interface AnchorClause {
  ref: string;
  heading: string;
  text: string;
  key: string;
}

const GENERAL = new Set(['', '-', '–', '—', 'ge', 'general', 'gen', 'all', 'whole document', 'document', 'n/a', 'na', 'none']);

/**
 * The canonical clause ref of what was typed, 'general' for a comment on the whole draft, or null
 * when it does not look like a clause at all.
 */
export function normaliseClauseRef(input: string | null | undefined): string | 'general' | null {
  let s = String(input ?? '').trim().toLowerCase().replace(/\s+/g, ' ');
  if (GENERAL.has(s)) return 'general';
  s = s.replace(/^(clause|subclause|sub-clause|section|§)\s*/, '').replace(/^§\s*/, '');
  if (s === 'foreword' || s === 'introduction') return s;
  // "Annex A", "annex-a.1", "Annex A.1"
  let m = /^annex[\s-]*([a-z])(?:\.([\d.]*\d))?\b/.exec(s);
  if (m) return m[2] ? `annex-${m[1]}.${m[2]}` : `annex-${m[1]}`;
  // "A.1" (a clause of an annex), "4", "4.3", "4.3.1." with an optional heading after it
  m = /^([a-z])\.(\d+(?:\.\d+)*)\.?(?:\s|$)/.exec(s);
  if (m) return `annex-${m[1]}.${m[2]}`;
  m = /^(\d+(?:\.\d+)*)\.?(?:\s|$)/.exec(s);
  if (m) return m[1]!.split('.').map((p) => String(Number(p))).join('.');
  return null;
}

export type Resolved = { kind: 'general' } | { kind: 'clause'; clause: AnchorClause } | { kind: 'unknown'; reason: string };

/** The clause of `clauses` that `input` names. */
export function resolveClause(input: string | null | undefined, clauses: readonly AnchorClause[]): Resolved {
  const ref = normaliseClauseRef(input);
  if (ref === 'general') return { kind: 'general' };
  if (ref === null) return { kind: 'unknown', reason: `"${String(input).trim().slice(0, 40)}" is not a clause number (write 4.3, A.1, Foreword, or General)` };
  const clause = clauses.find((c) => c.ref === ref);
  return clause ? { kind: 'clause', clause } : { kind: 'unknown', reason: `the draft has no clause ${ref}` };
}

export interface Location {
  /** the clause as commented */
  was_ref: string | null;
  /** the same clause in the later draft; null when removed or for a general comment */
  now_ref: string | null;
  status: 'general' | 'unchanged' | 'renumbered' | 'changed' | 'removed';
  renumbered: boolean;
  changed: boolean;
  removed: boolean;
  /** "was 4.3, now 5.2", "clause removed", "clause changed since this comment" */
  note: string;
  /** the anchor of the change on the diff page between the two drafts (`change-5.2`), or null */
  change_anchor: string | null;
}

/**
 * Where a comment's clause is in a later draft: the clause with the same key. Text is compared with
 * the clause as it was in the commented draft.
 */
export function locate(comment: { clause_key: string | null; clause_ref: string | null }, commented: ReadonlyMap<string, AnchorClause>, later: ReadonlyMap<string, AnchorClause>): Location {
  const was = comment.clause_ref;
  if (!comment.clause_key) {
    return { was_ref: null, now_ref: null, status: 'general', renumbered: false, changed: false, removed: false, note: 'general comment', change_anchor: null };
  }
  const now = later.get(comment.clause_key);
  if (!now) {
    return { was_ref: was, now_ref: null, status: 'removed', renumbered: false, changed: false, removed: true, note: 'clause removed', change_anchor: changeAnchor({ from_ref: was, to_ref: null }) };
  }
  const before = commented.get(comment.clause_key);
  const changed = Boolean(before && (before.text !== now.text || before.heading !== now.heading));
  const renumbered = was !== now.ref;
  const notes: string[] = [];
  if (renumbered) notes.push(`was ${was}, now ${now.ref}`);
  if (changed) notes.push('clause changed since this comment');
  return {
    was_ref: was,
    now_ref: now.ref,
    status: changed ? 'changed' : renumbered ? 'renumbered' : 'unchanged',
    renumbered,
    changed,
    removed: false,
    note: notes.length ? notes.join('; ') : 'clause unchanged',
    change_anchor: changed || renumbered ? changeAnchor({ from_ref: was, to_ref: now.ref }) : null,
  };
}

export const byKey = (clauses: readonly AnchorClause[]): Map<string, AnchorClause> => new Map(clauses.map((c) => [c.key, c]));
