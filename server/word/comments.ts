/**
 * The comment report in Word, beside the CSV and XLSX exports: the ISO commenting template's table
 * (the columns of ISO_COLUMNS, in their order) on landscape pages, its header row repeated on each page,
 * and the template's header block (date, document, project) above it.
 */
import type * as D from 'docx';
import { DISPOSITION_LABELS, ISO_COLUMNS, TYPE_CODES, clauseLabel, type SheetComment, type SheetMeta } from '../consultations/sheets.ts';
import { AUTHOR, xmlSafe } from './common.ts';
import { docx, loadDocx, pack } from './pack.ts';

/** Column widths in per cent, in ISO_COLUMNS' order: the comment and proposed change get the room. */
const WIDTHS = [9, 6, 8, 9, 6, 24, 20, 18];

/** "Accepted. Signs are now every 25 m." — the secretariat's observations, as the sheets write them. */
export function observationsOf(c: SheetComment): string {
  if (!c.disposition) return '';
  const label = DISPOSITION_LABELS[c.disposition] ?? c.disposition;
  return c.response ? `${label}. ${c.response}` : label;
}

/** One row of the table, in ISO_COLUMNS' order. */
export function rowOf(c: SheetComment): string[] {
  return [
    c.organisation,
    c.line_number ?? '',
    clauseLabel(c.clause_ref),
    c.paragraph ?? '',
    TYPE_CODES[c.type],
    `${c.comment}${c.withdrawn ? ' (withdrawn)' : ''}\n${c.reference}`,
    c.proposed_change ?? '',
    observationsOf(c),
  ];
}

/** Text with its line breaks kept. */
function lines(text: string, bold = false): D.Paragraph[] {
  const { Paragraph, TextRun } = docx();
  return text.split('\n').map((l) => new Paragraph({ children: [new TextRun({ text: xmlSafe(l), bold: bold || undefined })] }));
}

export async function buildCommentReport(comments: readonly SheetComment[], meta: SheetMeta, title: string): Promise<Buffer> {
  const { Document, Footer, AlignmentType, PageNumber, PageOrientation, Paragraph, Table, TableCell, TableRow, TextRun, WidthType, HeadingLevel } = await loadDocx();
  const cell = (text: string, k: number, bold = false) => new TableCell({ width: { size: WIDTHS[k]!, type: WidthType.PERCENTAGE }, children: lines(text, bold) });
  const table = new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: ISO_COLUMNS.map((h, k) => cell(h, k, true)) }),
      ...comments.map((c) => new TableRow({ children: rowOf(c).map((v, k) => cell(v, k)) })),
    ],
  });
  const doc = new Document({
    creator: AUTHOR,
    title,
    sections: [
      {
        properties: { page: { size: { orientation: PageOrientation.LANDSCAPE } } },
        footers: { default: new Footer({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: [xmlSafe(`${meta.document} — `), 'page ', PageNumber.CURRENT, ' of ', PageNumber.TOTAL_PAGES] })] })] }) },
        children: [
          new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(xmlSafe(title))] }),
          new Paragraph({ children: [new TextRun({ text: 'Date: ', bold: true }), new TextRun(xmlSafe(meta.date)), new TextRun({ text: '    Document: ', bold: true }), new TextRun(xmlSafe(meta.document)), new TextRun({ text: '    Project: ', bold: true }), new TextRun(xmlSafe(meta.project))] }),
          new Paragraph(comments.length ? `${comments.length} ${comments.length === 1 ? 'comment' : 'comments'}. Types: ge = general, te = technical, ed = editorial.` : 'No comments.'),
          table,
        ],
      },
    ],
  });
  return pack(doc);
}
