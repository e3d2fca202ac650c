/**
 * Comment sheets in the layout of the ISO/IEC commenting template (domain.md §1): read from CSV or
 * XLSX, written as CSV or XLSX in the template's column order. Pure apart from the libraries.
 */
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { clauseNumber } from '../versions/parse.ts';

/** The template's columns, in its order; our own columns follow them. */
export const ISO_COLUMNS = [
  'MB/NC',
  'Line number',
  'Clause/Subclause',
  'Paragraph/Figure/Table',
  'Type of comment',
  'Comments',
  'Proposed change',
  'Observations of the Secretariat',
] as const;
export const EXTRA_COLUMNS = ['Reference', 'Submitted by', 'Disposition', 'Withdrawn', 'Submitted at (UTC)'] as const;

export const MAX_SHEET_ROWS = 2000;

export type SheetField = 'organisation' | 'line_number' | 'clause' | 'paragraph' | 'type' | 'comment' | 'proposed_change';

/** One data row of a sheet, as text, with its row number as the spreadsheet shows it (from 1). */
export interface SheetRow {
  row: number;
  organisation: string;
  line_number: string;
  clause: string;
  paragraph: string;
  type: string;
  comment: string;
  proposed_change: string;
}

export class SheetError extends Error {}

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Which field a header cell names, by the template's wording and the usual variants. */
function fieldOf(header: string): SheetField | 'ignored' | null {
  const h = norm(header);
  if (!h) return null;
  if (['mbnc', 'mb', 'nc', 'memberbody', 'organisation', 'organization', 'org'].includes(h) || h.startsWith('mbnc')) return 'organisation';
  if (h.startsWith('line')) return 'line_number';
  if (h.startsWith('clause') || h === 'subclause') return 'clause';
  if (h.startsWith('paragraph') || h === 'figuretable') return 'paragraph';
  if (h.startsWith('type')) return 'type';
  if (h.startsWith('comment')) return 'comment';
  if (h.startsWith('proposed')) return 'proposed_change';
  if (h.startsWith('observation') || h.startsWith('secretariat')) return 'ignored';
  return null;
}

/** Finds the header row (the template has Date / Document / Project rows above it) and maps its columns. */
function headerOf(rows: string[][]): { at: number; columns: Map<SheetField, number> } | null {
  for (let i = 0; i < Math.min(rows.length, 15); i++) {
    const columns = new Map<SheetField, number>();
    rows[i]!.forEach((cell, j) => {
      const f = fieldOf(cell);
      if (f && f !== 'ignored' && !columns.has(f)) columns.set(f, j);
    });
    if (columns.has('clause') && columns.has('comment')) return { at: i, columns };
  }
  return null;
}

// Our CSV export puts a quote before a leading = + - @ (formula injection): take it off on the way back in.
const unneutralise = (s: string) => (/^'[=+\-@\t\r]/.test(s) ? s.slice(1) : s);

function toRows(table: string[][], rowNumbers: number[]): SheetRow[] {
  const header = headerOf(table);
  if (!header) {
    throw new SheetError('No header row found: the sheet needs the columns of the ISO comment template (at least "Clause/Subclause" and "Comments").');
  }
  const out: SheetRow[] = [];
  for (let i = header.at + 1; i < table.length; i++) {
    const cells = table[i]!;
    if (cells.every((c) => !String(c ?? '').trim())) continue;
    const get = (f: SheetField) => {
      const j = header.columns.get(f);
      return j === undefined ? '' : unneutralise(String(cells[j] ?? '')).trim();
    };
    out.push({
      row: rowNumbers[i]!,
      organisation: get('organisation'),
      line_number: get('line_number'),
      clause: get('clause'),
      paragraph: get('paragraph'),
      type: get('type'),
      comment: get('comment'),
      proposed_change: get('proposed_change'),
    });
    if (out.length > MAX_SHEET_ROWS) throw new SheetError(`The sheet has more than ${MAX_SHEET_ROWS} comments: split it into several sheets.`);
  }
  if (!out.length) throw new SheetError('The sheet has a header row but no comments under it.');
  return out;
}

/** Reads a CSV sheet (comma, semicolon or tab separated, UTF-8 with or without BOM). */
export function readCsv(buf: Buffer): SheetRow[] {
  let lastError: unknown = null;
  // Excel writes semicolons where the decimal mark is a comma: take the delimiter that yields a header.
  for (const delimiter of [',', ';', '\t']) {
    let table: string[][];
    try {
      table = parse(buf, { bom: true, delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false }) as string[][];
    } catch (err) {
      lastError = err;
      continue;
    }
    if (headerOf(table)) return toRows(table, table.map((_, i) => i + 1));
  }
  if (lastError) throw new SheetError(`The CSV file cannot be read: ${(lastError as Error).message}`);
  return toRows([], []);
}

/** Reads the first worksheet of an XLSX workbook. */
export async function readXlsx(buf: Buffer): Promise<SheetRow[]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as never);
  } catch {
    throw new SheetError('The file is not an XLSX workbook that can be read. Save it as .xlsx (Excel 2007 or later) or as CSV.');
  }
  const ws = wb.worksheets[0];
  if (!ws) throw new SheetError('The workbook has no worksheet.');
  const table: string[][] = [];
  const numbers: number[] = [];
  ws.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cells[col - 1] = cell.text ?? '';
    });
    table.push(Array.from(cells, (c) => c ?? ''));
    numbers.push(row.number);
  });
  return toRows(table, numbers);
}

