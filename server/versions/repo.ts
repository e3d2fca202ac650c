import type { Knex } from 'knex';
import { day, iso } from '../time.ts';
import type { Clause } from './clause.ts';
import { engineFor } from '../search/engine.ts';

/**
 * All SQL of versions and their clauses, and the one place a standard's revision is bumped.
 *
 * A standard's pages are cached per revision (server/standards/state.ts), so every repository function
 * that writes what those pages are derived from — the standard, its versions, consultations, ballots and
 * votes, the publication — bumps the revision itself, in the caller's transaction: a service cannot
 * forget it. test/integration/revision.test.ts drives every write route of the API and checks it.
 */
type Q = Knex | Knex.Transaction;

export interface VersionMeta {
  id: number;
  standard_id: number;
  n: number;
  label: string;
  state: 'draft' | 'approved' | 'rejected' | 'published';
  based_on: number | null;
  edition: number | null;
  amendment: number | null;
  published_at: string | null;
  in_force_from: string | null;
  summary: string | null;
  sha256: string;
  imported: boolean;
  sample: boolean;
  word_count: number;
  created_at: string;
  /** after the Board (server/endorsement/): the Steering Group's acceptance and the UN (IACG-MA) endorsement, UTC days */
  sg_accepted_on: string | null;
  sg_note: string | null;
  endorsed_on: string | null;
  endorsement_note: string | null;
  /** published "with immediate effect, awaiting endorsement" (a fact of its publication) */
  published_before_endorsement: boolean;
  /** the proposal this version was drafted from (issue 12 item 4), or null */
  proposal_id: number | null;
}

/** The after-the-Board columns, written only by recordStep and markPublished. */
export type StepFields = 'sg_accepted_on' | 'sg_note' | 'endorsed_on' | 'endorsement_note' | 'published_before_endorsement';

/** A clause as stored in `clauses` (the same shape as a parsed one). */
export type ClauseRow = Clause;

/** A version with the standard it belongs to. */
export interface VersionRow
  extends Pick<VersionMeta, 'id' | 'standard_id' | 'n' | 'label' | 'state' | 'based_on' | 'edition' | 'amendment' | 'in_force_from' | 'published_at' | 'summary' | 'sha256' | 'sg_accepted_on' | 'endorsed_on' | 'proposal_id'> {
  ref: string;
  type: string;
  number: string;
  title: string;
}

const VERSION_COLUMNS = [
  'id', 'standard_id', 'n', 'label', 'state', 'based_on', 'edition', 'amendment', 'published_at',
  'in_force_from', 'summary', 'sha256', 'imported', 'sample', 'word_count', 'created_at',
  'sg_accepted_on', 'sg_note', 'endorsed_on', 'endorsement_note', 'published_before_endorsement', 'proposal_id',
];

export function toVersion(r: Record<string, unknown>): VersionMeta {
  return {
    ...(r as unknown as VersionMeta),
    imported: Boolean(r.imported),
    sample: Boolean(r.sample),
    published_at: iso(r.published_at),
    in_force_from: day(r.in_force_from),
    created_at: iso(r.created_at)!,
    sg_accepted_on: day(r.sg_accepted_on),
    endorsed_on: day(r.endorsed_on),
    published_before_endorsement: Boolean(r.published_before_endorsement),
    proposal_id: r.proposal_id == null ? null : Number(r.proposal_id),
  };
}

const VERSION_SELECT = [
  'v.id', 'v.standard_id', 's.ref', 's.type', 's.number', 's.title', 'v.n', 'v.label', 'v.state', 'v.based_on',
  'v.edition', 'v.amendment', 'v.in_force_from', 'v.published_at', 'v.summary', 'v.sha256', 'v.sg_accepted_on', 'v.endorsed_on', 'v.proposal_id',
];
const toVersionRow = (r: Record<string, unknown>): VersionRow => ({
  ...(r as unknown as VersionRow),
  in_force_from: r.in_force_from == null ? null : String(r.in_force_from).slice(0, 10),
  published_at: r.published_at == null ? null : r.published_at instanceof Date ? r.published_at.toISOString() : String(r.published_at),
  sg_accepted_on: day(r.sg_accepted_on),
  endorsed_on: day(r.endorsed_on),
  proposal_id: r.proposal_id == null ? null : Number(r.proposal_id),
});
const withStandard = (db: Q) => db('versions as v').join('standards as s', 's.id', 'v.standard_id');

// ---- the revision ----

export async function bumpRevision(db: Q, standardId: number): Promise<void> {
  await db('standards').where({ id: standardId }).increment('revision', 1);
}

/** Bumps the revision of the standard a version belongs to. */
export async function bumpRevisionOfVersion(db: Q, versionId: number | Knex.QueryBuilder): Promise<void> {
  const versions = typeof versionId === 'number' ? db('versions').where({ id: versionId }) : db('versions').whereIn('id', versionId);
  await db('standards').whereIn('id', versions.select('standard_id')).increment('revision', 1);
}

export async function bumpRevisionOfConsultation(db: Q, consultationId: number): Promise<void> {
  await bumpRevisionOfVersion(db, db('consultations').where({ id: consultationId }).select('version_id'));
}

/** Bumps the revision of the standard of a ballot's version (ballots and votes show on a published version's page). */
export async function bumpRevisionOfBallot(db: Q, ballotId: number): Promise<void> {
  await bumpRevisionOfVersion(db, db('ballots').where({ id: ballotId }).select('version_id'));
}

// ---- reads ----

/** Every version of every standard, without texts: the catalogue derives current editions from it. */
export async function allVersionMetas(db: Q): Promise<VersionMeta[]> {
  const rows = await db('versions').select(VERSION_COLUMNS).orderBy([{ column: 'standard_id' }, { column: 'n' }]);
  return rows.map(toVersion);
}

