import { expect } from 'chai';
import { buildEdition, datesLine } from '../../server/word/edition.ts';
import { buildCommentReport, rowOf } from '../../server/word/comments.ts';
import { fileName } from '../../server/word/common.ts';
import type { SheetComment } from '../../server/consultations/sheets.ts';
import { partOf } from '../helpers/docx.ts';

async function html(buf: Buffer): Promise<string> {
  const { default: mammoth } = await import('mammoth');
  return (await mammoth.convertToHtml({ buffer: buf })).value;
}

const EDITION = {
  designation: 'IMAS 99.01', title: 'Marking & signs', editionLabel: 'Edition 1, Amendment 2', publishedOn: '2025-11-03', inForceFrom: '2026-01-16', inForceTo: null,
  url: 'https://example.org/standards/99.01', sample: false, summary: null,
};

describe('word: the clean edition and the comment report', () => {
  it('reads the clause bodies as Markdown: paragraphs, bold and italics, lists, tables, links; escapes <, & and control characters', async () => {
    const buf = await buildEdition({
      ...EDITION,
      clauses: [
        { ref: '1', heading: 'Scope', depth: 1, text: 'Signs **shall** be *red* & <white>.\u0007\n\n- first item\n- second item\n\n1. one\n2. two\n\nSee [the site](https://example.org/x).' },
        { ref: '1.1', heading: 'Table', depth: 2, text: '| Asset | Coverage |\n|---|---|\n| Dog | 90 % |\n| Machine | 80 % |' },
        { ref: 'annex-a', heading: 'Forms', depth: 1, text: 'Annex text.' },
      ],
    });
    const text = await html(buf);
    expect(text).to.contain('<h1>1 Scope</h1>');
    expect(text).to.contain('<h2>1.1 Table</h2>');
    expect(text).to.contain('<h1>Annex A Forms</h1>');
    expect(text).to.contain('Signs <strong>shall</strong> be <em>red</em> &amp; &lt;white&gt;.');
    expect(text).to.contain('<li>first item</li><li>second item</li>');
    expect(text).to.contain('1.\tone');
    expect(text).to.contain('<a href="https://example.org/x">the site</a>');
    expect(text).to.match(/<table><thead><tr><th><p>Asset<\/p><\/th><th><p>Coverage<\/p><\/th><\/tr><\/thead><tbody><tr><td><p>Dog<\/p><\/td><td><p>90 %<\/p><\/td><\/tr>/);
    expect(await partOf(buf)).not.to.contain('\u0007');
  });

  it('dates line: published, in force from, and to when superseded', () => {
    expect(datesLine(EDITION)).to.equal('Published 3 November 2025 · in force from 16 January 2026');
    expect(datesLine({ publishedOn: null, inForceFrom: '2020-02-01', inForceTo: '2026-01-15' })).to.equal('in force from 1 February 2020 to 15 January 2026');
  });

  it('file names keep only safe characters', () => {
    expect(fileName('T&EP 07.31/01/2022', 'Edition 1')).to.equal('T&EP-07.31-01-2022-Edition-1.docx');
    expect(fileName('IMAS 07.11', 'v1-to-v2', 'redline')).to.equal('IMAS-07.11-v1-to-v2-redline.docx');
    expect(fileName('IMAS 07.11', 'a"b\r\nc')).to.equal('IMAS-07.11-a-b-c.docx');
  });

  const comment = (over: Partial<SheetComment>): SheetComment => ({
    reference: 'C-1-1', organisation: 'UNDP', author_name: 'A', line_number: null, clause_ref: '4.2', paragraph: 'Table 1', type: 'technical',
    comment: 'Too short.', proposed_change: 'Make it 100 m.', disposition: null, response: null, withdrawn: false, submitted_at: '2026-11-01T00:00:00Z', ...over,
  });

  it('a row in the template order: type code, clause label, observations from the disposition, withdrawn marked', () => {
    expect(rowOf(comment({}))).to.deep.equal(['UNDP', '', '4.2', 'Table 1', 'te', 'Too short.\nC-1-1', 'Make it 100 m.', '']);
    const done = rowOf(comment({ clause_ref: null, type: 'editorial', disposition: 'partially_accepted', response: 'Now 75 m.', withdrawn: true }));
    expect(done[2]).to.equal('General');
    expect(done[4]).to.equal('ed');
    expect(done[5]).to.equal('Too short. (withdrawn)\nC-1-1');
    expect(done[7]).to.equal('Partially accepted. Now 75 m.');
  });

  it('the report: a landscape page with the template header block and the table', async () => {
    const buf = await buildCommentReport([comment({}), comment({ reference: 'C-1-2', comment: 'Second <one>.' })], { date: '2026-11-23', document: 'IMAS 99.01 Draft 2', project: 'Consultation C-1' }, 'Comments on IMAS 99.01 Draft 2');
    const xml = await partOf(buf);
    expect(xml).to.match(/w:orient="landscape"/);
    const text = await html(buf);
    expect(text).to.contain('<h1>Comments on IMAS 99.01 Draft 2</h1>');
    expect(text).to.contain('2 comments.');
    expect(text).to.contain('Document: </strong>IMAS 99.01 Draft 2');
    expect(text).to.contain('Second &lt;one&gt;.');
    expect((text.match(/<tr>/g) ?? []).length).to.equal(3);
  });
});

describe('word: the cache of built documents', () => {
  it('builds a key once (concurrent requests share the build), forgets a failed build, keeps at most `max`', async () => {
    const { WordCache } = await import('../../server/word/service.ts');
    const cache = new WordCache(2);
    let builds = 0;
    const make = (s: string) => async () => {
      builds++;
      return Buffer.from(s);
    };
    const [a, b] = await Promise.all([cache.get('a', make('A')), cache.get('a', make('other'))]);
    expect(a.toString()).to.equal('A');
    expect(b.toString()).to.equal('A');
    expect(builds).to.equal(1);
    await cache.get('x', () => Promise.reject(new Error('boom'))).catch(() => undefined);
    expect((await cache.get('x', make('X'))).toString()).to.equal('X');
    await cache.get('y', make('Y')); // 'a' is now the least recently used of three: out
    builds = 0;
    await cache.get('a', make('A2'));
    expect(builds).to.equal(1);
  });
});
