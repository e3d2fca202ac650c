import { expect } from 'chai';
import { docxToMarkdown, htmlToMarkdown } from '../../server/drafts/docx.ts';
import { parseClauses } from '../../server/versions/parse.ts';
import { makeDocx } from '../helpers/drafts.ts';

describe('docx → clause Markdown', () => {
  it('numbers clauses from heading levels; named matter unnumbered; annexes lettered', async () => {
    const { markdown, notes } = await htmlToMarkdown(
      '<p>IMAS 07.99</p><p>Title page</p><h1>Foreword</h1><p>F.</p><h1>Scope</h1><p>S.</p><h1>Terms</h1><h2>Area</h2><h2>Marker</h2><h3>Permanent marker</h3><h1>Marking</h1><h2>Signs</h2>' +
        '<h1>Annex A (normative) Forms</h1><h2>Sign form</h2><h3>Fields</h3><h2>Map form</h2><h1>Annex B</h1><h2>More</h2><h1>Bibliography</h1><p>B.</p>',
    );
    const heads = markdown.split('\n').filter((l) => l.startsWith('#'));
    expect(heads).to.deep.equal([
      '# Foreword', '# 1 Scope', '# 2 Terms', '## 2.1 Area', '## 2.2 Marker', '### 2.2.1 Permanent marker', '# 3 Marking', '## 3.1 Signs',
      '# Annex A (normative) Forms', '## A.1 Sign form', '### A.1.1 Fields', '## A.2 Map form', '# Annex B', '## B.1 More', '# Bibliography',
    ]);
    expect(notes[0]).to.contain('2 paragraphs before the first heading');
    const parsed = parseClauses(markdown);
    expect(parsed.problems).to.deep.equal([]);
    expect(parsed.clauses.map((c) => c.ref)).to.include.members(['foreword', '2.2.1', 'annex-a', 'annex-a.1.1', 'annex-b.1', 'bibliography']);
  });

  it('keeps numbers typed into headings and follows them', async () => {
    const { markdown } = await htmlToMarkdown('<h1>4 Survey</h1><h2>4.3 Records</h2><h2>Handover</h2><h1>Clearance</h1>');
    expect(markdown.split('\n').filter((l) => l.startsWith('#'))).to.deep.equal(['# 4 Survey', '## 4.3 Records', '## 4.4 Handover', '# 5 Clearance']);
  });

  it('paragraphs, emphasis, links, lists and tables become Markdown; Markdown-like text is escaped', async () => {
    const { markdown } = await htmlToMarkdown(
      '<h1>Scope</h1><p># not a heading with *stars* and 1. numbers</p><p>1. Not a list</p><p>A <strong>bold </strong>word, <em>em</em>, <a href="https://example.org/a b">a link</a>, <a href="#_Toc1">toc</a>, m<sup>2</sup></p>' +
        '<ul><li>one<ul><li>nested</li></ul></li><li>two</li></ul><ol><li>first</li><li>second</li></ol>' +
        '<table><tr><td><p>Head</p></td><td>B|C</td></tr><tr><td colspan="2">wide</td></tr></table><p>line<br />break</p>',
    );
    expect(markdown).to.contain('\\# not a heading with \\*stars\\* and 1. numbers');
    expect(markdown).to.contain('1\\. Not a list');
    expect(markdown).to.contain('A **bold** word, *em*, [a link](https://example.org/a%20b), toc, m²');
    expect(markdown).to.contain('- one\n  - nested\n- two');
    expect(markdown).to.contain('1. first\n2. second');
    expect(markdown).to.contain('| Head | B\\|C |\n| --- | --- |\n| wide |  |');
    expect(markdown).to.contain('line\\\nbreak');
    expect(parseClauses(markdown).problems).to.deep.equal([]);
  });

  it('drops scripts and the table of contents, reports images', async () => {
    const { markdown, notes } = await htmlToMarkdown('<h1>Contents</h1><p>1 Scope .... 3</p><h1>Scope</h1><p>ok<script>alert(1)</script><img src="x.png"></p>');
    expect(markdown).to.equal('# 1 Scope\n\nok\n');
    expect(notes.join(' ')).to.contain('table of contents');
    expect(notes.join(' ')).to.contain('1 image was left out');
  });

  it('a skipped level gives a problem the parser reports at its line', async () => {
    const { markdown } = await htmlToMarkdown('<h1>Scope</h1><h3>Deep</h3>');
    expect(parseClauses(markdown).problems[0]!.message).to.match(/must come under|Level skipped/);
  });

  it('reads a Word file made here; refuses what is not one', async () => {
    const buf = await makeDocx([{ h: 1, text: 'Scope' }, { p: 'Text.' }, { h: 2, text: 'Detail' }]);
    expect((await docxToMarkdown(buf)).markdown).to.equal('# 1 Scope\n\nText.\n\n## 1.1 Detail\n');
    let err: unknown;
    await docxToMarkdown(Buffer.from('# just markdown')).catch((e) => (err = e));
    expect(err).to.have.property('status', 422);
    err = undefined;
    await docxToMarkdown(Buffer.from('PK\u0003\u0004 broken zip')).catch((e) => (err = e));
    expect(err).to.have.property('status', 422);
  });
});
