/**
 * Word (.docx) → the Markdown of a draft (design.md §9): mammoth converts to HTML (its Markdown output
 * is deprecated), sanitize-html keeps only the elements we map, and the heading levels become numbered
 * clauses. Word's automatic heading numbers are not in mammoth's output, so clauses are numbered from
 * the levels (Heading 1 → 1, 2…; Heading 2 → 1.1…); headings typed with their number keep it, named
 * front and back matter (Foreword, Introduction, Bibliography…) stays unnumbered, and "Annex A …"
 * starts an annex whose sub-headings become A.1, A.1.1…
 */
import type sanitizeHtml from 'sanitize-html';
import type * as Htmlparser2 from 'htmlparser2';
import { AppError, Validation } from '../errors.ts';
import { mb, openUploadZip, ZipTooLarge } from '../uploads/zip.ts';
import { MAX_DOCX_UNPACKED } from './validation.ts';

type Node = ReturnType<typeof Htmlparser2.parseDocument>['children'][number];
type Element = Extract<Node, { name: string; attribs: Record<string, string> }>;

export const messages = {
  notDocx: 'This file is not a Word document (.docx). Save it from Word as "Word Document (*.docx)" and upload it again.',
  unreadable: (why: string) => `Word could not be read: ${why}`,
  leftOut: (n: number) => `${n} paragraph${n === 1 ? '' : 's'} before the first heading (a title page, say) ${n === 1 ? 'was' : 'were'} left out.`,
  contents: 'The table of contents was left out: the clauses make their own.',
  images: (n: number) => `${n} image${n === 1 ? ' was' : 's were'} left out: describe ${n === 1 ? 'it' : 'them'} in the text if needed.`,
  noHeadings: 'No headings found: in Word, give clause titles the styles Heading 1, Heading 2, Heading 3….',
  tooLarge: (why: string) => `${why} A Word document may unpack to at most ${mb(MAX_DOCX_UNPACKED)}: remove embedded images or split the document, then try again.`,
} as const;


export interface Converted {
  markdown: string;
  /** what the conversion left out or could not map, for the preview */
  notes: string[];
}

