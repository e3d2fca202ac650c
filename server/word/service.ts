/**
 * The Word documents, as the viewer may see their sources: the redline between two versions (the diff's
 * permissions: an unreleased draft only for those who may read it) and the clean edition of a published
 * version. Knows nothing of Express.
 */
import type { Db } from '../db.ts';
import type { Viewer } from '../auth/viewer.ts';
import { Conflict } from '../errors.ts';
import type { DiffCache } from '../diff/service.ts';
import { pair, versionAt } from '../diff/service.ts';
import versionName from '../http/helpers/version-name.ts';
import * as standards from '../standards/service.ts';
import type { SnapshotSource } from '../standards/snapshot.ts';
import { clausesOf } from '../versions/repo.ts';
import { fileName } from './common.ts';
import { buildEdition } from './edition.ts';
import { buildRedline, ENGLISH_REDLINE, type RedlineWords } from './redline.ts';
import { diffWords } from '../diff/service.ts';
import { isLanguage, t } from '../i18n/index.ts';
import { localise } from '../i18n/messages.ts';

export const messages = {
  notPublished: (designation: string, label: string) => `${designation} "${label}" is not published: only a published edition has a clean Word edition. Its redline against the current edition is on the diff page.`,
};

export interface Ctx {
  db: Db;
  states: SnapshotSource;
  now: Date;
  publicUrl: string;
  files: WordCache;
}

/**
 * Built documents, by everything they are made of: a version's text never changes, so its clauses are
 * named by its id and the rest (labels, dates, states) is in the key. Building a long standard's .docx
 * holds the event loop for a second or more (the docx package writes and zips synchronously): a document
 * is built once, and several requests for it at once wait for the same build. Bounded, least recently
 * used first out.
 */
export class WordCache {
  private files = new Map<string, Promise<Buffer>>();
  constructor(private readonly max = 16) {}

  get(key: string, build: () => Promise<Buffer>): Promise<Buffer> {
    let file = this.files.get(key);
    if (file) this.files.delete(key);
    else {
      file = build();
      file.catch(() => this.files.delete(key));
      if (this.files.size >= this.max) this.files.delete(this.files.keys().next().value!);
    }
    this.files.set(key, file);
    return file;
  }
}

export interface WordFile {
  filename: string;
  body: Buffer;
}

const site = (ctx: Ctx) => ctx.publicUrl.replace(/\/+$/, '');

/** The redline of `from`..`to` (version numbers or "current"). */
/** The redline's words in `lang`: the diff page's for its summary, locales/<lng>/diff.json `redline` for the rest. */
function redlineWords(lang: string): RedlineWords {
  if (lang === 'en' || !isLanguage(lang)) return ENGLISH_REDLINE;
  return { diff: diffWords(lang), r: (key, values) => t(lang, `diff:redline.${key}`, values) };
}

/** The redline of `from`..`to` (version numbers or "current"), its words in `lang` (the page's; the API's English). */
export async function redline(ctx: Ctx, cache: DiffCache, viewer: Viewer | null, ref: string, fromEnd: string, toEnd: string, lang = 'en'): Promise<WordFile> {
  const snap = await standards.resolveStandard(ctx.states, ref);
  const detail = standards.standardDetail(snap, viewer, ctx.now);
  const { from, to } = pair(detail, fromEnd, toEnd);
  const [{ diff }, fromClauses, toClauses] = await Promise.all([cache.get(ctx.db, from.id, to.id), clausesOf(ctx.db, from.id), clausesOf(ctx.db, to.id)]);
  const s = detail.standard;
  const meta = {
    designation: s.designation,
    title: s.title,
    fromLabel: localise(lang, versionName(from)),
    toLabel: localise(lang, versionName(to)),
    date: new Date(to.published_at ?? to.created_at).toISOString(),
    draft: from.state !== 'published' || to.state !== 'published',
    url: `${site(ctx)}/standards/${encodeURIComponent(s.ref)}/diff/${from.n}..${to.n}`,
  };
  // one file per language (English keeps the key it had)
  const body = await ctx.files.get(`redline ${from.id} ${to.id} ${JSON.stringify(meta)}${lang === 'en' ? '' : ` ${lang}`}`, () =>
    buildRedline({ ...meta, diff, depths: { from: new Map(fromClauses.map((c) => [c.ref, c.depth])), to: new Map(toClauses.map((c) => [c.ref, c.depth])) }, words: redlineWords(lang) }),
  );
  return { filename: fileName(s.designation, `v${from.n}-to-v${to.n}`, 'redline'), body };
}

/** The clean edition of version `n` (a number or "current"), published ones only. */
export async function edition(ctx: Ctx, viewer: Viewer | null, ref: string, n: string): Promise<WordFile> {
  const snap = await standards.resolveStandard(ctx.states, ref);
  const detail = standards.standardDetail(snap, viewer, ctx.now);
  const v = versionAt(detail, n);
  const s = detail.standard;
  if (v.state !== 'published') throw new Conflict(messages.notPublished(s.designation, versionName(v)));
  const meta = {
    designation: s.designation,
    title: s.title,
    editionLabel: v.edition_label || versionName(v),
    publishedOn: v.published_at ? v.published_at.slice(0, 10) : null,
    inForceFrom: v.in_force_from,
    inForceTo: v.in_force_to,
    url: `${site(ctx)}/standards/${encodeURIComponent(s.ref)}`,
    sample: v.sample,
    summary: v.summary,
  };
  const body = await ctx.files.get(`edition ${v.id} ${JSON.stringify(meta)}`, async () => buildEdition({ ...meta, clauses: await clausesOf(ctx.db, v.id) }));
  return { filename: fileName(s.designation, v.edition_label || `v${v.n}`), body };
}
