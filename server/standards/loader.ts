/**
 * Loads standards/ (catalogue.yaml and the sample texts) into the database. Idempotent: what is
 * already there with the same text is left alone. A bad file is reported by name and line and
 * nothing of it (nor of the versions after it, which are based on it) is loaded.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML, { LineCounter } from 'yaml';
import { z } from 'zod';
import type { Db } from '../db.ts';
import { type Clock, utcDay } from '../clock.ts';
import { createVersion, sha256, SourceProblems } from '../versions/service.ts';
import { versionByN } from '../versions/repo.ts';
import { insertConsultation } from '../consultations/repo.ts';
import { engineFor } from '../search/engine.ts';
import * as repo from './repo.ts';
import { NUMBER_FORMATS, refFor, seriesOf, STANDARD_TYPES } from './refs.ts';
import { isValidDay } from '../time.ts';

export interface LoadReport {
  standardsAdded: number;
  standardsUpdated: number;
  versionsAdded: number;
  versionsUnchanged: number;
  consultationsAdded: number;
  /** `standards/07.11/02-x.md:34: message` */
  errors: string[];
}

const dayString = z
  .union([z.string(), z.date()])
  .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v))
  .refine(isValidDay, 'must be a date written YYYY-MM-DD');
const instant = z
  .union([z.string(), z.date()])
  .transform((v) => (v instanceof Date ? v.toISOString() : new Date(v).toISOString()))
  .catch('invalid')
  .refine((v) => v !== 'invalid', 'must be a date and time such as 2026-10-01T00:00:00Z');

const documentSchema = z
  .object({
    type: z.enum(STANDARD_TYPES),
    number: z.string(),
    title: z.string().min(1).max(300),
    title_unconfirmed: z.boolean().optional(),
    withdrawn_on: dayString.optional(),
    replaced_by: z.string().optional(),
  })
  .strict()
  .refine((d) => NUMBER_FORMATS[d.type].test(d.number), { message: 'number does not have the form of its type (IMAS 07.11, TNMA 12.10/01, T&EP 07.31/01/2022)', path: ['number'] });

const catalogueSchema = z
  .object({
    series: z.record(z.string().regex(/^\d{2}$/), z.string().min(1)),
    documents: z.array(documentSchema).min(1),
  })
  .strict();

const frontMatterSchema = z
  .object({
    label: z.string().min(1).max(200),
    state: z.enum(['published', 'draft']),
    edition: z.number().int().positive().optional(),
    amendment: z.number().int().min(0).optional(),
    published: dayString.optional(),
    in_force_from: dayString.optional(),
    summary: z.string().max(4000).optional(),
    sample: z.boolean().optional(),
    consultation: z
      .object({ opens_at: instant, closes_at: instant, instructions: z.string().max(4000).optional() })
      .strict()
      .refine((c) => c.opens_at < c.closes_at, 'closes_at must be after opens_at')
      .optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (f.state === 'published') {
      for (const k of ['edition', 'published', 'in_force_from'] as const) {
        if (f[k] === undefined) ctx.addIssue({ code: 'custom', path: [k], message: 'is required for a published version' });
      }
      if (f.consultation) ctx.addIssue({ code: 'custom', path: ['consultation'], message: 'only drafts are put out for consultation' });
    }
  });

type FrontMatter = z.infer<typeof frontMatterSchema>;

/** The front matter as of `today` (the loader's clock): a publication date lies in the past. */
function frontMatterOn(today: string) {
  return frontMatterSchema.superRefine((f, ctx) => {
    if (f.published !== undefined && f.published > today) {
      ctx.addIssue({ code: 'custom', path: ['published'], message: `${f.published} is after today (${today}); a version is published before it comes into force, so only in_force_from may lie in the future` });
    }
  });
}

class FileError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

/** Line of a top-level key (or its child) in YAML text, for messages about a field. */
function lineOfPath(doc: YAML.Document, counter: LineCounter, pathParts: (string | number)[]): number {
  for (let i = pathParts.length; i > 0; i--) {
    const node = doc.getIn(pathParts.slice(0, i), true) as { range?: [number, number, number] } | undefined;
    if (node && node.range) return counter.linePos(node.range[0]).line;
  }
  return 1;
}

function parseYaml<T>(text: string, schema: z.ZodType<T>, lineOffset: number): T {
  const counter = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter: counter, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new FileError(counter.linePos(e.pos[0]).line + lineOffset, `YAML: ${e.message.split('\n')[0]}`);
  }
  const parsed = schema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.join('.');
    throw new FileError(lineOfPath(doc, counter, issue.path as (string | number)[]) + lineOffset, `${where ? where + ': ' : ''}${issue.message}`);
  }
  return parsed.data;
}

/** Splits `---\nyaml\n---\nbody`; returns the body's line offset so clause errors point at the file. */
export function splitFrontMatter(text: string): { yaml: string; body: string; bodyOffset: number } {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines[0] !== '---') throw new FileError(1, 'The file must start with front matter between two "---" lines.');
  const end = lines.indexOf('---', 1);
  if (end < 0) throw new FileError(1, 'The front matter is never closed with a "---" line.');
  return { yaml: lines.slice(1, end).join('\n'), body: lines.slice(end + 1).join('\n'), bodyOffset: end + 1 };
}

