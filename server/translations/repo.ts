import type { Knex } from 'knex';
import { iso } from '../time.ts';
import { bumpRevisionOfVersion } from '../versions/repo.ts';
import type { TranslatedClause } from './rules.ts';

/**
 * All SQL of translations. Every write bumps the revision of the standard the version belongs to
 * (versions/repo.ts), so its cached pages and JSON, which list the translations, go stale.
 */
type Q = Knex | Knex.Transaction;

export interface TranslationMeta {
  id: number;
  version_id: number;
  standard_id: number;
  n: number;
  language: string;
  official: boolean;
  sha256: string;
  word_count: number;
  sample: boolean;
  created_at: string;
  updated_at: string;
}

const META = ['t.id', 't.version_id', 'v.standard_id', 'v.n', 't.language', 't.official', 't.sha256', 't.word_count', 't.sample', 't.created_at', 't.updated_at'];

const toMeta = (r: Record<string, unknown>): TranslationMeta => ({
  id: Number(r.id),
  version_id: Number(r.version_id),
  standard_id: Number(r.standard_id),
  n: Number(r.n),
  language: String(r.language),
  official: Boolean(r.official),
  sha256: String(r.sha256),
  word_count: Number(r.word_count),
  sample: Boolean(r.sample),
  created_at: iso(r.created_at)!,
  updated_at: iso(r.updated_at)!,
});

const metas = (db: Q) => db('translations as t').join('versions as v', 'v.id', 't.version_id');

/** The translations of a standard's versions, by version then language. */
export async function translationsOfStandard(db: Q, standardId: number): Promise<TranslationMeta[]> {
  return (await metas(db).where('v.standard_id', standardId).select(META).orderBy([{ column: 'v.n' }, { column: 't.language' }])).map(toMeta);
}

/** The languages each standard has a translation of a published version in, for the catalogue. */
export async function publishedLanguages(db: Q): Promise<{ ref: string; language: string }[]> {
  const rows = await metas(db).join('standards as s', 's.id', 'v.standard_id').where('v.state', 'published').distinct('s.ref', 't.language').orderBy([{ column: 's.ref' }, { column: 't.language' }]);
  return rows.map((r: { ref: string; language: string }) => ({ ref: String(r.ref), language: String(r.language) }));
}

export async function translationOf(db: Q, versionId: number, language: string): Promise<(TranslationMeta & { source: string }) | null> {
  const r = await metas(db).where({ 't.version_id': versionId, 't.language': language }).first([...META, 't.source']);
  return r ? { ...toMeta(r), source: String(r.source) } : null;
}

export async function clausesOfTranslation(db: Q, translationId: number): Promise<TranslatedClause[]> {
  const rows = await db('translation_clauses').where({ translation_id: translationId }).select('ref', 'label', 'heading', 'text', 'depth', 'position', 'key').orderBy('position');
  return rows.map((r: TranslatedClause) => ({ ...r, depth: Number(r.depth), position: Number(r.position) }));
}

export interface NewTranslation {
  version_id: number;
  language: string;
  official: boolean;
  source: string;
  sha256: string;
  word_count: number;
  sample: boolean;
  created_by: number | null;
  at: string;
}

/**
 * Writes the translation of (version, language), a new row or the existing one replaced, with its
 * clauses. Returns its id and whether it replaced one. Call inside a transaction.
 */
export async function saveTranslation(trx: Knex.Transaction, t: NewTranslation, clauses: TranslatedClause[]): Promise<{ id: number; replaced: { sha256: string; official: boolean } | null }> {
  const existing = (await trx('translations').where({ version_id: t.version_id, language: t.language }).first('id', 'sha256', 'official')) as { id: number; sha256: string; official: unknown } | undefined;
  const fields = { official: t.official, source: t.source, sha256: t.sha256, word_count: t.word_count, sample: t.sample, updated_at: t.at };
  let id: number;
  if (existing) {
    id = Number(existing.id);
    await trx('translations').where({ id }).update({ ...fields, created_by: t.created_by });
    await trx('translation_clauses').where({ translation_id: id }).delete();
  } else {
    const [ins] = await trx('translations').insert({ ...fields, version_id: t.version_id, language: t.language, created_by: t.created_by, created_at: t.at }).returning('id');
    id = typeof ins === 'object' ? (ins as { id: number }).id : (ins as number);
  }
  const rows = clauses.map((c) => ({ translation_id: id, ref: c.ref, label: c.label, heading: c.heading, text: c.text, depth: c.depth, position: c.position, key: c.key }));
  for (let i = 0; i < rows.length; i += 500) await trx('translation_clauses').insert(rows.slice(i, i + 500));
  await bumpRevisionOfVersion(trx, t.version_id);
  return { id, replaced: existing ? { sha256: existing.sha256, official: Boolean(existing.official) } : null };
}

/** Removes a translation and its clauses; false when there was none. */
export async function deleteTranslation(trx: Knex.Transaction, id: number, versionId: number): Promise<boolean> {
  const done = (await trx('translations').where({ id }).delete()) === 1;
  if (done) await bumpRevisionOfVersion(trx, versionId);
  return done;
}
