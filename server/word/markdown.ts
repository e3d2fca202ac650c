/**
 * A clause body (Markdown) as Word blocks, read with markdown-it's tokens (the parser the pages use):
 * paragraphs, bullet and numbered lists (nested), tables, block quotes, code; bold, italics, inline
 * code and links within a paragraph. Raw HTML is kept as text, as on the pages.
 */
import MarkdownIt from 'markdown-it';
type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];
import type * as D from 'docx';
import { isSafeLink } from '../versions/render.ts';
import { xmlSafe } from './common.ts';
import { docx } from './pack.ts';

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

type Block = D.Paragraph | D.Table;
type ParagraphChild = D.ParagraphChild;

interface Style {
  bold: boolean;
  italics: boolean;
  code: boolean;
}

/** The inline children of one paragraph. */
function inline(tokens: readonly Token[] | null): ParagraphChild[] {
  const { ExternalHyperlink, TextRun } = docx();
  const out: ParagraphChild[] = [];
  const style: Style = { bold: false, italics: false, code: false };
  let link: { href: string; runs: D.TextRun[] } | null = null;
  const add = (text: string, extra: Partial<Style> = {}, br = false) => {
    const s = { ...style, ...extra };
    const run = new TextRun({ text: xmlSafe(text), bold: s.bold || undefined, italics: s.italics || undefined, ...(s.code ? { font: 'Consolas' } : {}), ...(br ? { break: 1 } : {}) });
    if (link) link.runs.push(run);
    else out.push(run);
  };
  for (const t of tokens ?? []) {
    switch (t.type) {
      case 'text': add(t.content); break;
      case 'code_inline': add(t.content, { code: true }); break;
      case 'softbreak': add(' '); break;
      case 'hardbreak': add('', {}, true); break;
      case 'strong_open': style.bold = true; break;
      case 'strong_close': style.bold = false; break;
      case 'em_open': style.italics = true; break;
      case 'em_close': style.italics = false; break;
      case 'link_open': {
        const href = String(t.attrGet('href') ?? '');
        link = { href, runs: [] };
        break;
      }
      case 'link_close':
        if (link) {
          const { href, runs } = link;
          link = null;
          if (/^https?:\/\//i.test(href) && isSafeLink(href)) out.push(new ExternalHyperlink({ link: href, children: runs }));
          else out.push(...runs);
        }
        break;
      case 'image': add(`[${t.content || 'image'}]`); break;
      case 'html_inline': add(t.content); break;
      default: if (t.content) add(t.content);
    }
  }
  return out;
}

/** The Word blocks of a Markdown text (once ./pack.ts has loaded the docx package). */
export function markdownBlocks(text: string): Block[] {
  const { Paragraph, TextRun } = docx();
  const tokens = md.parse(text, {});
  const out: Block[] = [];
  let i = 0;
  // where the paragraphs now being read go: a list item (bullet/numbered, level) or a quote
  const lists: { ordered: boolean; n: number }[] = [];
  let quote = 0;
  const paragraph = (children: ParagraphChild[]) => {
    const list = lists.at(-1);
    if (list) {
      const level = lists.length - 1;
      if (list.ordered) {
        // numbers written out: numbering definitions would restart or run on in ways a reader cannot check
        out.push(new Paragraph({ indent: { left: 360 * (level + 1), hanging: 360 }, children: [new TextRun(`${list.n}.\t`), ...children] }));
      } else out.push(new Paragraph({ bullet: { level: Math.min(level, 8) }, children }));
      return;
    }
    out.push(new Paragraph({ ...(quote ? { indent: { left: 720 } } : {}), children }));
  };
  while (i < tokens.length) {
    const t = tokens[i]!;
    switch (t.type) {
      case 'paragraph_open':
      case 'heading_open': {
        const inl = tokens[i + 1]!;
        paragraph(inline(inl.children));
        i += 3;
        continue;
      }
      case 'bullet_list_open': lists.push({ ordered: false, n: 0 }); break;
      case 'ordered_list_open': lists.push({ ordered: true, n: Number(t.attrGet('start') ?? 1) - 1 }); break;
      case 'bullet_list_close':
      case 'ordered_list_close': lists.pop(); break;
      case 'list_item_open': if (lists.at(-1)) lists.at(-1)!.n++; break;
      case 'blockquote_open': quote++; break;
      case 'blockquote_close': quote--; break;
      case 'fence':
      case 'code_block':
        for (const line of t.content.replace(/\n$/, '').split('\n')) out.push(new Paragraph({ children: [new TextRun({ text: xmlSafe(line), font: 'Consolas' })] }));
        break;
      case 'hr': out.push(new Paragraph({ border: { bottom: { style: 'single', size: 6, color: '999999', space: 1 } }, children: [] })); break;
      case 'html_block': paragraph([new TextRun(xmlSafe(t.content.trimEnd()))]); break;
      case 'table_open': {
        const end = tokens.findIndex((x, k) => k > i && x.type === 'table_close');
        out.push(table(tokens.slice(i, end + 1)));
        i = end + 1;
        continue;
      }
    }
    i++;
  }
  return out;
}

function table(tokens: readonly Token[]): D.Table {
  const { Paragraph, Table, TableCell, TableRow, WidthType } = docx();
  const rows: { header: boolean; cells: ParagraphChild[][] }[] = [];
  let header = false;
  for (const t of tokens) {
    if (t.type === 'thead_open') header = true;
    if (t.type === 'thead_close') header = false;
    if (t.type === 'tr_open') rows.push({ header, cells: [] });
    if (t.type === 'inline') rows.at(-1)?.cells.push(inline(t.children));
  }
  const width = Math.max(1, ...rows.map((r) => r.cells.length));
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: rows.map(
      (r) =>
        new TableRow({
          ...(r.header ? { tableHeader: true } : {}),
          children: Array.from({ length: width }, (_, k) => new TableCell({ children: [new Paragraph({ children: r.cells[k] ?? [] })] })),
        }),
    ),
  });
}
