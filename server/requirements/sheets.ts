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

export interface ChecklistMeta {
  designation: string;
  title: string;
  versionLabel: string;
  sinceLabel: string | null;
}

const cellsOf = (r: RegisterEntry, since: boolean): string[] => [
  r.id,
  r.clause_number,
  r.clause_heading,
  r.verb,
  r.kind,
  r.text,
  '',
  ...(since ? [r.status ?? '', r.previous_id ?? ''] : []),
];

/** The file name: `IMAS-07.11-edition-2-requirements.csv`. */
export function checklistFilename(designation: string, versionLabel: string, ext: 'csv' | 'xlsx'): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9.]+/g, '-').replace(/^-+|-+$/g, '');
  return `${safe(designation)}-${safe(versionLabel).toLowerCase()}-requirements.${ext}`;
}

const header = (reg: Register) => [...CHECKLIST_COLUMNS, ...(reg.since ? SINCE_COLUMNS : [])];

export function checklistCsv(reg: Register): string {
  const rows = [header(reg), ...reg.entries.map((r) => cellsOf(r, reg.since !== null).map(neutralise))];
  // The BOM makes Excel read UTF-8; CRLF is what RFC 4180 and Excel expect.
  return stringify(rows, { bom: true, record_delimiter: 'windows', quoted: true });
}

export async function checklistXlsx(reg: Register, meta: ChecklistMeta): Promise<Buffer> {
  // Loaded on the first export, not at start (exceljs is heavy).
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'imas-review';
  wb.title = `${meta.designation} ${meta.title} — ${meta.versionLabel}: requirements`;
  const ws = wb.addWorksheet('Requirements', { views: [{ state: 'frozen', ySplit: 1 }] });
  const head = ws.addRow(header(reg));
  head.font = { bold: true };
  // Values are written as strings: a cell is a formula only when given as { formula }.
  for (const r of reg.entries) ws.addRow(cellsOf(r, reg.since !== null));
  [30, 9, 28, 10, 15, 80, 50, 10, 30].forEach((w, i) => {
    ws.getColumn(i + 1).width = w;
    ws.getColumn(i + 1).alignment = { wrapText: true, vertical: 'top' };
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
