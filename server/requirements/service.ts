/**
 * The requirements register of a standard (issue 15 item 4): built on read from the version's clauses by
 * the pure extractor, cached by the version's text hash (a version never changes, so neither does its
 * register), filtered, and compared with an earlier version through the diff engine's alignment.
 */
import type { Db } from '../db.ts';
import { BadRequest, NotFound } from '../errors.ts';
import type { StandardDetail, VersionInfo } from '../standards/service.ts';
import { versionOf } from '../standards/service.ts';
import type { Clause } from '../versions/clause.ts';
import { clausesOf } from '../versions/repo.ts';
import { extractRequirements, type Requirement, type VerbFamily } from './extract.ts';
import { classifySince, type SinceStatus } from './since.ts';
import type { RegisterQuery } from './validation.ts';

export const messages = {
  noPublished: (d: string) => `${d} has no published version yet: its register is built from published text. Pick a draft with ?version=N if you may see one.`,
  sameSince: 'Pick an earlier version to compare with than the one shown.',
} as const;

interface Built {
  clauses: Clause[];
  /** the normative ones: not in a note, an example or an informative annex */
  requirements: Requirement[];
}

/**
 * Registers by version, computed once: the key is the version's id and the sha256 of its text (a
 * version's text and clause keys never change after it is written). Bounded, least recently used out.
 */
export class RequirementsCache {
  private entries = new Map<string, Promise<Built>>();
  constructor(private readonly max = 64) {}

  of(db: Db, ref: string, v: Pick<VersionInfo, 'id' | 'sha256'>): Promise<Built> {
    const k = `${v.id}:${v.sha256}`;
    let entry = this.entries.get(k);
    if (entry) this.entries.delete(k);
    else {
      entry = clausesOf(db, v.id).then((clauses) => ({ clauses, requirements: extractRequirements(ref, clauses).filter((r) => !r.in_note) }));
      // a failed read is not kept
      entry.catch(() => this.entries.delete(k));
      if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(k, entry);
    return entry;
  }
}

export interface RegisterEntry extends Requirement {
  /** with `since`: new, changed or unchanged since that version */
  status: SinceStatus | null;
  /** with `since`: the id and text of the requirement it continues, when not new */
  previous_id: string | null;
  previous_text: string | null;
}

export interface Register {
  version: VersionInfo;
  since: VersionInfo | null;
  /** all the version's requirements, before the filters */
  total: number;
  entries: RegisterEntry[];
  /** with `since`: the requirements of that version gone from this one (filtered too) */
  removed: Requirement[];
  counts: Record<VerbFamily, number>;
  sinceCounts: { new: number; changed: number; unchanged: number; removed: number } | null;
}

/** The version a register is read from: ?version=N, else the current edition, else the latest published. */
export function registerVersion(detail: StandardDetail, n: number | undefined): VersionInfo {
  if (n !== undefined) return versionOf(detail, n);
  const v = detail.current ?? detail.versions.filter((x) => x.state === 'published').at(-1);
  if (!v) throw new NotFound(messages.noPublished(detail.standard.designation));
  return v;
}

/** Does `r` sit in the clause the filter names: `4` takes 4, 4.1, 4.1.2; `A.1` and `annex-a.1` alike. */
export function inClause(r: Pick<Requirement, 'clause_ref' | 'clause_number'>, clause: string): boolean {
  const c = clause.trim().toLowerCase().replace(/^(?:clause|§)\s*/, '');
  const under = (ref: string) => ref === c || ref.startsWith(`${c}.`);
  const annex = /^annex\s+([a-z])$/.exec(c);
  if (annex) return r.clause_ref === `annex-${annex[1]}` || r.clause_ref.startsWith(`annex-${annex[1]}.`);
  const num = r.clause_number.toLowerCase();
  return under(r.clause_ref) || num === c || num.startsWith(`${c}.`) || r.clause_ref === c.replace(/^([a-z])\./, 'annex-$1.');
}

/** Every word of `q` (case and accents aside) in the text. */
export function hasWords(text: string, q: string): boolean {
  const fold = (s: string) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const t = fold(text);
  return fold(q)
    .split(/[^\p{L}\p{N}.]+/u)
    .filter(Boolean)
    .every((w) => t.includes(w));
}

export async function buildRegister(db: Db, cache: RequirementsCache, detail: StandardDetail, query: RegisterQuery): Promise<Register> {
  const version = registerVersion(detail, query.version);
  const ref = detail.standard.ref;
  const built = await cache.of(db, ref, version);
  let since: VersionInfo | null = null;
  let removed: Requirement[] = [];
  let status: ReturnType<typeof classifySince>['status'] | null = null;
  if (query.since !== undefined) {
    since = versionOf(detail, query.since);
    if (since.id === version.id) throw new BadRequest(messages.sameSince, { since: 'must be another version' });
    const old = await cache.of(db, ref, since);
    const r = classifySince(old.requirements, built.requirements, old.clauses, built.clauses);
    status = r.status;
    removed = r.removed;
  }
  const keep = (r: Requirement) => (!query.verb || r.family === query.verb) && (!query.clause || inClause(r, query.clause)) && (!query.q || hasWords(r.text, query.q));
  const entries: RegisterEntry[] = built.requirements.filter(keep).map((r) => {
    const s = status?.get(r.id);
    return { ...r, status: s?.status ?? null, previous_id: s?.previous?.id ?? null, previous_text: s?.previous && s.status === 'changed' ? s.previous.text : null };
  });
  const counts = { shall: 0, should: 0, may: 0, can: 0 };
  for (const r of built.requirements) counts[r.family]++;
  let sinceCounts: Register['sinceCounts'] = null;
  if (status) {
    sinceCounts = { new: 0, changed: 0, unchanged: 0, removed: removed.length };
    for (const s of status.values()) sinceCounts[s.status]++;
  }
  return { version, since, total: built.requirements.length, entries, removed: removed.filter(keep), counts, sinceCounts };
}
