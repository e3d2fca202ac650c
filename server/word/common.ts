/**
 * What the Word documents of this folder share: the type, how clause refs read, file names — without
 * the `docx` package, which ./pack.ts and the builders load (only when a document is built).
 */
import { clauseNumber } from '../versions/parse.ts';

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** The name tracked changes and comments carry in Word's review pane. */
export const AUTHOR = 'imas-review';

/** How a ref reads to people: 4.2, Annex A, A.1, Foreword. */
export function shown(ref: string | null): string {
  if (!ref) return '';
  return clauseNumber(ref) || ref.charAt(0).toUpperCase() + ref.slice(1).replace(/-/g, ' ');
}

/** "7.3 Medical support", "Annex A Records", "Foreword": a clause's heading line as the documents print it. */
export function titleOf(ref: string | null, heading: string): string {
  const number = clauseNumber(ref ?? '');
  return number ? `${number} ${heading}` : heading;
}

/** Characters XML 1.0 cannot carry (control characters other than tab and newline): dropped, or Word refuses the file. */
export function xmlSafe(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}

/** A file name fit for Content-Disposition: IMAS-07.11-edition-2.docx */
export function fileName(...parts: string[]): string {
  return `${parts.map((p) => p.replace(/[^A-Za-z0-9.&-]+/g, '-').replace(/^-+|-+$/g, '')).filter(Boolean).join('-')}.docx`;
}
