import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { MAX_SHEET_ROWS, readCsv, readSheet, readXlsx, SheetError, SheetTooLarge, type SheetRow } from '../../server/consultations/sheets.ts';
import { docxToMarkdown } from '../../server/drafts/docx.ts';
import { bombDocx, bombXlsx, deflatePieces, SHEET_HEAD, SHEET_TAIL, writeZip, xlsxParts, xlsxRow } from '../helpers/zip-bombs.ts';

async function refusal(p: Promise<unknown>): Promise<Error & { status?: number }> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('not refused');
}

const csvOf = (n: number) => `Clause,Type,Comments\n${'4.1,te,A comment\n'.repeat(n)}`;

describe('uploads: caps on rows and on the unpacked size', () => {
  it('reads 5,000 comments of one sheet, XLSX or CSV, and refuses the 5,001st (422, the cap in the message)', async () => {
    expect(MAX_SHEET_ROWS).to.equal(5000);
    expect(await readSheet(bombXlsx(5000), 'c.xlsx')).to.have.length(5000);
    expect(await readSheet(Buffer.from(csvOf(5000)), 'c.csv')).to.have.length(5000);
    for (const [buf, name] of [[bombXlsx(5001), 'c.xlsx'], [Buffer.from(csvOf(5001)), 'c.csv']] as const) {
      const err = await refusal(readSheet(buf, name));
      expect(err).to.be.instanceOf(SheetError).and.not.instanceOf(SheetTooLarge);
      expect(err.message).to.contain('more than 5,000 comments').and.contain('several sheets');
    }
    expect(() => readCsv(Buffer.from(csvOf(5001)))).to.throw(SheetError, /more than 5,000/);
  });

  it('stops reading a sheet of 300,000 comments (30 MB of XML in a small file) at the cap', async () => {
    const buf = bombXlsx(300_000);
    expect(buf.length).to.be.below(1024 * 1024);
    const err = await refusal(readXlsx(buf));
    expect(err.message).to.contain('more than 5,000 comments');
  });

  it('refuses an XLSX whose sheet unpacks to 200 MB (413), before unpacking it', async () => {
    const err = await refusal(readXlsx(bombXlsx(2_000_000)));
    expect(err).to.be.instanceOf(SheetTooLarge);
    expect(err.message).to.contain('more than 50 MB');
  });

  it('counts the bytes as they unpack: a sheet that declares 10 KB and unpacks to 12 MB of empty rows is refused (413)', async () => {
    const err = await refusal(readXlsx(bombXlsx(2_000_000, { row: '<row/>', declare: 10_000 })));
    expect(err).to.be.instanceOf(SheetTooLarge);
    expect(err.message).to.contain('more than its own index declares');
  });

  it('refuses a Word file that unpacks to 80 MB (413), whatever it declares; a normal one still converts', async () => {
    for (const buf of [bombDocx(80 * 1024 * 1024), bombDocx(80 * 1024 * 1024, { declare: 20_000 })]) {
      expect(buf.length).to.be.below(2 * 1024 * 1024);
      const err = await refusal(docxToMarkdown(buf));
      expect(err.status).to.equal(413);
      expect(err.message).to.match(/more than (50 MB|its own index declares)/);
    }
    expect((await docxToMarkdown(bombDocx(2000))).markdown).to.match(/^# 1 Scope\n\nMines shall be marked\./);
  });

  it('reads what a workbook holds: shared and rich strings, numbers, booleans, prefixed names, gaps, the first tab', async () => {
    const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
    const R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
    const shared = `<sst xmlns="${NS}"><si><t>Clause</t></si><si><t>Comments</t></si><si><r><rPr><b/></rPr><t>Bold</t></r><r><t xml:space="preserve"> and plain &amp; more</t></r><rPh><t>ignored</t></rPh></si><si><t>MB/NC</t></si></sst>`;
    const first = `<?xml version="1.0"?><x:worksheet xmlns:x="${NS}"><x:sheetData>` +
      '<x:row r="3"><x:c r="A3" t="s"><x:v>3</x:v></x:c><x:c r="C3" t="s"><x:v>0</x:v></x:c><x:c r="E3" t="s"><x:v>1</x:v></x:c></x:row>' +
      '<x:row r="4"><x:c r="A4" s="1"/></x:row>' +
      '<x:row r="7"><x:c r="A7" t="b"><x:v>1</x:v></x:c><x:c r="C7"><x:v>4.3</x:v></x:c><x:c r="E7" t="s"><x:v>2</x:v></x:c></x:row>' +
      '<x:row r="9"><x:c r="C9" t="str"><x:f>A1</x:f><x:v>5.1</x:v></x:c><x:c r="E9" t="inlineStr"><x:is><x:t>&lt;inline&gt;</x:t></x:is></x:c></x:row>' +
      `</x:sheetData></x:worksheet>`;
    const other = SHEET_HEAD + xlsxRow(['Clause', 'Comments']) + xlsxRow(['1', 'from the second tab']) + SHEET_TAIL;
    const buf = writeZip([
      { name: 'xl/workbook.xml', body: `<workbook xmlns="${NS}" xmlns:r="${R}"><sheets><sheet name="First" sheetId="2" r:id="rId7"/><sheet name="Other" sheetId="1" r:id="rId1"/></sheets></workbook>` },
      { name: 'xl/_rels/workbook.xml.rels', body: `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${R}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId7" Type="${R}/worksheet" Target="/xl/worksheets/sheet2.xml"/><Relationship Id="rId9" Type="${R}/sharedStrings" Target="sharedStrings.xml"/></Relationships>` },
      { name: 'xl/worksheets/sheet1.xml', body: other },
      { name: 'xl/worksheets/sheet2.xml', body: first },
      { name: 'xl/sharedStrings.xml', body: shared },
    ]);
    const rows = await readXlsx(buf);
    expect(rows).to.deep.equal([
      { row: 7, organisation: 'true', line_number: '', clause: '4.3', paragraph: '', type: '', comment: 'Bold and plain & more', proposed_change: '', reference: '' },
      { row: 9, organisation: '', line_number: '', clause: '5.1', paragraph: '', type: '', comment: '<inline>', proposed_change: '', reference: '' },
    ]);
  });

  it('reads a workbook written by exceljs exactly as loading it whole did', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Comments');
    const ws = wb.worksheets[0]!;
    ws.addRow(['Date', '2026-11-23', 'Document', 'IMAS 07.11']);
    ws.addRow([]);
    ws.addRow(['MB/NC', 'Line number', 'Clause/Subclause', 'Paragraph/Figure/Table', 'Type of comment', 'Comments', 'Proposed change']);
    ws.addRow(['GICHD', 12, 4.3, 'Table 2', 'te', { richText: [{ text: 'Too ', font: { bold: true } }, { text: 'narrow' }] }, '=not a formula']);
    ws.addRow(['UNDP', 3.25, { formula: 'B4+1', result: 13 }, null, 'ed', 'Ça va, "quoted"\nline 2', true]);
    ws.addRow([]);
    ws.getRow(9).values = [null, null, 'General', null, 'ge', 'Late row after a gap'];
    const buf = Buffer.from(await wb.xlsx.writeBuffer());

    // What readXlsx gave before it streamed: the whole workbook loaded, each cell's text.
    const old = new ExcelJS.Workbook();
    await old.xlsx.load(buf as never);
    const table: Array<{ n: number; cells: string[] }> = [];
    old.worksheets[0]!.eachRow({ includeEmpty: false }, (row) => {
      const cells: string[] = [];
      row.eachCell({ includeEmpty: true }, (cell, col) => (cells[col - 1] = cell.text ?? ''));
      table.push({ n: row.number, cells });
    });
    const expected: SheetRow[] = table.slice(2).map(({ n, cells }) => ({
      row: n, organisation: cells[0] ?? '', line_number: cells[1] ?? '', clause: cells[2] ?? '', paragraph: cells[3] ?? '', type: cells[4] ?? '', comment: cells[5] ?? '', proposed_change: cells[6] ?? '', reference: '',
    }));
    expect(expected).to.have.length(3);
    expect(await readXlsx(buf)).to.deep.equal(expected.map((r) => ({ ...r, comment: r.comment.trim(), proposed_change: r.proposed_change.trim() })));
  });

  it('tells a damaged archive from one that is too large', async () => {
    const sheet = deflatePieces([{ text: SHEET_HEAD + xlsxRow(['Clause', 'Comments']) + xlsxRow(['1', 'x']) + SHEET_TAIL }]);
    const good = writeZip(xlsxParts(sheet));
    expect(await readXlsx(good)).to.have.length(1);
    const cut = good.subarray(0, good.length - 30);
    const err = await refusal(readXlsx(cut));
    expect(err).to.be.instanceOf(SheetError).and.not.instanceOf(SheetTooLarge);
    expect(err.message).to.contain('not an XLSX workbook');
  });
});
