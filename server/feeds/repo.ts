import type { Db } from '../db.ts';
import type { StandardType } from '../standards/refs.ts';

export interface PublishedEntry {
  ref: string;
  type: StandardType;
  number: string;
  title: string;
  n: number;
  edition: number | null;
  amendment: number | null;
  published_at: string;
  in_force_from: string | null;
  summary: string | null;
  audit_head_count: number | null;
  audit_head_hash: string | null;
  /** published "with immediate effect, awaiting endorsement" (a fact of the publication, issue 12 item 6) */
  published_before_endorsement?: boolean;
}

/** The latest published versions (of one standard, when given), newest first, with the audit chain's head at their publication. */
export async function latestPublished(db: Db, limit: number, standardId?: number): Promise<PublishedEntry[]> {
  const q = db('versions as v')
    .join('standards as s', 's.id', 'v.standard_id')
    .where('v.state', 'published')
    .whereNotNull('v.published_at');
  if (standardId !== undefined) q.where('v.standard_id', standardId);
  const rows = await q
    .orderBy([{ column: 'v.published_at', order: 'desc' }, { column: 'v.id', order: 'desc' }])
    .limit(limit)
    .select('s.ref', 's.type', 's.number', 's.title', 'v.n', 'v.edition', 'v.amendment', 'v.published_at', 'v.in_force_from', 'v.summary', 'v.audit_head_count', 'v.audit_head_hash', 'v.published_before_endorsement');
  return rows.map((r: Record<string, unknown>) => ({
    ...(r as unknown as PublishedEntry),
    published_before_endorsement: Boolean(r.published_before_endorsement),
    published_at: r.published_at instanceof Date ? r.published_at.toISOString() : String(r.published_at),
    in_force_from: r.in_force_from == null ? null : r.in_force_from instanceof Date ? r.in_force_from.toISOString().slice(0, 10) : String(r.in_force_from).slice(0, 10),
    audit_head_count: r.audit_head_count == null ? null : Number(r.audit_head_count),
  }));
}
