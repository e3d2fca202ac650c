/**
 * Comment sheets in the layout of the ISO/IEC commenting template (domain.md §1): read from CSV or
 * XLSX, written as CSV or XLSX in the template's column order. Pure apart from the libraries.
 *
 * An upload is read as a stream, row by row, and refused as soon as it passes a cap (rows of comments,
 * bytes once unpacked): a small .xlsx can unpack to gigabytes, and reading it whole once took the server
 * down. Between chunks the reading lets the event loop turn, so other requests are answered meanwhile.
 */
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { parse as parseStream } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { stringify as stringifyStream } from 'csv-stringify';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Parser as XmlParser } from 'htmlparser2';
import type { Row, Style } from 'exceljs';
import { clauseNumber } from '../versions/parse.ts';
import { mb, openUploadZip, ZipTooLarge, ZipUnreadable, type UploadZip } from '../uploads/zip.ts';

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

/** Comments in one uploaded sheet: a larger set is uploaded as several sheets. */
export const MAX_SHEET_ROWS = 5000;
/** What an .xlsx may unpack to (the parts we read): a full sheet of long comments is a few MB. */
export const MAX_SHEET_UNPACKED = 50 * 1024 * 1024;
const MAX_ZIP_ENTRIES = 10_000;
/** The header row is looked for in the first rows only (the template has Date / Document / Project rows above it). */
const HEADER_SEARCH_ROWS = 15;

export const messages = {
  noHeader: 'No header row found: the sheet needs the columns of the ISO comment template (at least "Clause/Subclause" and "Comments").',
  noRows: 'The sheet has a header row but no comments under it.',
  tooManyRows: `The sheet has more than ${MAX_SHEET_ROWS.toLocaleString('en')} comments: upload them as several sheets of at most ${MAX_SHEET_ROWS.toLocaleString('en')} each.`,
  notXlsx: 'The file is not an XLSX workbook that can be read. Save it as .xlsx (Excel 2007 or later) or as CSV.',
  noWorksheet: 'The workbook has no worksheet.',
  tooLarge: (why: string) => `${why} A sheet may unpack to at most ${mb(MAX_SHEET_UNPACKED)}: split it into several sheets.`,
  csvUnreadable: (why: string) => `The CSV file cannot be read: ${why}`,
  badType: 'Upload the sheet as .xlsx or .csv.',
} as const;

export type SheetField = 'organisation' | 'line_number' | 'clause' | 'paragraph' | 'type' | 'comment' | 'proposed_change' | 'reference';

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
  /** The receipt (C-3-12) of the comment the row is, from an exported sheet; empty for a new comment. */
  reference: string;
}

/** The sheet cannot be taken as it is (422). */
export class SheetError extends Error {}
/** The sheet unpacks to more than we read (413). */
export class SheetTooLarge extends SheetError {}

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
  if (h === 'reference' || h.startsWith('receipt')) return 'reference';
  if (h.startsWith('observation') || h.startsWith('secretariat')) return 'ignored';
  return null;
}

/** The columns of a header row, or null when the row is not one. Cells may be sparse (an XLSX row). */
function headerColumns(cells: readonly (string | undefined)[]): Map<SheetField, number> | null {
  const columns = new Map<SheetField, number>();
  cells.forEach((cell, j) => {
    const f = fieldOf(String(cell ?? ''));
    if (f && f !== 'ignored' && !columns.has(f)) columns.set(f, j);
  });
  return columns.has('clause') && columns.has('comment') ? columns : null;
}

