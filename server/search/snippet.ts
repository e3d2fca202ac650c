/**
 * Snippets as HTML (issue 15 item 1). The engines mark hits with two control characters, START and STOP,
 * that never occur in a clause (the parser drops control characters); here the text is escaped first and
 * only then are the marks turned into <mark> elements, so markup in a clause stays text. Pure.
 */
export const START = '\u0002';
export const STOP = '\u0003';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Escaped HTML with the marked stretches in <mark>; unbalanced marks are closed at the end. */
export function markedHtml(marked: string): string {
  let open = false;
  let out = '';
  for (const part of marked.split(/([\u0002\u0003])/)) {
    if (part === START) {
      if (!open) out += '<mark>';
      open = true;
    } else if (part === STOP) {
      if (open) out += '</mark>';
      open = false;
    } else {
      out += escapeHtml(part);
    }
  }
  return open ? `${out}</mark>` : out;
}

/** Plain text of a marked snippet (the API gives both). */
export function plainText(marked: string): string {
  return marked.replace(/[\u0002\u0003]/g, '');
}

/**
 * Marks the words of `words` (already lower-case letters and digits) and their longer forms in `text`,
 * and cuts a window of about `width` characters around the first hit: the comments' snippets, which are
 * found without a full-text index.
 */
export function markWords(text: string, words: string[], width = 240): string {
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  if (!words.length) return flat.slice(0, width);
  const pattern = new RegExp(`(${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})[\\p{L}\\p{N}]*`, 'giu');
  const first = flat.search(pattern);
  const from = first > width / 3 ? first - Math.floor(width / 3) : 0;
  let cut = flat.slice(from, from + width);
  if (from > 0) cut = `…${cut}`;
  if (from + width < flat.length) cut = `${cut}…`;
  return cut.replace(pattern, (m) => `${START}${m}${STOP}`);
}