export async function loadStandards(db: Db, clock: Clock, dir: string): Promise<LoadReport> {
  const report: LoadReport = { standardsAdded: 0, standardsUpdated: 0, versionsAdded: 0, versionsUnchanged: 0, consultationsAdded: 0, errors: [] };
  const rel = (f: string) => path.relative(process.cwd(), f) || f;
  const catalogueFile = path.join(dir, 'catalogue.yaml');
  let catalogue: z.infer<typeof catalogueSchema>;
  try {
    catalogue = parseYaml(fs.readFileSync(catalogueFile, 'utf8'), catalogueSchema, 0);
  } catch (err) {
    report.errors.push(`${rel(catalogueFile)}:${err instanceof FileError ? err.line : 1}: ${(err as Error).message}`);
    return report;
  }
  const refs = new Set(catalogue.documents.map((d) => refFor(d.type, d.number)));
  const bad = catalogue.documents.find((d) => d.replaced_by && !refs.has(d.replaced_by));
  if (bad) {
    report.errors.push(`${rel(catalogueFile)}:1: ${bad.number} is replaced by "${bad.replaced_by}", which is not in the catalogue`);
    return report;
  }

  await db.transaction(async (trx) => {
    for (const [code, name] of Object.entries(catalogue.series)) {
      await repo.upsertSeries(trx, code, name);
    }
    for (const d of catalogue.documents) {
      const ref = refFor(d.type, d.number);
      const fields = { type: d.type, number: d.number, title: d.title, title_unconfirmed: d.title_unconfirmed ?? false, series: seriesOf(d.number), withdrawn_on: d.withdrawn_on ?? null };
      const existing = await repo.standardByRef(trx, ref);
      if (!existing) {
        await repo.insertStandard(trx, { ref, ...fields, created_at: clock.now().toISOString() });
        report.standardsAdded++;
      } else if (existing.title !== fields.title || existing.title_unconfirmed !== fields.title_unconfirmed || (existing.withdrawn_on ?? '') !== (fields.withdrawn_on ?? '')) {
        await repo.updateStandard(trx, existing.id, fields);
        report.standardsUpdated++;
      }
    }
    for (const d of catalogue.documents.filter((x) => x.replaced_by)) {
      const self = (await repo.standardByRef(trx, refFor(d.type, d.number)))!;
      const by = (await repo.standardByRef(trx, d.replaced_by!))!;
      await repo.setReplacedBy(trx, self.id, by.id);
    }
  });

  for (const d of catalogue.documents) {
    const ref = refFor(d.type, d.number);
    const folder = path.join(dir, ref);
    if (!fs.existsSync(folder)) continue;
    const standard = (await repo.standardByRef(db, ref))!;
    const files = fs.readdirSync(folder).filter((f) => f.endsWith('.md')).sort();
    let basedOn: number | null = null;
    for (const [i, file] of files.entries()) {
      const full = path.join(folder, file);
      try {
        basedOn = await loadVersionFile(db, clock, standard.id, i + 1, full, basedOn, report);
      } catch (err) {
        const line = err instanceof FileError ? err.line : err instanceof SourceProblems ? err.problems[0]!.line : 1;
        const msg = err instanceof SourceProblems ? err.problems.map((p) => p.message).join('; ') : (err as Error).message;
        report.errors.push(`${rel(full)}:${line}: ${msg}`);
        break; // later versions are based on this one
      }
    }
  }
  if (report.versionsAdded) await engineFor(db).optimize(db);
  return report;
}

async function loadVersionFile(db: Db, clock: Clock, standardId: number, n: number, file: string, basedOn: number | null, report: LoadReport): Promise<number> {
  const text = fs.readFileSync(file, 'utf8');
  const { yaml, body, bodyOffset } = splitFrontMatter(text);
  const fm: FrontMatter = parseYaml(yaml, frontMatterOn(utcDay(clock.now())), 1);
  const existing = await versionByN(db, standardId, n);
  if (existing) {
    if (existing.sha256 !== sha256(body)) {
      throw new FileError(1, `version ${n} is already loaded with another text; a version never changes — add the new text as a new file`);
    }
    report.versionsUnchanged++;
    return existing.id;
  }
  const { id } = await createVersion(
    db,
    clock,
    {
      standardId,
      source: body,
      label: fm.label,
      state: fm.state,
      basedOn,
      edition: fm.edition ?? null,
      amendment: fm.amendment || null,
      publishedAt: fm.published ? `${fm.published}T00:00:00.000Z` : null,
      inForceFrom: fm.in_force_from ?? null,
      summary: fm.summary ?? null,
      imported: fm.state === 'published',
      sample: fm.sample ?? false,
    },
    bodyOffset,
  );
  report.versionsAdded++;
  if (fm.consultation) {
    await db.transaction((trx) =>
      insertConsultation(trx, {
        version_id: id,
        opens_at: fm.consultation!.opens_at,
        closes_at: fm.consultation!.closes_at,
        instructions: fm.consultation!.instructions ?? null,
        created_by: null,
        created_at: clock.now().toISOString(),
      }),
    );
    report.consultationsAdded++;
  }
  return id;
}
