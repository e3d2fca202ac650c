/**
 * Loads the sample translations in standards/<ref>/translations/*.md (beside the English texts, which
 * the standards' loader reads from standards/<ref>/*.md): one file per translation, with front matter
 * naming the English version it renders. Idempotent: a translation already loaded with the same text
 * is left alone; another text replaces it. Like the versions loaded from standards/, these are data
 * loaded at set-up, not a secretariat's act: no audit event.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import type { Db } from '../db.ts';
import type { Clock } from '../clock.ts';
import { splitFrontMatter } from '../standards/loader.ts';
import { standardByRef } from '../standards/repo.ts';
import { versionByN } from '../versions/repo.ts';
import { countWords } from '../versions/parse.ts';
import { sha256, SourceProblems } from '../versions/service.ts';
import { AppError } from '../errors.ts';
import * as repo from './repo.ts';
import { prepareTranslation } from './service.ts';
import { TRANSLATION_LANGUAGES } from './rules.ts';

export interface TranslationsReport {
  added: number;
  unchanged: number;
  errors: string[];
}

const frontMatter = z
  .object({
    version: z.number().int().positive(),
    language: z.enum(TRANSLATION_LANGUAGES),
    official: z.boolean().optional(),
    sample: z.boolean().optional(),
  })
  .strict();

export async function loadTranslations(db: Db, clock: Clock, dir: string): Promise<TranslationsReport> {
  const report: TranslationsReport = { added: 0, unchanged: 0, errors: [] };
  if (!fs.existsSync(dir)) return report;
  const rel = (f: string) => path.relative(process.cwd(), f) || f;
  for (const ref of fs.readdirSync(dir).sort()) {
    const folder = path.join(dir, ref, 'translations');
    if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) continue;
    for (const file of fs.readdirSync(folder).filter((f) => f.endsWith('.md')).sort()) {
      const full = path.join(folder, file);
      try {
        const { yaml, body, bodyOffset } = splitFrontMatter(fs.readFileSync(full, 'utf8'));
        const fm = frontMatter.parse(YAML.parse(yaml));
        const standard = await standardByRef(db, ref);
        if (!standard) throw new Error(`there is no standard "${ref}" in the catalogue`);
        const version = await versionByN(db, standard.id, fm.version);
        if (!version) throw new Error(`${ref} has no version ${fm.version}`);
        const existing = await repo.translationOf(db, version.id, fm.language);
        if (existing && existing.sha256 === sha256(body)) {
          report.unchanged++;
          continue;
        }
        const clauses = await prepareTranslation(db, version.id, `${ref} version ${fm.version}`, body, bodyOffset);
        await db.transaction((trx) =>
          repo.saveTranslation(
            trx,
            { version_id: version.id, language: fm.language, official: fm.official ?? false, source: body, sha256: sha256(body), word_count: countWords(body), sample: fm.sample ?? false, created_by: null, at: clock.now().toISOString() },
            clauses,
          ),
        );
        report.added++;
      } catch (err) {
        const line = err instanceof SourceProblems ? err.problems[0]!.line : (err as { line?: number }).line ?? 1;
        const msg = err instanceof SourceProblems ? err.problems.map((p) => p.message).join('; ') : err instanceof z.ZodError ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : err instanceof AppError ? err.message : (err as Error).message;
        report.errors.push(`${rel(full)}:${line}: ${msg}`);
      }
    }
  }
  return report;
}
