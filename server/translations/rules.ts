/**
 * Translations of a version (issue 19 item 2), the pure part: which languages, how a translated text's
 * headings name the English clauses, whether its clauses match the English ones, and whether the
 * English text has changed since (stale). Data in, data out: the unit tests drive it directly.
 */
import { clauseNumber, readHeading, type HeadingInfo, type ParsedClause } from '../versions/parse.ts';
import { editionLabel } from '../versions/edition.ts';

/** The UN languages a translation can be in: all but English, which is the version's own text. */
export const TRANSLATION_LANGUAGES = ['fr', 'es', 'ar', 'ru', 'zh'] as const;
export type TranslationLanguage = (typeof TRANSLATION_LANGUAGES)[number];
export const isTranslationLanguage = (v: unknown): v is TranslationLanguage => typeof v === 'string' && (TRANSLATION_LANGUAGES as readonly string[]).includes(v);

/** Each language's English name (API messages) and writing direction (the translated text's `dir`). */
export const LANGUAGE_NAMES: Record<TranslationLanguage, { english: string; own: string; dir: 'ltr' | 'rtl' }> = {
  fr: { english: 'French', own: 'Français', dir: 'ltr' },
  es: { english: 'Spanish', own: 'Español', dir: 'ltr' },
  ar: { english: 'Arabic', own: 'العربية', dir: 'rtl' },
  ru: { english: 'Russian', own: 'Русский', dir: 'ltr' },
  zh: { english: 'Chinese', own: '中文', dir: 'ltr' },
};

