import type { Db } from '../db.ts';
import { BadRequest } from '../errors.ts';
import { clausesOf } from '../versions/repo.ts';
import type { StandardDetail, VersionInfo } from '../standards/service.ts';
import { versionOf } from '../standards/service.ts';
import { diffVersions, englishWords, renderDiffHtml, renderSummaryHtml, type DiffWords, type RenderOptions, type VersionDiff } from './index.ts';
import { isLanguage, localeOf, t } from '../i18n/index.ts';

const messages = {
  badEnd: (s: string) => `"${s}" is not a version: use its number (1, 2, …) or "current".`,
  noCurrent: (d: string) => `${d} has no edition in force today to compare with.`,
  same: 'Pick two different versions to compare.',
};

/** `3`, `current` → the version, as the viewer may see it (404 otherwise). */
export function versionAt(detail: StandardDetail, end: string): VersionInfo {
  if (end === 'current') {
    if (!detail.current) throw new BadRequest(messages.noCurrent(detail.standard.designation));
    return detail.current;
  }
  if (!/^\d{1,6}$/.test(end) || Number(end) < 1) throw new BadRequest(messages.badEnd(end));
  return versionOf(detail, Number(end));
}

export function pair(detail: StandardDetail, from: string, to: string): { from: VersionInfo; to: VersionInfo } {
  const a = versionAt(detail, from);
  const b = versionAt(detail, to);
  if (a.id === b.id) throw new BadRequest(messages.same);
  return { from: a, to: b };
}

/**
 * Diffs per version pair, computed once: a version's text never changes, so the pair of ids names
 * the result for good. Bounded, least recently used first out.
 */
export class DiffCache {
  private diffs = new Map<string, { diff: VersionDiff; html: Map<string, string> }>();
  constructor(private readonly max = 64) {}

  async get(db: Db, fromId: number, toId: number) {
    const k = `${fromId}:${toId}`;
    let entry = this.diffs.get(k);
    if (entry) {
      this.diffs.delete(k);
    } else {
      const [a, b] = await Promise.all([clausesOf(db, fromId), clausesOf(db, toId)]);
      entry = { diff: diffVersions(a, b), html: new Map() };
      if (this.diffs.size >= this.max) this.diffs.delete(this.diffs.keys().next().value!);
    }
    this.diffs.set(k, entry);
    return entry;
  }

  /** The diff's HTML in the reader's language `lang` (kept per language too). */
  async html(db: Db, fromId: number, toId: number, opts: RenderOptions, lang = 'en'): Promise<{ diff: VersionDiff; summary: string; body: string }> {
    const entry = await this.get(db, fromId, toId);
    const words = diffWords(lang);
    const k = `${opts.view}:${opts.changesOnly}:${lang}`;
    let body = entry.html.get(k);
    if (body === undefined) entry.html.set(k, (body = renderDiffHtml(entry.diff, { ...opts, words })));
    let summary = entry.html.get(`summary:${lang}`);
    if (summary === undefined) entry.html.set(`summary:${lang}`, (summary = renderSummaryHtml(entry.diff, words)));
    return { diff: entry.diff, summary, body };
  }
}

/** The diff's words in `lang`: locales/<lng>/diff.json's `html` keys (English: DIFF_WORDS as they are), lists joined as the language does. */
export function diffWords(lang: string): DiffWords {
  if (!isLanguage(lang) || lang === 'en') return englishWords;
  const lists = new Intl.ListFormat(localeOf(lang), { type: 'conjunction' });
  return { t: (key, values) => t(lang, `diff:html.${key}`, values), list: (xs) => lists.format(xs) };
}