export async function versionMetas(db: Q, standardId: number): Promise<VersionMeta[]> {
  const rows = await db('versions').select(VERSION_COLUMNS).where({ standard_id: standardId }).orderBy('n');
  return rows.map(toVersion);
}

export async function versionSource(db: Q, versionId: number): Promise<string> {
  const r = await db('versions').select('source').where({ id: versionId }).first();
  return r?.source ?? '';
}

export async function clausesOf(db: Q, versionId: number): Promise<ClauseRow[]> {
  return db('clauses').select('ref', 'heading', 'text', 'depth', 'position', 'key').where({ version_id: versionId }).orderBy('position');
}

/** A standard's version n, if there is one. */
export async function versionByN(db: Q, standardId: number, n: number): Promise<VersionMeta | null> {
  const r = await db('versions').where({ standard_id: standardId, n }).first(VERSION_COLUMNS);
  return r ? toVersion(r) : null;
}

/** The highest n of a standard's versions, 0 when it has none. */
export async function lastN(db: Q, standardId: number): Promise<number> {
  const last = await db('versions').where({ standard_id: standardId }).max({ n: 'n' }).first();
  return Number(last?.n ?? 0);
}

export async function versionById(db: Q, id: number): Promise<VersionRow | null> {
  const r = await withStandard(db).where('v.id', id).first(VERSION_SELECT);
  return r ? toVersionRow(r) : null;
}

export async function versionByRef(db: Q, ref: string, n: number): Promise<VersionRow | null> {
  const r = await withStandard(db).where({ 's.ref': ref, 'v.n': n }).first(VERSION_SELECT);
  return r ? toVersionRow(r) : null;
}

export async function versionsOfStandard(db: Q, standardId: number): Promise<VersionRow[]> {
  return (await withStandard(db).where('v.standard_id', standardId).select(VERSION_SELECT).orderBy('v.n')).map(toVersionRow);
}

/** Every draft, for the secretariat's ballot form. */
export async function draftVersions(db: Q): Promise<VersionRow[]> {
  return (await withStandard(db).where('v.state', 'draft').select(VERSION_SELECT).orderBy([{ column: 's.ref' }, { column: 'v.n' }])).map(toVersionRow);
}

export async function publicationHead(db: Q, versionId: number): Promise<{ count: number; hash: string } | null> {
  const r = (await db('versions').where({ id: versionId }).first('audit_head_count', 'audit_head_hash')) as { audit_head_count: number | null; audit_head_hash: string | null } | undefined;
  return r?.audit_head_count != null && r.audit_head_hash ? { count: Number(r.audit_head_count), hash: r.audit_head_hash } : null;
}

// ---- writes: each bumps the standard's revision ----

/** A new version's row; n is given by insertVersion. */
export type NewVersionRow = Omit<VersionMeta, 'id' | 'n' | 'state' | StepFields> & { state: 'draft' | 'published'; source: string; created_by: number | null };

/** Inserts a standard's next version (n = last + 1) and its clauses. Call inside a transaction. */
export async function insertVersion(trx: Knex.Transaction, row: NewVersionRow, clauses: ClauseRow[]): Promise<{ id: number; n: number }> {
  const n = (await lastN(trx, row.standard_id)) + 1;
  const [ins] = await trx('versions').insert({ ...row, n }).returning('id');
  const id = typeof ins === 'object' ? (ins as { id: number }).id : (ins as number);
  // SQLite allows at most 32766 variables a statement: insert in chunks.
  const rows = clauses.map((c) => ({ version_id: id, ref: c.ref, heading: c.heading, text: c.text, depth: c.depth, position: c.position, key: c.key }));
  for (let i = 0; i < rows.length; i += 500) await trx('clauses').insert(rows.slice(i, i + 500));
  // The full-text index is kept in step in the same transaction (server/search/engine.ts).
  await engineFor(trx).indexVersion(trx, id);
  await bumpRevision(trx, row.standard_id);
  return { id, n };
}

export async function setVersionState(db: Q, versionId: number, state: VersionRow['state']): Promise<void> {
  await db('versions').where({ id: versionId }).update({ state });
  await bumpRevisionOfVersion(db, versionId);
}

/** Publishes only what is still approved: true when this call did it. */
export async function markPublished(db: Q, versionId: number, p: { edition: number; amendment: number | null; in_force_from: string; published_at: string; summary: string; published_before_endorsement: boolean }): Promise<boolean> {
  const done = (await db('versions').where({ id: versionId, state: 'approved' }).update({ state: 'published', ...p })) === 1;
  if (done) await bumpRevisionOfVersion(db, versionId);
  return done;
}

/** The audit chain's head right after the publication, kept on the version for its page and the feed. */
export async function setPublicationHead(db: Q, versionId: number, head: { count: number; hash: string }): Promise<void> {
  await db('versions').where({ id: versionId }).update({ audit_head_count: head.count, audit_head_hash: head.hash });
  await bumpRevisionOfVersion(db, versionId);
}

/**
 * Records a step after the Board (the Steering Group's acceptance or the UN endorsement) once: true only
 * when this call wrote it (the column was still empty).
 */
export async function recordStep(db: Q, versionId: number, step: 'steering_group' | 'endorsement', on: string, note: string | null): Promise<boolean> {
  const [dateCol, noteCol] = step === 'steering_group' ? ['sg_accepted_on', 'sg_note'] : ['endorsed_on', 'endorsement_note'];
  const done = (await db('versions').where({ id: versionId }).whereNull(dateCol).update({ [dateCol]: on, [noteCol]: note })) === 1;
  if (done) await bumpRevisionOfVersion(db, versionId);
  return done;
}