/** "Annex A" as the translations write it; the letter stays Latin, as on the English page. */
const ANNEX_WORD = /^(Annex|Annexe|Anexo|Приложение|الملحق|المرفق|附录|附件)(?:[ \t]+|(?<=附录|附件))([A-Z])(?![\p{L}\p{N}])[ \t]*[:.\-–—]?[ \t]*(.*)$/u;
/** `# Avant-propos {#foreword}`: the English ref named by hand. */
const EXPLICIT = /^(.*?)[ \t]*\{#([^}\s]+)\}$/;

/** The depth and parent a ref implies, as readHeading would read its English heading. */
function shapeOf(ref: string): HeadingInfo | string {
  if (/^\d/.test(ref)) return readHeading(ref, 1);
  const m = /^annex-([a-z])(?:\.(\d+(?:\.\d+)*))?$/.exec(ref);
  if (m) return m[2] ? readHeading(`${m[1]!.toUpperCase()}.${m[2]}`, 2) : readHeading(`Annex ${m[1]!.toUpperCase()}`, 1);
  if (/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(ref)) return { ref, heading: '', depth: 1, parent: null };
  return `"{#${ref}}" does not name a clause: write it as {#foreword}, {#4.2} or {#annex-a}.`;
}

export interface HeadingReader {
  read: (title: string, level: number) => HeadingInfo | string;
  /** the number of each clause as the translation writes it ("Annexe A"), where it differs from the English */
  labels: Map<string, string>;
}

/**
 * How the parser reads a translation's headings. Numbered clauses (`## 4.2 Marquage`) and annex
 * clauses (`## A.1 …`) are read as in English. Named level-1 headings (Foreword, Introduction,
 * Bibliography…) are matched in order to the English version's named clauses, since their names are
 * translated; `{#ref}` at the end of a heading names the English clause by hand. "Annexe A", "Anexo A",
 * "Приложение A", "الملحق A", "附录A" start annexes.
 */
export function translationHeadingReader(englishNamed: readonly string[]): HeadingReader {
  const labels = new Map<string, string>();
  let named = 0;
  const read = (title: string, level: number): HeadingInfo | string => {
    const ex = EXPLICIT.exec(title);
    if (ex) {
      const shape = shapeOf(ex[2]!);
      // a named clause named by hand puts the order back in step: the next named heading is the one after it
      const at = englishNamed.indexOf(ex[2]!);
      if (at >= 0 && level === 1) named = at + 1;
      return typeof shape === 'string' ? shape : { ...shape, heading: ex[1]!.trim() };
    }
    const annex = ANNEX_WORD.exec(title);
    if (annex && level === 1) {
      const ref = `annex-${annex[2]!.toLowerCase()}`;
      labels.set(ref, `${annex[1]} ${annex[2]}`);
      return { ref, heading: annex[3]!.trim(), depth: 1, parent: null };
    }
    if (level === 1 && !/^\d/.test(title) && !/^[A-Z]\.\d/.test(title)) {
      named++;
      return { ref: englishNamed[named - 1] ?? `~named-${named}`, heading: title.trim(), depth: 1, parent: null };
    }
    return readHeading(title, level);
  };
  return { read, labels };
}

export interface EnglishClause {
  ref: string;
  heading: string;
  key: string;
  position: number;
}

export interface TranslatedClause {
  ref: string;
  label: string;
  heading: string;
  text: string;
  depth: number;
  position: number;
  key: string;
}

export interface ClauseMismatch {
  /** English clauses the translation does not have */
  missing: string[];
  /** translated headings with no English clause, with their lines */
  extra: string[];
}

// Clause numbers as the English page writes them; a named clause by its heading in ‘’ (the message
// quotes the whole list in "" so that pages can translate it: server/i18n/messages.ts).
const nameOf = (c: { ref: string; heading: string }) => clauseNumber(c.ref) || `‘${c.heading}’`;

/**
 * Pairs each translated clause with the English clause of the same ref, so both have the anchor
 * `#clause-<ref>` and the English key. Every English clause must be translated and every translated
 * clause must have an English counterpart: otherwise the mismatch names them.
 */
export function matchClauses(english: readonly EnglishClause[], translated: readonly ParsedClause[], labels: ReadonlyMap<string, string> = new Map()): { clauses: TranslatedClause[] } | { mismatch: ClauseMismatch } {
  const byRef = new Map(english.map((c) => [c.ref, c]));
  const have = new Set(translated.map((c) => c.ref));
  const missing = english.filter((c) => !have.has(c.ref)).map(nameOf);
  const extra = translated.filter((c) => !byRef.has(c.ref)).map((c) => `${c.ref.startsWith('~named-') ? `‘${c.heading}’` : nameOf(c)} (line ${c.line})`);
  if (missing.length || extra.length) return { mismatch: { missing, extra } };
  return {
    clauses: translated.map((c) => ({
      ref: c.ref,
      label: labels.get(c.ref) ?? clauseNumber(c.ref),
      heading: c.heading,
      text: c.text,
      depth: c.depth,
      position: c.position,
      key: byRef.get(c.ref)!.key,
    })),
  };
}

export const mismatchMessages = {
  missing: (name: string, missing: string) => `The translation lacks clauses of "${name}": "${missing}". ${mismatchMessages.how}`,
  extra: (name: string, extra: string) => `The translation has clauses that "${name}" does not have: "${extra}". ${mismatchMessages.how}`,
  both: (name: string, missing: string, extra: string) => `The translation lacks clauses of "${name}": "${missing}"; and it has clauses that the English text does not have: "${extra}". ${mismatchMessages.how}`,
  how: 'Every English clause needs its translation, under the same number; a named heading can say which English clause it renders with {#ref}, as in "# Avant-propos {#foreword}".',
} as const;

/** The message of a mismatch, for the 422 (English, as every server message; pages localise it). */
export function mismatchMessage(m: ClauseMismatch, englishName: string): string {
  const missing = m.missing.join(', ');
  const extra = m.extra.join(', ');
  if (m.missing.length && m.extra.length) return mismatchMessages.both(englishName, missing, extra);
  return m.missing.length ? mismatchMessages.missing(englishName, missing) : mismatchMessages.extra(englishName, extra);
}

/** What a version looks like to the staleness rule: its place among the published editions. */
export interface EditionLike {
  n: number;
  state: string;
  edition: number | null;
  amendment: number | null;
  label: string;
  is_current: boolean;
  is_upcoming: boolean;
}

export interface Staleness {
  stale: boolean;
  /** the edition the translation matches, as the flag names it */
  matches: string;
  /** the current edition's n when the English text has changed since: the diff runs from the translated version to it */
  currentN: number | null;
}

export const matchesLabel = (v: Pick<EditionLike, 'edition' | 'amendment' | 'label'>): string => editionLabel(v.edition, v.amendment) || v.label;

/**
 * A translation is stale when it renders a published edition older than the current one: a current
 * edition exists, and the translated version is published, not current and not yet to come. A
 * translation of the current edition, of an edition still to come into force, or of a draft is not
 * stale; nor is anything of a standard with no current edition (withdrawn), which has no "since".
 */
export function staleness(v: EditionLike, current: EditionLike | null): Staleness {
  const stale = Boolean(current) && v.state === 'published' && !v.is_current && !v.is_upcoming && current!.n !== v.n;
  return { stale, matches: matchesLabel(v), currentN: stale ? current!.n : null };
}

/**
 * The translation to show at /standards/{ref}/translations/{lang}: of the versions the reader can see
 * that have one in that language, the current edition's; else the latest published edition in force
 * before (superseded); else the latest of the rest (an edition still to come, a draft).
 */
export function latestTranslated<V extends EditionLike & { in_force_from: string | null }>(versions: readonly V[], hasTranslation: (v: V) => boolean): V | null {
  const withOne = versions.filter(hasTranslation);
  const current = withOne.find((v) => v.is_current);
  if (current) return current;
  const before = withOne
    .filter((v) => v.state === 'published' && !v.is_upcoming)
    .sort((a, b) => (a.in_force_from ?? '').localeCompare(b.in_force_from ?? '') || a.n - b.n);
  if (before.length) return before.at(-1)!;
  return [...withOne].sort((a, b) => a.n - b.n).at(-1) ?? null;
}