export async function readSheet(buf: Buffer, filename: string, mimetype = ''): Promise<SheetRow[]> {
  // An XLSX file is a ZIP archive: trust its first bytes over its name.
  const isZip = buf.length > 3 && buf[0] === 0x50 && buf[1] === 0x4b;
  if (isZip || /\.xlsx$/i.test(filename) || /spreadsheetml/.test(mimetype)) return readXlsx(buf);
  if (/\.(csv|txt)$/i.test(filename) || /csv|text\/plain/.test(mimetype)) return readCsv(buf);
  throw new SheetError('Upload the sheet as .xlsx or .csv.');
}

/** A comment as the sheets write it. */
export interface SheetComment {
  reference: string;
  organisation: string;
  author_name: string;
  line_number: string | null;
  clause_ref: string | null;
  paragraph: string | null;
  type: 'general' | 'technical' | 'editorial';
  comment: string;
  proposed_change: string | null;
  disposition: string | null;
  response: string | null;
  withdrawn: boolean;
  submitted_at: string;
}

export const TYPE_CODES = { general: 'ge', technical: 'te', editorial: 'ed' } as const;
export const DISPOSITION_LABELS: Record<string, string> = {
  accepted: 'Accepted',
  partially_accepted: 'Partially accepted',
  rejected: 'Rejected',
  noted: 'Noted',
};

/** 4.3, A.1, Annex A, Foreword, General: what a person would type, and what the import reads back. */
export function clauseLabel(ref: string | null): string {
  if (!ref) return 'General';
  const num = clauseNumber(ref);
  return num || ref.charAt(0).toUpperCase() + ref.slice(1);
}

function observations(c: SheetComment): string {
  if (!c.disposition) return '';
  const label = DISPOSITION_LABELS[c.disposition] ?? c.disposition;
  return c.response ? `${label}. ${c.response}` : label;
}

function cellsOf(c: SheetComment): string[] {
  return [
    c.organisation,
    c.line_number ?? '',
    clauseLabel(c.clause_ref),
    c.paragraph ?? '',
    TYPE_CODES[c.type],
    c.comment,
    c.proposed_change ?? '',
    observations(c),
    c.reference,
    c.author_name,
    c.disposition ? DISPOSITION_LABELS[c.disposition] ?? c.disposition : '',
    c.withdrawn ? 'withdrawn' : '',
    c.submitted_at,
  ];
}

/**
 * A spreadsheet opening a CSV runs a cell starting with = + - @ (or a tab or return before one) as a
 * formula: a leading quote makes it text (OWASP, "CSV injection").
 */
export function neutralise(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

export function writeCsv(comments: readonly SheetComment[]): string {
  const rows = [[...ISO_COLUMNS, ...EXTRA_COLUMNS], ...comments.map((c) => cellsOf(c).map(neutralise))];
  // The BOM makes Excel read UTF-8; CRLF is what RFC 4180 and Excel expect.
  return stringify(rows, { bom: true, record_delimiter: 'windows', quoted: true });
}

export async function writeXlsx(comments: readonly SheetComment[], meta: { document: string; date: string; project: string }): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'imas-review';
  const ws = wb.addWorksheet('Comments', { views: [{ state: 'frozen', ySplit: 3 }] });
  // The template's header block, then its column headings.
  ws.addRow(['Date', meta.date, 'Document', meta.document, 'Project', meta.project]);
  ws.addRow([]);
  const head = ws.addRow([...ISO_COLUMNS, ...EXTRA_COLUMNS]);
  head.font = { bold: true };
  for (const c of comments) {
    // Values are written as strings: a cell is a formula only when given as { formula }.
    ws.addRow(cellsOf(c));
  }
  const widths = [18, 8, 12, 14, 8, 60, 60, 50, 12, 20, 18, 10, 22];
  widths.forEach((w, i) => {
    ws.getColumn(i + 1).width = w;
    ws.getColumn(i + 1).alignment = { wrapText: true, vertical: 'top' };
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
