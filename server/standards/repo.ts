import type { Db } from '../db.ts';
import { day, iso } from '../time.ts';
import type { StandardType } from './refs.ts';

export interface StandardRow {
  id: number;
  type: StandardType;
  number: string;
  ref: string;
  title: string;
  title_unconfirmed: boolean;
  series: string;
  withdrawn_on: string | null;
  replaced_by: number | null;
  revision: number;
}

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
}

export interface ClauseRow {
  ref: string;
  heading: string;
  text: string;
  depth: number;
  position: number;
  key: string;
}

export interface ConsultationRow {
  id: number;
  version_id: number;
  opens_at: string;
  closes_at: string;
  instructions: string | null;
  cancelled_at: string | null;
}

const STANDARD_COLUMNS = ['id', 'type', 'number', 'ref', 'title', 'title_unconfirmed', 'series', 'withdrawn_on', 'replaced_by', 'revision'];
const VERSION_COLUMNS = [
  'id', 'standard_id', 'n', 'label', 'state', 'based_on', 'edition', 'amendment', 'published_at',
  'in_force_from', 'summary', 'sha256', 'imported', 'sample', 'word_count', 'created_at',
];

export function toStandard(r: Record<string, unknown>): StandardRow {
  return { ...(r as unknown as StandardRow), title_unconfirmed: Boolean(r.title_unconfirmed), withdrawn_on: day(r.withdrawn_on) };
}

export function toVersion(r: Record<string, unknown>): VersionMeta {
  return {
    ...(r as unknown as VersionMeta),
    imported: Boolean(r.imported),
    sample: Boolean(r.sample),
    published_at: iso(r.published_at),
    in_force_from: day(r.in_force_from),
    created_at: iso(r.created_at)!,
  };
}

function toConsultation(r: Record<string, unknown>): ConsultationRow {
  return {
    ...(r as unknown as ConsultationRow),
    opens_at: iso(r.opens_at)!,
    closes_at: iso(r.closes_at)!,
    cancelled_at: iso(r.cancelled_at),
  };
}

export async function allStandards(db: Db): Promise<StandardRow[]> {
  const rows = await db('standards').select(STANDARD_COLUMNS).orderBy([{ column: 'series' }, { column: 'number' }, { column: 'type' }]);
  return rows.map(toStandard);
}

export async function standardByRef(db: Db, ref: string): Promise<StandardRow | null> {
  const r = await db('standards').select(STANDARD_COLUMNS).where({ ref }).first();
  return r ? toStandard(r) : null;
}

export async function standardById(db: Db, id: number): Promise<StandardRow | null> {
  const r = await db('standards').select(STANDARD_COLUMNS).where({ id }).first();
  return r ? toStandard(r) : null;
}

/** Every version of every standard, without texts: the catalogue derives current editions from it. */
export async function allVersionMetas(db: Db): Promise<VersionMeta[]> {
  const rows = await db('versions').select(VERSION_COLUMNS).orderBy([{ column: 'standard_id' }, { column: 'n' }]);
  return rows.map(toVersion);
}

export async function versionMetas(db: Db, standardId: number): Promise<VersionMeta[]> {
  const rows = await db('versions').select(VERSION_COLUMNS).where({ standard_id: standardId }).orderBy('n');
  return rows.map(toVersion);
}

export async function versionSource(db: Db, versionId: number): Promise<string> {
  const r = await db('versions').select('source').where({ id: versionId }).first();
  return r?.source ?? '';
}

export async function clausesOf(db: Db, versionId: number): Promise<ClauseRow[]> {
  return db('clauses').select('ref', 'heading', 'text', 'depth', 'position', 'key').where({ version_id: versionId }).orderBy('position');
}

export async function consultationsOfStandard(db: Db, standardId: number): Promise<ConsultationRow[]> {
  const rows = await db('consultations as c')
    .join('versions as v', 'v.id', 'c.version_id')
    .where('v.standard_id', standardId)
    .select('c.id', 'c.version_id', 'c.opens_at', 'c.closes_at', 'c.instructions', 'c.cancelled_at')
    .orderBy('c.opens_at');
  return rows.map(toConsultation);
}

export async function allConsultations(db: Db): Promise<ConsultationRow[]> {
  const rows = await db('consultations').select('id', 'version_id', 'opens_at', 'closes_at', 'instructions', 'cancelled_at').orderBy('opens_at');
  return rows.map(toConsultation);
}

export async function bumpRevision(db: Db, standardId: number): Promise<void> {
  await db('standards').where({ id: standardId }).increment('revision', 1);
}
