/**
 * The register as a compliance checklist: one row per requirement, an empty "How we comply" column to
 * fill in. CSV (csv-stringify) and XLSX (exceljs), as the comment sheets are written
 * (server/consultations/sheets.ts).
 */
import { stringify } from 'csv-stringify/sync';
import { neutralise } from '../consultations/sheets.ts';
import type { Register, RegisterEntry } from './service.ts';

export const CHECKLIST_COLUMNS = ['ID', 'Clause', 'Clause heading', 'Verb', 'Kind', 'Requirement', 'How we comply'] as const;
const SINCE_COLUMNS = ['Since', 'Previous ID'] as const;

/**
 * The checklist's words: its column headings, the kinds and statuses in its cells, the sheet's name.
 * A checklist is filled in by hand and never read back, so it is in the reader's language (routes.ts
 * passes locales/<lng>/requirements.json `checklistFile`); the verbs and the requirements' text are
 * quoted from the English standard as they are. English by default.
 */
export interface ChecklistWords {
  columns: readonly string[];
  sinceColumns: readonly string[];
  kind: (k: string) => string;
  status: (s: string) => string;
  sheet: string;
  title: (meta: ChecklistMeta) => string;
}

export const ENGLISH_CHECKLIST: ChecklistWords = {
  columns: CHECKLIST_COLUMNS,
  sinceColumns: SINCE_COLUMNS,
  kind: (k) => k,
  status: (s) => s,
  sheet: 'Requirements',
  title: (meta) => `${meta.designation} ${meta.title} — ${meta.versionLabel}: requirements`,
};

export interface ChecklistMeta {
  designation: string;
  title: string;
  versionLabel: string;
  sinceLabel: string | null;
}

const cellsOf = (r: RegisterEntry, since: boolean, w: ChecklistWords): string[] => [
  r.id,
  r.clause_number,
  r.clause_heading,
  r.verb,
  w.kind(r.kind),
  r.text,
  '',
  ...(since ? [r.status ? w.status(r.status) : '', r.previous_id ?? ''] : []),
];

/** The file name: `IMAS-07.11-edition-2-requirements.csv`. */
export function checklistFilename(designation: string, versionLabel: string, ext: 'csv' | 'xlsx'): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9.]+/g, '-').replace(/^-+|-+$/g, '');
  return `${safe(designation)}-${safe(versionLabel).toLowerCase()}-requirements.${ext}`;
}

const header = (reg: Register, w: ChecklistWords) => [...w.columns, ...(reg.since ? w.sinceColumns : [])];

export function checklistCsv(reg: Register, w = ENGLISH_CHECKLIST): string {
  const rows = [header(reg, w), ...reg.entries.map((r) => cellsOf(r, reg.since !== null, w).map(neutralise))];
  // The BOM makes Excel read UTF-8; CRLF is what RFC 4180 and Excel expect.
  return stringify(rows, { bom: true, record_delimiter: 'windows', quoted: true });
}

export async function checklistXlsx(reg: Register, meta: ChecklistMeta, w = ENGLISH_CHECKLIST): Promise<Buffer> {
  // Loaded on the first export, not at start (exceljs is heavy).
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'imas-review';
  wb.title = w.title(meta);
  const ws = wb.addWorksheet(w.sheet, { views: [{ state: 'frozen', ySplit: 1 }] });
  const head = ws.addRow(header(reg, w));
  head.font = { bold: true };
  // Values are written as strings: a cell is a formula only when given as { formula }.
  for (const r of reg.entries) ws.addRow(cellsOf(r, reg.since !== null, w));
  [30, 9, 28, 10, 15, 80, 50, 10, 30].forEach((w, i) => {
    ws.getColumn(i + 1).width = w;
    ws.getColumn(i + 1).alignment = { wrapText: true, vertical: 'top' };
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
