import type { Db } from '../db.ts';
import type { Clock } from '../clock.ts';
import type { Viewer } from '../auth/viewer.ts';
import { NotFound, Validation } from '../errors.ts';
import { appendAudit } from '../audit/service.ts';
import { countWords, parseClauses } from '../versions/parse.ts';
import { sha256, SourceProblems } from '../versions/service.ts';
import { clausesOf, versionByN, type VersionMeta } from '../versions/repo.ts';
import { standardByRef, type StandardRow } from '../standards/repo.ts';
import { canonicalRef, designation } from '../standards/refs.ts';
import { editionLabel } from '../versions/edition.ts';
import type { StandardDetail, VersionInfo } from '../standards/service.ts';
import * as repo from './repo.ts';
import { LANGUAGE_NAMES, matchClauses, mismatchMessage, staleness, translationHeadingReader, type Staleness, type TranslatedClause, type TranslationLanguage } from './rules.ts';
import type { TranslationInput } from './validation.ts';

export const messages = {
  noStandard: (ref: string) => `There is no standard "${ref}" in the catalogue.`,
  noVersion: (d: string, n: number) => `"${d}" has no version ${n}.`,
  noTranslation: (d: string, n: number, lang: string) => `"${d}" version ${n} has no translation into "${lang}".`,
  noLatest: (d: string, lang: string) => `"${d}" has no translation into "${lang}" that you can see.`,
} as const;

// By code in messages: the pages localise the message, and the code reads the same in every language.
const languageName = (lang: string) => (LANGUAGE_NAMES[lang as TranslationLanguage] ? lang : lang.slice(0, 16));

async function versionFor(db: Db, ref: string, n: number): Promise<{ standard: StandardRow; version: VersionMeta }> {
  const standard = (await standardByRef(db, ref)) ?? (canonicalRef(ref) ? await standardByRef(db, canonicalRef(ref)!) : null);
  if (!standard) throw new NotFound(messages.noStandard(ref));
  const version = await versionByN(db, standard.id, n);
  if (!version) throw new NotFound(messages.noVersion(designation(standard.type, standard.number), n));
  return { standard, version };
}

const englishName = (s: StandardRow, v: VersionMeta) => `${designation(s.type, s.number)} version ${v.n}${v.state === 'published' && v.edition ? ` (${editionLabel(v.edition, v.amendment)})` : ''}`;

/**
 * A translated text's clauses, matched to the English clauses of its version: parsed with the
 * versions' parser (problems by line, 422), named and annex headings read in the translation's
 * language, then every clause paired with the English one of the same ref. A clause on one side only
 * is refused (422 naming the clauses): the anchors must be the same in every language and the
 * side-by-side view pairs every clause, so a partial text would break both.
 */
export async function prepareTranslation(db: Db, englishVersionId: number, name: string, text: string, lineOffset = 0): Promise<TranslatedClause[]> {
  const english = await clausesOf(db, englishVersionId);
  const named = english.filter((c) => c.depth === 1 && !/^\d/.test(c.ref) && !c.ref.startsWith('annex-')).map((c) => c.ref);
  const reader = translationHeadingReader(named);
  const { clauses, problems } = parseClauses(text, lineOffset, { readHeading: reader.read });
  if (problems.length) throw new SourceProblems(problems);
  const matched = matchClauses(english, clauses, reader.labels);
  if ('mismatch' in matched) {
    const m = mismatchMessage(matched.mismatch, name);
    throw new Validation(m, { text: m });
  }
  return matched.clauses;
}

export interface Loaded {
  standard: StandardRow;
  version: VersionMeta;
  id: number;
  replaced: boolean;
}

/**
 * Loads the translation of version n of a standard into a language, replacing the one there was,
 * with its audit event (translation.loaded / translation.replaced) in the same transaction.
 */