const NAMED = /^(foreword|introduction|bibliography|preface|acknowledge?ments|warning|copyright notice|amendment record|references)$/i;
// The same named headings in the other UN languages, for translations loaded from Word (server/translations/):
// they stay unnumbered as in English, and the translation matches them to the English ones.
const NAMED_TRANSLATED = /^(avant-propos|introduction|bibliographie|prólogo|introducción|bibliografía|предисловие|введение|библиография|تمهيد|مقدمة|المراجع|前言|引言|参考文献)(\s*\{#[^}\s]+\})?$/i;
const isNamed = (title: string) => NAMED.test(title) || NAMED_TRANSLATED.test(title) || /\s*\{#[a-z][a-z0-9-]*\}$/.test(title);
const CONTENTS = /^(table of )?contents$/i;
const ANNEX = /^(annex|annexe|anexo|приложение|الملحق|附录)(?:\s+|(?<=附录))([A-Z])(?![\p{L}\p{N}])[\s:.\-–—]*(.*)$/iu;
const NUMBERED = /^(\d+(?:\.\d+)*)\.?\s+(.+)$/;
const ANNEX_NUMBERED = /^([A-Z])\.(\d+(?:\.\d+)*)\.?\s+(.+)$/;
const BREAK = '\u2028'; // a <br>, until the context decides how to write it

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: ['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'ul', 'ol', 'li', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'strong', 'b', 'em', 'i', 'a', 'br', 'sup', 'sub', 'img'],
  allowedAttributes: { a: ['href'], td: ['colspan'], th: ['colspan'], img: ['alt'] },
  allowedSchemes: ['http', 'https', 'mailto'],
};

/** Converts a .docx file. Throws a 422 (field `file`) when it is not one. */
export async function docxToMarkdown(buffer: Buffer): Promise<Converted> {
  // A .docx is a zip archive: refuse anything else before handing it to the zip reader.
  if (buffer.length < 4 || buffer.readUInt32LE(0) !== 0x04034b50) throw new Validation(messages.notDocx, { file: messages.notDocx });
  await checkUnpackedSize(buffer);
  // Loaded on the first Word upload, not at start (~14 MB of an instance's memory otherwise).
  const { default: mammoth } = await import('mammoth');
  let html: string;
  try {
    // Images are not kept: an empty src avoids base64-encoding each one only to drop it.
    const result = await mammoth.convertToHtml({ buffer }, { convertImage: mammoth.images.imgElement(async () => ({ src: '' })) });
    html = result.value;
  } catch (err) {
    const why = err instanceof Error && /zip|central directory|word\/document/i.test(err.message) ? messages.notDocx : messages.unreadable(String((err as Error)?.message ?? err));
    throw new Validation(why, { file: why });
  }
  return htmlToMarkdown(html);
}

/**
 * mammoth unzips the whole document in memory: a small .docx can unpack to gigabytes. Every part is
 * inflated here first as a stream, its bytes counted, and the file refused (413) as soon as the count
 * passes the cap; a file that is not a zip we can read is not a Word document (422).
 */
async function checkUnpackedSize(buffer: Buffer): Promise<void> {
  let zip: Awaited<ReturnType<typeof openUploadZip>> | undefined;
  try {
    zip = await openUploadZip(buffer, { maxUnpacked: MAX_DOCX_UNPACKED, maxEntries: 10_000 });
    await zip.checkAll();
  } catch (err) {
    if (err instanceof ZipTooLarge) {
      const m = messages.tooLarge(err.message);
      throw new AppError(413, 'too_large', m, { file: m });
    }
    throw new Validation(messages.notDocx, { file: messages.notDocx });
  } finally {
    zip?.close();
  }
}

// sanitize-html and htmlparser2 are loaded on the first conversion, not at start, like mammoth (issue 17,
// memory of an idle instance); DomUtils is set then, before any of the helpers below runs.
let DomUtils: typeof Htmlparser2.DomUtils;
let libs: Promise<{ sanitize: typeof sanitizeHtml; parseDocument: typeof Htmlparser2.parseDocument }> | undefined;
const htmlLibs = () =>
  (libs ??= Promise.all([import('sanitize-html'), import('htmlparser2')]).then(([{ default: sanitize }, parser]) => {
    DomUtils = parser.DomUtils;
    return { sanitize, parseDocument: parser.parseDocument };
  }));

/** Mammoth's HTML → clause Markdown. Pure (once the parsers are loaded). */
export async function htmlToMarkdown(rawHtml: string): Promise<Converted> {
  const { sanitize, parseDocument } = await htmlLibs();
  const doc = parseDocument(sanitize(rawHtml, SANITIZE));
  const blocks: string[] = [];
  const notes: string[] = [];
  const counters: number[] = [];
  let annex: string | null = null;
  const annexCounters: number[] = [];
  let started = false;
  let inContents = false;
  let leftOut = 0;
  let images = 0;

  const heading = (level: number, title: string) => {
    if (!title) return;
    inContents = false;
    if (CONTENTS.test(title)) {
      inContents = true;
      notes.push(messages.contents);
      return;
    }
    started = true;
    let m: RegExpExecArray | null;
    if (isNamed(title)) {
      annex = null;
      blocks.push(`# ${title}`);
    } else if ((m = ANNEX.exec(title))) {
      annex = m[2]!.toUpperCase();
      annexCounters.length = 0;
      // "Annex" as the document writes it (Annexe, Anexo… in a translation)
      const word = /^annex$/i.test(m[1]!) ? 'Annex' : m[1]!;
      blocks.push(`# ${word} ${annex}${m[3] ? ` ${m[3]}` : ''}`);
    } else if (annex && level > 1) {
      if ((m = ANNEX_NUMBERED.exec(title)) && m[1]!.toUpperCase() === annex) {
        // Typed by hand: keep the number and follow it.
        const parts = m[2]!.split('.').map(Number);
        annexCounters.splice(0, annexCounters.length, ...parts);
        blocks.push(`${'#'.repeat(parts.length + 1)} ${annex}.${m[2]} ${m[3]}`);
      } else {
        const depth = level - 1;
        annexCounters.length = depth;
        for (let i = 0; i < depth - 1; i++) annexCounters[i] ??= 0;
        annexCounters[depth - 1] = (annexCounters[depth - 1] ?? 0) + 1;
        blocks.push(`${'#'.repeat(level)} ${annex}.${annexCounters.join('.')} ${title}`);
      }
    } else {
      annex = null;
      if ((m = NUMBERED.exec(title))) {
        const parts = m[1]!.split('.').map(Number);
        counters.splice(0, counters.length, ...parts);
        blocks.push(`${'#'.repeat(Math.min(parts.length, 6))} ${m[1]} ${m[2]}`);
      } else {
        counters.length = level;
        // A skipped level numbers as 0 here; the clause parser then reports it at its line.
        for (let i = 0; i < level - 1; i++) counters[i] ??= 0;
        counters[level - 1] = (counters[level - 1] ?? 0) + 1;
        blocks.push(`${'#'.repeat(level)} ${counters.join('.')} ${title}`);
      }
    }
  };

  const add = (block: string) => {
    if (!block.trim()) return;
    if (inContents) return;
    if (!started) {
      leftOut++;
      return;
    }
    blocks.push(block);
  };

  const visit = (nodes: Node[]) => {
    for (const node of nodes) {
      if (DomUtils.isText(node)) {
        add(paragraph(inline([node])));
        continue;
      }
      if (!DomUtils.isTag(node)) continue;
      const el = node as Element;
      images += DomUtils.getElementsByTagName('img', el, true).length + (el.name === 'img' ? 1 : 0);
      const h = /^h([1-6])$/.exec(el.name);
      if (h) heading(Number(h[1]), collapse(DomUtils.textContent(el)));
      else if (el.name === 'p') add(paragraph(inline(el.children as Node[])));
      else if (el.name === 'ul' || el.name === 'ol') add(list(el, 0).join('\n'));
      else if (el.name === 'table') add(table(el));
      else visit(el.children as Node[]);
    }
  };
  visit(doc.children as Node[]);

  if (leftOut) notes.unshift(messages.leftOut(leftOut));
  if (images) notes.push(messages.images(images));
  if (!started) notes.push(messages.noHeadings);
  return { markdown: blocks.length ? `${blocks.join('\n\n')}\n` : '', notes };
}

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Markdown punctuation in running text is escaped so that Word text never turns into markup. */
const escapeText = (s: string) => s.replace(/([\\`*_[\]])/g, '\\$1');

// Line starts that Markdown would read as a heading, quote, list item, rule or setext underline.
const BLOCK_START = /^(\s*)(#{1,6}(?=\s|$)|>|[-+*](?=\s)|\d+(?=[.)](\s|$))|=+\s*$|-{3,}\s*$)/;
const escapeLineStart = (line: string) => line.replace(BLOCK_START, (_all, pad: string, mark: string) => (/^\d/.test(mark) ? `${pad}${mark}\\` : `${pad}\\${mark}`));

function paragraph(text: string): string {
  return text
    .split(BREAK)
    .map((l) => escapeLineStart(l.trim()))
    .join('\\\n');
}

const SUPERSCRIPT: Record<string, string> = { '2': '²', '3': '³' };

/** Inline content as Markdown; <br> stays as BREAK for the caller to write. */
function inline(nodes: Node[]): string {
  let out = '';
  for (const node of nodes) {
    if (DomUtils.isText(node)) {
      out += escapeText(node.data.replace(/\s+/g, ' '));
      continue;
    }
    if (!DomUtils.isTag(node)) continue;
    const el = node as Element;
    const inner = () => inline(el.children as Node[]);
    switch (el.name) {
      case 'br':
        out += BREAK;
        break;
      case 'strong':
      case 'b':
        out += wrap(inner(), '**');
        break;
      case 'em':
      case 'i':
        out += wrap(inner(), '*');
        break;
      case 'a': {
        const text = inner();
        const href = el.attribs.href;
        // Word's internal links (bookmarks, the contents) point nowhere in the draft: kept as text.
        out += href && /^(https?:|mailto:)/i.test(href) && text.trim() ? `[${text.trim()}](${href.replace(/[()\s]/g, encodeURIComponent)})` : text;
        break;
      }
      case 'sup': {
        const t = collapse(DomUtils.textContent(el));
        out += SUPERSCRIPT[t] ?? escapeText(t);
        break;
      }
      case 'img':
        break;
      case 'p':
      case 'li':
      case 'ul':
      case 'ol':
      case 'table':
      case 'tr':
        // Blocks met inline (a list in a table cell, paragraphs in a cell): kept as running text.
        out += ` ${inner()} `;
        break;
      case 'td':
      case 'th':
        out += ` ${inner()} `;
        break;
      default:
        out += inner();
    }
  }
  return out;
}

/** `**x**` with the spaces outside: Markdown does not read `** x**` as emphasis. */
function wrap(s: string, mark: string): string {
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(s)!;
  return m[2] ? `${m[1]}${mark}${m[2]}${mark}${m[3]}` : s;
}

function list(el: Element, indent: number): string[] {
  const lines: string[] = [];
  let i = 1;
  for (const li of el.children as Node[]) {
    if (!DomUtils.isTag(li) || (li as Element).name !== 'li') continue;
    const marker = el.name === 'ol' ? `${i++}.` : '-';
    const pad = ' '.repeat(indent + marker.length + 1);
    const own: Node[] = [];
    const nested: Element[] = [];
    for (const c of (li as Element).children as Node[]) {
      if (DomUtils.isTag(c) && ((c as Element).name === 'ul' || (c as Element).name === 'ol')) nested.push(c as Element);
      else own.push(c);
    }
    const text = inline(own)
      .split(BREAK)
      .map((l) => escapeLineStart(collapse(l)))
      .join(`\\\n${pad}`);
    lines.push(`${' '.repeat(indent)}${marker}${text ? ` ${text}` : ''}`);
    for (const n of nested) lines.push(...list(n, indent + marker.length + 1));
  }
  return lines;
}

function table(el: Element): string {
  const rows: string[][] = [];
  const own = (tr: Element) => {
    let p = tr.parent;
    while (p && !(DomUtils.isTag(p) && (p as Element).name === 'table')) p = p.parent;
    return p === el;
  };
  for (const tr of DomUtils.getElementsByTagName('tr', el, true).filter((x) => own(x as Element))) {
    // Only the cells of this row, not of a table nested in one of them.
    const cells: string[] = [];
    for (const c of tr.children as Node[]) {
      if (!DomUtils.isTag(c) || !['td', 'th'].includes((c as Element).name)) continue;
      const text = collapse(inline((c as Element).children as Node[]).split(BREAK).join(' ')).replace(/\|/g, '\\|');
      cells.push(text);
      const span = Number((c as Element).attribs.colspan ?? 1);
      for (let k = 1; k < Math.min(span, 50); k++) cells.push('');
    }
    if (cells.length) rows.push(cells);
  }
  if (!rows.length) return '';
  const width = Math.max(...rows.map((r) => r.length));
  const line = (r: string[]) => `| ${[...r, ...Array(width - r.length).fill('')].join(' | ')} |`;
  // GFM tables need a header row: the first row of the Word table is taken as it.
  return [line(rows[0]!), `|${' --- |'.repeat(width)}`, ...rows.slice(1).map(line)].join('\n');
}
