/**
 * Zip archives made here, small on disk and huge once unpacked ("zip bombs"), without ever holding the
 * unpacked text: each piece of text is deflated once with a full flush (which ends byte-aligned and forgets
 * the dictionary), so its compressed bytes can be repeated as they are; an empty final block closes the
 * stream. The headers may declare a size other than the real one, as a hostile file would.
 * Used by the tests and by bench/faults/uploads.ts.
 */
import zlib from 'node:zlib';

export interface Deflated {
  data: Buffer;
  crc: number;
  size: number;
}

export interface Piece {
  text: string | Buffer;
  times?: number;
}

/** Raw deflate of the pieces in order, each repeated `times` (default 1). */
export function deflatePieces(pieces: readonly Piece[]): Deflated {
  const out: Buffer[] = [];
  let crc = 0;
  let size = 0;
  for (const p of pieces) {
    const buf = Buffer.from(p.text);
    const times = p.times ?? 1;
    const once = zlib.deflateRawSync(buf, { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH });
    for (let i = 0; i < times; i++) {
      out.push(once);
      crc = zlib.crc32(buf, crc);
    }
    size += buf.length * times;
  }
  out.push(Buffer.from([0x03, 0x00])); // a final, empty block with fixed codes
  return { data: Buffer.concat(out), crc: crc >>> 0, size };
}

export interface ZipPart {
  name: string;
  body: string | Deflated;
  /** the uncompressed size written in the headers, when it is to lie */
  declare?: number;
}

/** A zip archive (no zip64: parts under 4 GB) with the parts deflated. */
export function writeZip(parts: readonly ZipPart[]): Buffer {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const body = typeof part.body === 'string' ? deflatePieces([{ text: part.body }]) : part.body;
    const name = Buffer.from(part.name);
    const declared = part.declare ?? body.size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(body.crc, 14);
    local.writeUInt32LE(body.data.length, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const head = Buffer.alloc(46);
    head.writeUInt32LE(0x02014b50, 0);
    head.writeUInt16LE(20, 4); // made by
    head.writeUInt16LE(20, 6);
    head.writeUInt16LE(0x0800, 8);
    head.writeUInt16LE(8, 10);
    head.writeUInt16LE(0, 12);
    head.writeUInt16LE(0x21, 14);
    head.writeUInt32LE(body.crc, 16);
    head.writeUInt32LE(body.data.length, 20);
    head.writeUInt32LE(declared, 24);
    head.writeUInt16LE(name.length, 28);
    head.writeUInt32LE(offset, 42);
    central.push(head, name);
    chunks.push(local, name, body.data);
    offset += local.length + name.length + body.data.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, dir, end]);
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const DOC_RELS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

const inline = (text: string) => `<c t="inlineStr"><is><t>${text}</t></is></c>`;
/** A row of inline strings, columns in order (no cell references: a reader counts them). */
export const xlsxRow = (cells: readonly string[]) => `<row>${cells.map(inline).join('')}</row>`;

/** The parts of a workbook around one worksheet whose XML is given (deflated, possibly huge). */
export function xlsxParts(sheet: Deflated, opts: { declare?: number; sharedStrings?: Deflated } = {}): ZipPart[] {
  const parts: ZipPart[] = [
    {
      name: '[Content_Types].xml',
      body: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
    },
    { name: '_rels/.rels', body: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${RELS}"><Relationship Id="rId1" Type="${DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>` },
    { name: 'xl/workbook.xml', body: `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${MAIN}" xmlns:r="${DOC_RELS}"><sheets><sheet name="Comments" sheetId="1" r:id="rId1"/></sheets></workbook>` },
    {
      name: 'xl/_rels/workbook.xml.rels',
      body: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${RELS}"><Relationship Id="rId1" Type="${DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>${opts.sharedStrings ? `<Relationship Id="rId2" Type="${DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>` : ''}</Relationships>`,
    },
  ];
  if (opts.sharedStrings) parts.push({ name: 'xl/sharedStrings.xml', body: opts.sharedStrings });
  parts.push({ name: 'xl/worksheets/sheet1.xml', body: sheet, declare: opts.declare });
  return parts;
}

export const SHEET_HEAD = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${MAIN}"><sheetData>`;
export const SHEET_TAIL = '</sheetData></worksheet>';

/**
 * An .xlsx whose sheet has the template's header row, then `rows` copies of one row (a comment on clause
 * 4.1 unless told), made `perPiece` rows at a time.
 */
export function bombXlsx(rows: number, opts: { row?: string; declare?: number; perPiece?: number } = {}): Buffer {
  const row = opts.row ?? xlsxRow(['4.1', 'te', 'A comment']);
  const per = Math.min(opts.perPiece ?? 1000, Math.max(rows, 1));
  const sheet = deflatePieces([
    { text: SHEET_HEAD + xlsxRow(['Clause/Subclause', 'Type of comment', 'Comments']) },
    { text: row.repeat(per), times: Math.floor(rows / per) },
    { text: row.repeat(rows % per) },
    { text: SHEET_TAIL },
  ]);
  return writeZip(xlsxParts(sheet, { declare: opts.declare }));
}

/** A .docx whose document.xml unpacks to about `bytes` bytes of paragraphs. */
export function bombDocx(bytes: number, opts: { declare?: number } = {}): Buffer {
  const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
  const para = '<w:p><w:r><w:t>Mines shall be marked.</w:t></w:r></w:p>';
  const block = para.repeat(1000);
  const doc = deflatePieces([
    { text: `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="${W}"><w:body><w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Scope</w:t></w:r></w:p>` },
    { text: block, times: Math.max(1, Math.ceil(bytes / block.length)) },
    { text: '</w:body></w:document>' },
  ]);
  return writeZip([
    {
      name: '[Content_Types].xml',
      body: `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
    },
    { name: '_rels/.rels', body: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${RELS}"><Relationship Id="rId1" Type="${DOC_RELS}/officeDocument" Target="word/document.xml"/></Relationships>` },
    { name: 'word/document.xml', body: doc, declare: opts.declare },
  ]);
}
