import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { ISO_COLUMNS, neutralise, readCsv, readSheet, readXlsx, SheetError, writeCsv, writeXlsx, type SheetComment } from '../../server/consultations/sheets.ts';

const comment = (over: Partial<SheetComment> = {}): SheetComment => ({
  reference: 'C-1-1', organisation: 'GICHD', author_name: 'A. Person', line_number: null, clause_ref: '4.3', paragraph: 'Table 2',
  type: 'technical', comment: 'The buffer is too narrow.', proposed_change: 'Use 50 m.', disposition: null, response: null,
  withdrawn: false, submitted_at: '2026-11-23T12:00:00.000Z', ...over,
});

describe('comment sheets (ISO/IEC template)', () => {
  it('reads a CSV with the template header block above the column headings', () => {
    const csv = [
      'Date,2026-11-23,Document,IMAS 07.11,,,,',
      '',
      'MB/NC,Line number,Clause/Subclause,Paragraph/Figure/Table,Type of comment,Comments,Proposed change,Observations of the Secretariat',
      'UNDP,12,4.3,Table 1,te,"Too narrow, widen it",Use 50 m,',
      ',,,,,,,',
      'UNDP,,General,,ed,"Several typos,\nsee below",,',
    ].join('\n');
    const rows = readCsv(Buffer.from(csv));
    expect(rows).to.have.length(2);
    expect(rows[0]).to.deep.equal({ row: 4, organisation: 'UNDP', line_number: '12', clause: '4.3', paragraph: 'Table 1', type: 'te', comment: 'Too narrow, widen it', proposed_change: 'Use 50 m', reference: '' });
    expect(rows[1]!.row).to.equal(6);
    expect(rows[1]!.comment).to.equal('Several typos,\nsee below');
  });

  it('reads semicolon-separated CSV and a BOM', () => {
    const rows = readCsv(Buffer.from('\uFEFFMB/NC;Clause;Type;Comments\nX;5.1;ge;Fine\n'));
    expect(rows[0]).to.include({ organisation: 'X', clause: '5.1', type: 'ge', comment: 'Fine' });
  });

  it('refuses a sheet without the template headings, or without rows', () => {
    expect(() => readCsv(Buffer.from('a,b,c\n1,2,3\n'))).to.throw(SheetError, /header row/);
    expect(() => readCsv(Buffer.from('Clause,Comments\n'))).to.throw(SheetError, /no comments/);
  });

  it('writes CSV in the template column order, read back by a real parser, with formulas neutralised', () => {
    const csv = writeCsv([
      comment({ comment: '=HYPERLINK("http://evil.example","click")', proposed_change: '+1', paragraph: '@SUM(A1)', disposition: 'rejected', response: 'Out of scope.' }),
      comment({ reference: 'C-1-2', clause_ref: null, type: 'editorial', comment: 'Ça va, "quoted"\nline 2', withdrawn: true }),
    ]);
    expect(csv.charCodeAt(0)).to.equal(0xfeff);
    const table = parse(csv, { bom: true }) as string[][];
    expect(table[0]!.slice(0, 8)).to.deep.equal([...ISO_COLUMNS]);
    expect(table[1]!.slice(0, 8)).to.deep.equal(["GICHD", '', '4.3', "'@SUM(A1)", 'te', '\'=HYPERLINK("http://evil.example","click")', "'+1", 'Rejected. Out of scope.']);
    expect(table[1]![8]).to.equal('C-1-1');
    expect(table[2]!.slice(2, 6)).to.deep.equal(['General', 'Table 2', 'ed', 'Ça va, "quoted"\nline 2']);
    expect(table[2]![11]).to.equal('withdrawn');
    for (const row of table.slice(1)) for (const cell of row) expect(/^[=+\-@]/.test(cell), cell).to.equal(false);
    // and our own import reads it back as it was written
    const back = readCsv(Buffer.from(csv));
    expect(back[0]!.comment).to.equal('=HYPERLINK("http://evil.example","click")');
    expect(back[1]!.clause).to.equal('General');
  });

  it('neutralises every formula trigger', () => {
    for (const s of ['=1', '+1', '-1', '@a', '\t=1', '\r=1']) expect(neutralise(s).startsWith("'"), JSON.stringify(s)).to.equal(true);
    expect(neutralise('plain')).to.equal('plain');
  });

  it('writes XLSX read back by exceljs, cells as text, and reads it as a sheet', async () => {
    const buf = await writeXlsx([comment({ comment: '=1+1' })], { document: 'IMAS 07.11 Draft Edition 3', date: '2026-11-23', project: 'C-1' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as never);
    const ws = wb.worksheets[0]!;
    const head = (ws.getRow(3).values as unknown[]).slice(1, 9);
    expect(head).to.deep.equal([...ISO_COLUMNS]);
    const cell = ws.getRow(4).getCell(6);
    expect(cell.type).to.equal(ExcelJS.ValueType.String);
    expect(cell.value).to.equal('=1+1');
    const rows = await readXlsx(buf);
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ row: 4, organisation: 'GICHD', clause: '4.3', type: 'te', comment: '=1+1' });
  });

  it('tells a broken XLSX and an unknown file type apart', async () => {
    try {
      await readSheet(Buffer.from('PK\u0003\u0004garbage'), 'x.xlsx');
      expect.fail('no error');
    } catch (err) {
      expect(err).to.be.instanceOf(SheetError);
      expect((err as Error).message).to.contain('XLSX');
    }
    try {
      await readSheet(Buffer.from('%PDF-1.4'), 'x.pdf');
      expect.fail('no error');
    } catch (err) {
      expect((err as Error).message).to.contain('.xlsx or .csv');
    }
  });
});
