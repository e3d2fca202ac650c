import JSZip from 'jszip';

/** Texts and Word files for the drafts tests. */

/** A small standard: Foreword, 1 Scope, 2 Marking with 2.1 Signs and 2.2 Records. */
export const FIRST_DRAFT = `# Foreword

This sample text was written for the imas-review tests.

# 1 Scope

This standard specifies how hazardous areas are marked and how the marking is recorded.

# 2 Marking

## 2.1 Signs

Signs shall be placed every 50 m along the perimeter of the hazardous area, facing outwards.

## 2.2 Records

Records shall be kept of each sign placed, with its position and the date it was placed.
`;

/** The next draft: a clause 2.1 Fences is inserted, so Signs becomes 2.2 and Records 2.3. */
export const SECOND_DRAFT = FIRST_DRAFT.replace('## 2.1 Signs', `## 2.1 Fences

Fences should be used where livestock graze next to the hazardous area.

## 2.2 Signs`).replace('## 2.2 Records', '## 2.3 Records');

/** Three problems: text before the first heading, a skipped level, a duplicate clause. */
export const BROKEN_DRAFT = `Some words before any heading.

# 1 Scope

Scope text.

### 1.1.1 Too deep

Text.

# 1 Scope again
`;

export type DocxBlock =
  | { h: 1 | 2 | 3 | 4; text: string }
  | { p: string; bold?: string }
  | { list: string[]; ordered?: boolean }
  | { table: string[][] };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const run = (text: string, bold = false) => `<w:r>${bold ? '<w:rPr><w:b/></w:rPr>' : ''}<w:t xml:space="preserve">${esc(text)}</w:t></w:r>`;
const para = (inner: string, pPr = '') => `<w:p>${pPr ? `<w:pPr>${pPr}</w:pPr>` : ''}${inner}</w:p>`;

/**
 * A minimal Word document made in the test (jszip, which mammoth itself uses): styles Heading 1–4,
 * bullet and numbered lists through numbering.xml, and tables.
 */
export async function makeDocx(blocks: DocxBlock[]): Promise<Buffer> {
  const body = blocks
    .map((b) => {
      if ('h' in b) return para(run(b.text), `<w:pStyle w:val="Heading${b.h}"/>`);
      if ('p' in b) return para(run(b.p) + (b.bold ? run(b.bold, true) : ''));
      if ('list' in b) return b.list.map((item) => para(run(item), `<w:numPr><w:ilvl w:val="0"/><w:numId w:val="${b.ordered ? 2 : 1}"/></w:numPr>`)).join('');
      const rows = b.table.map((r) => `<w:tr>${r.map((c) => `<w:tc>${para(run(c))}</w:tc>`).join('')}</w:tr>`).join('');
      return `<w:tbl><w:tblPr/>${rows}</w:tbl>${para('')}`;
    })
    .join('');
  const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/></Types>`,
  );
  zip.file(
    '_rels/.rels',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
  );
  zip.file(
    'word/_rels/document.xml.rels',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/></Relationships>`,
  );
  const heading = (n: number) => `<w:style w:type="paragraph" w:styleId="Heading${n}"><w:name w:val="heading ${n}"/><w:basedOn w:val="Normal"/></w:style>`;
  zip.file(
    'word/styles.xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles ${W}><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>${[1, 2, 3, 4].map(heading).join('')}</w:styles>`,
  );
  const abstract = (id: number, fmt: string) =>
    `<w:abstractNum w:abstractNumId="${id}"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="${fmt}"/><w:lvlText w:val="${fmt === 'bullet' ? '•' : '%1.'}"/></w:lvl></w:abstractNum>`;
  zip.file(
    'word/numbering.xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering ${W}>${abstract(10, 'bullet')}${abstract(20, 'decimal')}<w:num w:numId="1"><w:abstractNumId w:val="10"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="20"/></w:num></w:numbering>`,
  );
  zip.file('word/document.xml', `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ${W}><w:body>${body}<w:sectPr/></w:body></w:document>`);
  return zip.generateAsync({ type: 'nodebuffer' });
}
