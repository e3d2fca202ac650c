/**
 * Server-side messages in the reader's language. Validation and error messages are written in English
 * in code, and stay English in the API (its clients match on `error` codes, not on words); a page shows
 * them through localise(), which looks the message up in locales/<lng>/messages/*.json — one file per
 * area, mapping the English message to its translation. Values inside a message (numbers, and anything
 * in double quotes: a name, a reference, what was typed) are taken out before the lookup and put back
 * after it, so "Use at most 5,000 characters." is found under "Use at most {{n0}} characters.".
 * Three more kinds of value are recognised without quotes, so English keeps its wording: a designation
 * ("IMAS 07.11", "TNMA 12.10/01", "T&EP 07.31/01/2022" → {{d0}}, kept as written in every language) and a
 * date as the English pages write it ("16 January 2026", "16 January 2026, 12:00 UTC" → {{t0}}, written
 * again in the reader's language).
 * A message with no translation is shown in English (never an empty field).
 */
import fs from 'node:fs';
import path from 'node:path';
import { LANGUAGES, localesDir, type Language } from './index.ts';
import { formatDate, formatDateTime } from './format.ts';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DESIGNATION = String.raw`(?:IMAS|TNMA|T&EP) \d{2}\.\d{2}(?:/\d{2}(?:/\d{4})?)?(?!\d|\.\d)`;
const LONG_DATE = String.raw`\b\d{1,2} (?:${MONTHS.join('|')}) \d{4}(?:,? \d{2}:\d{2} UTC)?`;
const VALUE = new RegExp(String.raw`"[^"\n]*"|${DESIGNATION}|${LONG_DATE}|\d(?:[\d,.]*\d)?`, 'g');
const IS_DESIGNATION = new RegExp(`^${DESIGNATION}$`);
const IS_DATE = new RegExp(`^${LONG_DATE}$`);

type Kind = 'n' | 'q' | 'd' | 't';
const kindOf = (v: string): Kind => (v.startsWith('"') ? 'q' : IS_DESIGNATION.test(v) ? 'd' : IS_DATE.test(v) ? 't' : 'n');

/** The message with its values taken out: its key in the catalogues, and the values in order. */
export function messagePattern(text: string): { key: string; values: string[] } {
  const values: string[] = [];
  const count: Record<Kind, number> = { n: 0, q: 0, d: 0, t: 0 };
  const key = text.replace(VALUE, (v) => {
    values.push(v);
    const kind = kindOf(v);
    const slot = `{{${kind}${count[kind]++}}}`;
    return kind === 'q' ? `"${slot}"` : slot;
  });
  return { key, values };
}

/** "16 January 2026" (and ", 12:00 UTC") as the reader's language writes it. */
function dateIn(lng: string, english: string): string {
  const m = /^(\d{1,2}) (\w+) (\d{4})(?:,? (\d{2}:\d{2}) UTC)?$/.exec(english);
  if (!m) return english;
  const iso = `${m[3]}-${String(MONTHS.indexOf(m[2]!) + 1).padStart(2, '0')}-${m[1]!.padStart(2, '0')}`;
  return m[4] ? formatDateTime(lng, `${iso}T${m[4]}:00Z`) : formatDate(lng, iso);
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
  return lookup(lng, table, text) ?? withReason(lng, table, text) ?? text;
}

/** The translation of a whole message, its values put back; undefined when the catalogue lacks it. */
function lookup(lng: string, table: Map<string, string>, text: string): string | undefined {
  const direct = table.get(text);
  if (direct !== undefined) return direct;
  const { key, values } = messagePattern(text);
  const found = table.get(key);
  return found === undefined ? undefined : fill(lng, table, found, values);
}

/**
 * "\"Draft 4\" cannot be published: Its ballot closed without a quorum.": a message that ends with another
 * message (the reason) after a colon is found under its first part and {{m0}}, the reason translated
 * by itself.
 */
function withReason(lng: string, table: Map<string, string>, text: string): string | undefined {
  for (let i = text.indexOf(': '); i > 0; i = text.indexOf(': ', i + 2)) {
    const { key, values } = messagePattern(text.slice(0, i));
    const found = table.get(`${key}: {{m0}}`);
    if (found !== undefined) return fill(lng, table, found, values, localise(lng, text.slice(i + 2)));
  }
  return undefined;
}

function fill(lng: string, table: Map<string, string>, pattern: string, values: string[], reason = ''): string {
  const byKind: Record<Kind, string[]> = { n: [], q: [], d: [], t: [] };
  for (const v of values) {
    const kind = kindOf(v);
    // A quoted value that is itself a message of ours (a version's label: "Edition 2 Amendment 1") is
    // translated too; a name or what someone typed is put back as it is.
    byKind[kind].push(kind === 'q' ? (lookup(lng, table, v.slice(1, -1)) ?? v.slice(1, -1)) : kind === 't' ? dateIn(lng, v) : v);
  }
  return pattern.replace(/\{\{([nqdtm])(\d+)\}\}/g, (_m, kind: Kind | 'm', i: string) => (kind === 'm' ? reason : (byKind[kind][Number(i)] ?? '')));
}