// Our CSV export puts a quote before a leading = + - @ (formula injection): take it off on the way back in.
const unneutralise = (s: string) => (/^'[=+\-@\t\r]/.test(s) ? s.slice(1) : s);

/**
 * Takes a sheet's rows one at a time, in order: finds the header row, then keeps the comments under it,
 * refusing the sheet at the first row past a cap rather than after reading it all.
 */
export class SheetCollector {
  private columns: Map<SheetField, number> | null = null;
  private before = 0;
  readonly rows: SheetRow[] = [];

  get hasHeader(): boolean {
    return this.columns !== null;
  }

  push(cells: readonly (string | undefined)[], row: number): void {
    if (!this.columns) {
      this.columns = headerColumns(cells);
      if (!this.columns && ++this.before >= HEADER_SEARCH_ROWS) throw new SheetError(messages.noHeader);
      return;
    }
    if (cells.every((c) => !String(c ?? '').trim())) return;
    const columns = this.columns;
    const get = (f: SheetField) => {
      const j = columns.get(f);
      return j === undefined ? '' : unneutralise(String(cells[j] ?? '')).trim();
    };
    if (this.rows.length >= MAX_SHEET_ROWS) throw new SheetError(messages.tooManyRows);
    this.rows.push({
      row,
      organisation: get('organisation'),
      line_number: get('line_number'),
      clause: get('clause'),
      paragraph: get('paragraph'),
      type: get('type'),
      comment: get('comment'),
      proposed_change: get('proposed_change'),
      reference: get('reference'),
    });
  }

  finish(): SheetRow[] {
    if (!this.columns) throw new SheetError(messages.noHeader);
    if (!this.rows.length) throw new SheetError(messages.noRows);
    return this.rows;
  }
}

// Excel writes semicolons where the decimal mark is a comma: take the delimiter that yields a header.
const DELIMITERS = [',', ';', '\t'] as const;
const csvOptions = (delimiter: string) => ({ bom: true, delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false });

/**
 * After one delimiter's attempt: its rows when it found the header and read to the end, null to try the
 * next delimiter (no header row with this one), or the sheet's error once the header was found.
 */
function afterAttempt(into: SheetCollector, err: unknown): SheetRow[] | null {
  if (into.hasHeader) {
    if (err === undefined) return into.finish();
    throw err instanceof SheetError ? err : new SheetError(messages.csvUnreadable((err as Error).message));
  }
  return null;
}

function noDelimiterFits(lastError: unknown): never {
  if (lastError) throw new SheetError(messages.csvUnreadable((lastError as Error).message));
  throw new SheetError(messages.noHeader);
}

/** Reads a CSV sheet held in memory in one go (comma, semicolon or tab separated, UTF-8 with or without BOM). Uploads go through readCsvStream. */
export function readCsv(buf: Buffer): SheetRow[] {
  let lastError: unknown = null;
  for (const delimiter of DELIMITERS) {
    const into = new SheetCollector();
    let err: unknown;
    try {
      (parse(buf, csvOptions(delimiter)) as string[][]).forEach((cells, i) => into.push(cells, i + 1));
    } catch (e) {
      err = e;
      if (!(e instanceof SheetError)) lastError = e;
    }
    const rows = afterAttempt(into, err);
    if (rows) return rows;
  }
  return noDelimiterFits(lastError);
}

const CSV_CHUNK = 16 * 1024;

/**
 * One delimiter's pass over a CSV as a stream: 16 KB written to csv-parse's stream parser at a time, its
 * records handed to `into` as they come (within the write), and the event loop let turn between chunks.
 * Throws what stopped it: a cap passed in `into`, or the parser's error.
 */
async function streamCsv(buf: Buffer, delimiter: string, into: SheetCollector): Promise<void> {
  const parser = parseStream(csvOptions(delimiter));
  let failure: unknown;
  let record = 0;
  parser.on('data', (cells: string[]) => {
    if (failure !== undefined) return;
    try {
      into.push(cells, ++record);
    } catch (err) {
      failure = err;
    }
  });
  const done = new Promise<void>((resolve) => {
    parser.on('end', resolve);
    parser.on('error', (err) => {
      failure ??= err;
      resolve();
    });
  });
  for (let at = 0; at < buf.length && failure === undefined; at += CSV_CHUNK) {
    parser.write(buf.subarray(at, at + CSV_CHUNK));
    await nextTurn();
  }
  if (failure === undefined) {
    parser.end();
    await done;
  } else parser.destroy();
  if (failure !== undefined) throw failure;
}

/** Reads a CSV sheet as a stream, 16 KB at a time, refused as soon as a cap is passed; the same rules as readCsv. */
export async function readCsvStream(buf: Buffer): Promise<SheetRow[]> {
  let lastError: unknown = null;
  for (const delimiter of DELIMITERS) {
    const into = new SheetCollector();
    let err: unknown;
    try {
      await streamCsv(buf, delimiter, into);
    } catch (e) {
      err = e;
      if (!(e instanceof SheetError)) lastError = e;
    }
    const rows = afterAttempt(into, err);
    if (rows) return rows;
  }
  return noDelimiterFits(lastError);
}

/** A SAX pass over one part of the workbook, chunk by chunk as it is inflated. */
async function eachXmlEvent(zip: UploadZip, name: string, handlers: ConstructorParameters<typeof XmlParser>[0]): Promise<void> {
  // htmlparser2 is loaded on the first .xlsx read, not at start (issue 17, memory of an idle instance).
  const { Parser } = await import('htmlparser2');
  const parser = new Parser(handlers, { xmlMode: true });
  const text = new StringDecoder('utf8');
  let since = performance.now();
  for await (const chunk of zip.read(name)) {
    parser.write(text.write(chunk));
    if (performance.now() - since > 5) {
      await nextTurn();
      since = performance.now();
    }
  }
  parser.write(text.end());
  parser.end();
}

/** Element and attribute names without their namespace prefix (`x:row` is a `row`). */
const local = (name: string) => name.slice(name.indexOf(':') + 1);

/** An attribute by its local name (called for every cell: no allocation). */
function attr(attribs: Record<string, string>, name: string): string | undefined {
  if (name in attribs) return attribs[name];
  for (const k in attribs) if (k.endsWith(`:${name}`)) return attribs[k];
  return undefined;
}

/** Column number (from 1) of a cell reference such as `C12`; 0 when there is none. */
function columnOf(ref: string | undefined): number {
  const letters = /^([A-Z]{1,3})\d/i.exec(ref ?? '')?.[1]?.toUpperCase();
  if (!letters) return 0;
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/** Where a relationship's target lives in the archive (targets are relative to xl/, or absolute). */
const partOf = (target: string) => (target.startsWith('/') ? target.slice(1) : path.posix.normalize(`xl/${target}`));

/** The first worksheet (in the workbook's tab order) and the shared strings' part. */
async function workbookParts(zip: UploadZip): Promise<{ sheet: string; sharedStrings: string | null }> {
  const rels = new Map<string, { type: string; target: string }>();
  if (zip.has('xl/_rels/workbook.xml.rels')) {
    await eachXmlEvent(zip, 'xl/_rels/workbook.xml.rels', {
      onopentag(name, a) {
        if (local(name) === 'Relationship' && a.Id && a.Target) rels.set(a.Id, { type: a.Type ?? '', target: a.Target });
      },
    });
  }
  let first: string | null | undefined;
  await eachXmlEvent(zip, 'xl/workbook.xml', {
    onopentag(name, a) {
      if (first === undefined && local(name) === 'sheet') first = attr(a, 'id') ?? null;
    },
  });
  if (first === undefined) throw new SheetError(messages.noWorksheet);
  const target = first ? rels.get(first)?.target : undefined;
  const sheet = target ? partOf(target) : 'xl/worksheets/sheet1.xml';
  if (!zip.has(sheet)) throw new SheetError(messages.noWorksheet);
  const sst = [...rels.values()].find((r) => r.type.endsWith('/sharedStrings'));
  const sharedStrings = sst ? partOf(sst.target) : 'xl/sharedStrings.xml';
  return { sheet, sharedStrings: zip.has(sharedStrings) ? sharedStrings : null };
}

/** The shared strings, rich text runs joined; phonetic guides (rPh) left out. */
async function sharedStringsOf(zip: UploadZip, part: string): Promise<string[]> {
  const out: string[] = [];
  let current: string[] | null = null;
  let inText = false;
  let phonetic = 0;
  await eachXmlEvent(zip, part, {
    onopentag(name) {
      const n = local(name);
      if (n === 'si') current = [];
      else if (n === 'rPh') phonetic++;
      else if (n === 't') inText = current !== null && phonetic === 0;
    },
    ontext(data) {
      if (inText) current!.push(data);
    },
    onclosetag(name) {
      const n = local(name);
      if (n === 't') inText = false;
      else if (n === 'rPh') phonetic--;
      else if (n === 'si' && current) {
        out.push(current.join(''));
        current = null;
      }
    },
  });
  return out;
}

/** A cell's text as exceljs's `cell.text` gave it for the values a sheet of comments holds. */
function cellText(type: string, value: string, inline: string, shared: readonly string[]): string {
  switch (type) {
    case 's':
      return shared[Number(value)] ?? '';
    case 'inlineStr':
      return inline;
    case 'b':
      return value === '1' ? 'true' : value === '0' ? 'false' : value;
    case 'str':
    case 'e':
    case 'd':
      return value;
    default: {
      const n = Number(value);
      return value.trim() && Number.isFinite(n) ? String(n) : value;
    }
  }
}

const MAX_COLUMN = 16_384; // XFD, Excel's last column

/** Feeds the rows of a worksheet that hold a value to `into`, as exceljs's eachRow({includeEmpty: false}) did. */
async function sheetRowsInto(zip: UploadZip, part: string, shared: readonly string[], into: SheetCollector): Promise<void> {
  let rowNumber = 0;
  let cells: string[] = [];
  let rowHasValue = false;
  let column = 0;
  let cell: { type: string; value: string[]; inline: string[]; hasValue: boolean } | null = null;
  let reading: 'v' | 't' | null = null;
  let inInline = false;
  let phonetic = 0;
  await eachXmlEvent(zip, part, {
    onopentag(name, a) {
      switch (local(name)) {
        case 'row':
          rowNumber = Number(attr(a, 'r')) || rowNumber + 1;
          cells = [];
          rowHasValue = false;
          column = 0;
          break;
        case 'c':
          column = columnOf(attr(a, 'r')) || column + 1;
          cell = { type: attr(a, 't') ?? 'n', value: [], inline: [], hasValue: false };
          break;
        case 'v':
          if (cell) {
            reading = 'v';
            cell.hasValue = true;
          }
          break;
        case 'is':
          inInline = true;
          if (cell) cell.hasValue = true;
          break;
        case 'rPh':
          phonetic++;
          break;
        case 't':
          if (cell && inInline && !phonetic) reading = 't';
          break;
      }
    },
    ontext(data) {
      if (reading === 'v') cell!.value.push(data);
      else if (reading === 't') cell!.inline.push(data);
    },
    onclosetag(name) {
      switch (local(name)) {
        case 'v':
        case 't':
          reading = null;
          break;
        case 'is':
          inInline = false;
          break;
        case 'rPh':
          phonetic--;
          break;
        case 'c':
          if (cell?.hasValue && column <= MAX_COLUMN) {
            cells[column - 1] = cellText(cell.type, cell.value.join(''), cell.inline.join(''), shared);
            rowHasValue = true;
          }
          cell = null;
          break;
        case 'row':
          if (rowHasValue) into.push(cells, rowNumber);
          break;
      }
    },
  });
}

/** Reads the first worksheet of an XLSX workbook, as a stream. */
export async function readXlsx(buf: Buffer): Promise<SheetRow[]> {
  let zip: UploadZip;
  try {
    zip = await openUploadZip(buf, { maxUnpacked: MAX_SHEET_UNPACKED, maxEntries: MAX_ZIP_ENTRIES });
  } catch (err) {
    throw err instanceof ZipTooLarge ? new SheetTooLarge(messages.tooLarge(err.message)) : new SheetError(messages.notXlsx);
  }
  try {
    if (!zip.has('xl/workbook.xml')) throw new SheetError(messages.notXlsx);
    const parts = await workbookParts(zip);
    const shared = parts.sharedStrings ? await sharedStringsOf(zip, parts.sharedStrings) : [];
    const into = new SheetCollector();
    await sheetRowsInto(zip, parts.sheet, shared, into);
    return into.finish();
  } catch (err) {
    if (err instanceof ZipTooLarge) throw new SheetTooLarge(messages.tooLarge(err.message));
    if (err instanceof ZipUnreadable) throw new SheetError(messages.notXlsx);
    throw err;
  } finally {
    zip.close();
  }
}

export async function readSheet(buf: Buffer, filename: string, mimetype = ''): Promise<SheetRow[]> {
  // An XLSX file is a ZIP archive: trust its first bytes over its name.
  const isZip = buf.length > 3 && buf[0] === 0x50 && buf[1] === 0x4b;
  if (isZip || /\.xlsx$/i.test(filename) || /spreadsheetml/.test(mimetype)) return readXlsx(buf);
  if (/\.(csv|txt)$/i.test(filename) || /csv|text\/plain/.test(mimetype)) return readCsvStream(buf);
  throw new SheetError(messages.badType);
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

/** The template's header block above the column headings. */
export interface SheetMeta {
  document: string;
  date: string;
  project: string;
}
const headerBlock = (meta: SheetMeta) => [['Date', meta.date, 'Document', meta.document, 'Project', meta.project], []];

/** The comments as CSV; with `meta`, the template's header block first (the blank template has it). */
export function writeCsv(comments: readonly SheetComment[], meta?: SheetMeta): string {
  const rows = [...(meta ? headerBlock(meta).map((r) => r.map(neutralise)) : []), [...ISO_COLUMNS, ...EXTRA_COLUMNS], ...comments.map((c) => cellsOf(c).map(neutralise))];
  // The BOM makes Excel read UTF-8; CRLF is what RFC 4180 and Excel expect.
  return stringify(rows, { bom: true, record_delimiter: 'windows', quoted: true });
}

/** Batches of comments as the exports take them, one after another (listing.ts reads them from the database). */
export type CommentBatches = AsyncIterable<readonly SheetComment[]>;

/** Bytes waiting in `out` beyond which a streamed export waits for it to drain. */
export const HIGH_WATER = 1024 * 1024;
/** The longest a streamed export works before it lets the event loop turn (other requests, the socket). */
export const SLICE_MS = 8;

/** The client went away in the middle of a streamed export: stop reading and writing. */
export class ClientGone extends Error {
  constructor() {
    super('the client closed the connection');
  }
}

/** Until `out` has room again, or is closed (a client gone never drains it). */
export function drained(out: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
}

/**
 * Paces a long piece of work: `due()` says when it has run for SLICE_MS since it last let the event loop
 * turn; `breathe()` lets it turn, waits while `out` holds more than it should (a slow client), and throws
 * ClientGone once `out` is closed.
 */
export class Pacer {
  private since = performance.now();
  constructor(private out?: Writable) {}
  due(): boolean {
    return performance.now() - this.since > SLICE_MS;
  }
  async breathe(): Promise<void> {
    await nextTurn();
    while (this.out && !this.out.destroyed && this.out.writableLength > HIGH_WATER) await drained(this.out);
    if (this.out?.destroyed) throw new ClientGone();
    this.since = performance.now();
  }
}

/**
 * The comments as CSV, written to `out` as they come (csv-stringify's stream), the event loop let turn
 * every few milliseconds: the same bytes as writeCsv without holding every row at once.
 */
export async function writeCsvStream(out: Writable, batches: CommentBatches, meta?: SheetMeta): Promise<void> {
  const csv = stringifyStream({ bom: true, record_delimiter: 'windows', quoted: true });
  // pipeline ends `out` when the stringifier ends, and fails if either fails (a client gone).
  const piped = pipeline(csv, out);
  piped.catch(() => {}); // awaited below; a failure meanwhile is seen there, not as an unhandled rejection
  // Each record is written straight to csv-stringify's stream; a full stream (a slow client) is waited for.
  const write = async (record: string[]) => {
    if (!csv.write(record)) await drained(csv);
    if (csv.destroyed || out.destroyed) throw new ClientGone();
  };
  const pace = new Pacer(out);
  try {
    if (meta) for (const r of headerBlock(meta)) await write(r.map(neutralise));
    await write([...ISO_COLUMNS, ...EXTRA_COLUMNS]);
    for await (const batch of batches) {
      for (const c of batch) {
        await write(cellsOf(c).map(neutralise));
        if (pace.due()) await pace.breathe();
      }
      await pace.breathe();
    }
    csv.end();
  } catch (err) {
    csv.destroy(err as Error);
  }
  await piped;
}

const COLUMN_WIDTHS = [18, 8, 12, 14, 8, 60, 60, 50, 12, 20, 18, 10, 22];
/**
 * One style object for every cell of a kind: exceljs finds the style of a cell it has seen by the object
 * (a WeakMap), and otherwise renders the style to XML to look it up, for each of 260,000 cells.
 */
const CELL_STYLE: Partial<Style> = { alignment: { wrapText: true, vertical: 'top' } };
const HEAD_STYLE: Partial<Style> = { ...CELL_STYLE, font: { bold: true } };
function styled(row: Row, style: Partial<Style>): Row {
  row.eachCell((cell) => {
    cell.style = style;
  });
  return row;
}

/**
 * The comments as XLSX, written to `out` as they come (exceljs's streaming WorkbookWriter: each row is
 * committed to the zip as it is added), the event loop let turn every few milliseconds. Ends `out`.
 */
export async function writeXlsxStream(out: Writable, batches: CommentBatches, meta: SheetMeta): Promise<void> {
  // The streaming writer alone, not all of exceljs (its reader, the in-memory workbook): half the code to
  // load, on the first export, when it holds the event loop.
  const { default: WorkbookWriter } = await import('exceljs/lib/stream/xlsx/workbook-writer.js');
  const wb = new WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'imas-review';
  const ws = wb.addWorksheet('Comments', { views: [{ state: 'frozen', ySplit: 3 }] });
  // Column styles are set before the first row: a streamed row is written out when committed.
  ws.columns = COLUMN_WIDTHS.map((width) => ({ width, style: { alignment: CELL_STYLE.alignment } }));
  for (const r of headerBlock(meta)) ws.addRow(r).commit();
  styled(ws.addRow([...ISO_COLUMNS, ...EXTRA_COLUMNS]), HEAD_STYLE).commit();
  const pace = new Pacer(out);
  for await (const batch of batches) {
    // Values are written as strings: a cell is a formula only when given as { formula }.
    for (const c of batch) {
      styled(ws.addRow(cellsOf(c)), CELL_STYLE).commit();
      if (pace.due()) await pace.breathe();
    }
    await pace.breathe();
  }
  ws.commit();
  await wb.commit();
}

export async function writeXlsx(comments: readonly SheetComment[], meta: SheetMeta): Promise<Buffer> {
  // Loaded on the first export, not at start: exceljs is a quarter of an idle instance's memory (~27 MB).
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'imas-review';
  const ws = wb.addWorksheet('Comments', { views: [{ state: 'frozen', ySplit: 3 }] });
  // The template's header block, then its column headings.
  for (const r of headerBlock(meta)) ws.addRow(r);
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