export async function loadTranslation(db: Db, clock: Clock, actor: Viewer | null, ref: string, n: number, input: TranslationInput, opts: { sample?: boolean; lineOffset?: number } = {}): Promise<Loaded> {
  const { standard, version } = await versionFor(db, ref, n);
  const clauses = await prepareTranslation(db, version.id, englishName(standard, version), input.text, opts.lineOffset ?? 0);
  const hash = sha256(input.text);
  const saved = await db.transaction(async (trx) => {
    const r = await repo.saveTranslation(
      trx,
      { version_id: version.id, language: input.language, official: input.official, source: input.text, sha256: hash, word_count: countWords(input.text), sample: opts.sample ?? false, created_by: actor?.id ?? null, at: clock.now().toISOString() },
      clauses,
    );
    await appendAudit(trx, clock, {
      actor_id: actor?.id ?? null,
      action: r.replaced ? 'translation.replaced' : 'translation.loaded',
      subject_type: 'version',
      subject_id: version.id,
      data: { ref: standard.ref, n: version.n, language: input.language, official: input.official, sha256: hash, ...(r.replaced ? { previous_sha256: r.replaced.sha256, previously_official: r.replaced.official } : {}) },
    });
    return r;
  });
  return { standard, version, id: saved.id, replaced: saved.replaced !== null };
}

/** Removes the translation of version n into a language, with its audit event; 404 when there is none. */
export async function removeTranslation(db: Db, clock: Clock, actor: Viewer, ref: string, n: number, language: string): Promise<{ standard: StandardRow; version: VersionMeta }> {
  const { standard, version } = await versionFor(db, ref, n);
  const t = await repo.translationOf(db, version.id, language);
  if (!t) throw new NotFound(messages.noTranslation(designation(standard.type, standard.number), n, languageName(language)));
  await db.transaction(async (trx) => {
    if (!(await repo.deleteTranslation(trx, t.id, version.id))) throw new NotFound(messages.noTranslation(designation(standard.type, standard.number), n, languageName(language)));
    await appendAudit(trx, clock, {
      actor_id: actor.id,
      action: 'translation.removed',
      subject_type: 'version',
      subject_id: version.id,
      data: { ref: standard.ref, n: version.n, language, official: t.official, sha256: t.sha256 },
    });
  });
  return { standard, version };
}

// ---- reading: visibility comes from the standard's detail (the versions the reader may see) ----

export interface TranslationSummary {
  language: TranslationLanguage;
  n: number;
  official: boolean;
  stale: boolean;
  matches: string;
  current_n: number | null;
  updated_at: string;
  sample: boolean;
}

/** The translations of the versions this detail shows (the reader's), with their staleness. */
export function summarise(detail: StandardDetail, metas: readonly repo.TranslationMeta[]): TranslationSummary[] {
  const byN = new Map(detail.versions.map((v) => [v.n, v]));
  return metas
    .filter((t) => byN.has(t.n))
    .map((t) => {
      const s = staleness(byN.get(t.n)!, detail.current);
      return { language: t.language as TranslationLanguage, n: t.n, official: t.official, stale: s.stale, matches: s.matches, current_n: s.currentN, updated_at: t.updated_at, sample: t.sample };
    });
}

export async function translationsOf(db: Db, detail: StandardDetail): Promise<TranslationSummary[]> {
  return summarise(detail, await repo.translationsOfStandard(db, detail.standard.id));
}

export interface TranslationPage {
  version: VersionInfo;
  meta: repo.TranslationMeta & { source: string };
  clauses: TranslatedClause[];
  english: Awaited<ReturnType<typeof clausesOf>>;
  staleness: Staleness;
}

/** A visible version's translation into a language, with the English clauses it renders; 404 when none. */
export async function translationPage(db: Db, detail: StandardDetail, v: VersionInfo, language: TranslationLanguage): Promise<TranslationPage> {
  const meta = await repo.translationOf(db, v.id, language);
  if (!meta) throw new NotFound(messages.noTranslation(detail.standard.designation, v.n, languageName(language)));
  const [clauses, english] = await Promise.all([repo.clausesOfTranslation(db, meta.id), clausesOf(db, v.id)]);
  return { version: v, meta, clauses, english, staleness: staleness(v, detail.current) };
}

export { languageName };
