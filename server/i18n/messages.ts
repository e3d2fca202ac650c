/**
 * Server-side messages in the reader's language. Validation and error messages are written in English
 * in code, and stay English in the API (its clients match on `error` codes, not on words); a page shows
 * them through localise(), which looks the message up in locales/<lng>/messages/*.json — one file per
 * area, mapping the English message to its translation. Values inside a message (numbers, and anything
 * in double quotes: a name, a reference, what was typed) are taken out before the lookup and put back
 * after it, so "Use at most 5,000 characters." is found under "Use at most {{n0}} characters.".
 * A message with no translation is shown in English (never an empty field).
 */
import fs from 'node:fs';
import path from 'node:path';
import { LANGUAGES, localesDir, type Language } from './index.ts';

const VALUE = /"[^"\n]*"|\d(?:[\d,.]*\d)?/g;

/** The message with its values taken out: its key in the catalogues, and the values in order. */
export function messagePattern(text: string): { key: string; values: string[] } {
  const values: string[] = [];
  let n = 0;
  let q = 0;
  const key = text.replace(VALUE, (v) => {
    values.push(v);
    return v.startsWith('"') ? `"{{q${q++}}}"` : `{{n${n++}}}`;
  });
  return { key, values };
}

/** locales/<lng>/messages/*.json merged: English pattern → translated pattern. */
export function readMessageCatalogues(dir = localesDir): Record<Language, Map<string, string>> {
  const out = {} as Record<Language, Map<string, string>>;
  for (const lng of LANGUAGES) {
    const m = new Map<string, string>();
    const d = path.join(dir, lng, 'messages');
    if (fs.existsSync(d)) {
      for (const f of fs.readdirSync(d).sort()) {
        if (!f.endsWith('.json')) continue;
        for (const [k, v] of Object.entries(JSON.parse(fs.readFileSync(path.join(d, f), 'utf8')) as Record<string, string>)) m.set(k, v);
      }
    }
    out[lng] = m;
  }
  return out;
}

let catalogues: Record<Language, Map<string, string>> | undefined;

/** `text` (an English message) in `lng`; English when it has no translation. */
export function localise(lng: string, text: unknown): string {
  if (typeof text !== 'string') return text == null ? '' : String(text);
  if (lng === 'en' || !text) return text;
  catalogues ??= readMessageCatalogues();
  const table = catalogues[lng as Language];
  if (!table) return text;
  const direct = table.get(text);
  if (direct !== undefined) return direct;
  const { key, values } = messagePattern(text);
  const found = table.get(key);
  if (found === undefined) return text;
  let n = 0;
  let q = 0;
  const nums = values.filter((v) => !v.startsWith('"'));
  const quoted = values.filter((v) => v.startsWith('"')).map((v) => v.slice(1, -1));
  return found.replace(/\{\{([nq])(\d+)\}\}/g, (_m, kind: string, i: string) => (kind === 'n' ? (nums[Number(i)] ?? nums[n++] ?? '') : (quoted[Number(i)] ?? quoted[q++] ?? '')));
}
