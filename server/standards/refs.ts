/**
 * How a standard is named and found. The ref is the URL key (design.md §3): the number for IMAS
 * (`07.11`), `tnma-12.10-01` for TNMA 12.10/01, `tep-07.31-01-2022` for T&EP 07.31/01/2022.
 */
export const STANDARD_TYPES = ['IMAS', 'TNMA', 'T&EP'] as const;
export type StandardType = (typeof STANDARD_TYPES)[number];

export const NUMBER_FORMATS: Record<StandardType, RegExp> = {
  IMAS: /^\d{2}\.\d{2}$/,
  TNMA: /^\d{2}\.\d{2}\/\d{2}$/,
  'T&EP': /^\d{2}\.\d{2}\/\d{2}\/\d{4}$/,
};

export function refFor(type: StandardType, number: string): string {
  if (type === 'IMAS') return number;
  const prefix = type === 'TNMA' ? 'tnma' : 'tep';
  return `${prefix}-${number.replace(/\//g, '-')}`;
}

export function designation(type: StandardType, number: string): string {
  return `${type} ${number}`;
}

/** The series a document belongs to: the first two digits of its number (its parent IMAS's series). */
export function seriesOf(number: string): string {
  return number.slice(0, 2);
}

/**
 * Reads the spellings people use (`07-11`, `IMAS 07.11`, `imas-07-11`, `TNMA 12.10/01`,
 * `T&EP 07.31/01/2022`) and returns the canonical ref, or null when it names no standard's form.
 */
export function canonicalRef(input: string): string | null {
  const s = input.trim().toLowerCase().replace(/\s+/g, ' ');
  const m = /^(imas|tnma|t&ep|tep|t&amp;ep)?[ _-]?(\d{2})[.\-_ ]?(\d{2})(?:[./\-_ ](\d{2}))?(?:[./\-_ ](\d{4}))?$/.exec(s);
  if (!m) return null;
  const [, kind, a, b, serial, year] = m;
  const base = `${a}.${b}`;
  if (year) return kind && kind !== 'tep' && kind !== 't&ep' && kind !== 't&amp;ep' ? null : serial ? `tep-${base}-${serial}-${year}` : null;
  if (serial) return kind && kind !== 'tnma' ? null : `tnma-${base}-${serial}`;
  return kind && kind !== 'imas' ? null : base;
}
