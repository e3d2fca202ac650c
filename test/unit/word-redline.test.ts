import { expect } from 'chai';
import { generatePair } from '../../bench/lib/gen-standard.ts';
import { diffVersions, type VersionDiff } from '../../server/diff/index.ts';
import type { Clause } from '../../server/versions/clause.ts';
import { buildRedline, redlineParagraphs, type Depths } from '../../server/word/redline.ts';
import { titleOf } from '../../server/word/common.ts';
import { paragraphsOf, partOf, reviewed } from '../helpers/docx.ts';

/** A version's text as the redline prints it: each clause's heading line, then its body's lines. */
function printed(clauses: readonly Clause[]): string {
  return clauses.map((c) => (c.text ? `${titleOf(c.ref, c.heading)}\n${c.text}` : titleOf(c.ref, c.heading))).join('\n');
}

const depthsOf = (from: readonly Clause[], to: readonly Clause[]): Depths => ({
  from: new Map(from.map((c) => [c.ref, c.depth])),
  to: new Map(to.map((c) => [c.ref, c.depth])),
});

/** The older clauses in the order the redline keeps them: a moved clause stays where it is now. */
function inRedlineOrder(from: readonly Clause[], diff: VersionDiff): Clause[] {
  const at = new Map<string, number>();
  diff.clauses.forEach((c, i) => {
    if (c.from_ref !== null && !at.has(c.from_ref)) at.set(c.from_ref, i);
  });
  return [...from].sort((a, b) => (at.get(a.ref) ?? -1) - (at.get(b.ref) ?? -1) || a.position - b.position);
}

const clause = (ref: string, heading: string, text: string, position: number, depth = 1): Clause => ({ ref, heading, text, position, depth, key: `k-${heading}` });

async function redline(from: Clause[], to: Clause[]) {
  const diff = diffVersions(from, to);
  const buf = await buildRedline({
    designation: 'IMAS 99.01', title: 'Test standard', fromLabel: 'Edition 1', toLabel: 'Draft 2', date: '2026-03-01T00:00:00.000Z',
    draft: true, url: 'http://localhost/standards/99.01/diff/1..2', diff, depths: depthsOf(from, to),
  });
  return { diff, buf, xml: await partOf(buf) };
}

describe('word: the redline (tracked changes)', () => {
  const FROM = [
    clause('1', 'Scope', 'Signs should be placed every 50 m.\n\nRecords are kept.', 0),
    clause('2', 'Marking', 'Fences are used near roads.', 1),
    clause('3', 'Old clause', 'This clause goes.', 2),
  ];
  const TO = [
    clause('1', 'Scope', 'Signs shall be placed every 25 m.\n\nRecords are kept.', 0),
    clause('2', 'Fencing', 'Fences are used near roads.', 1),
    clause('3', 'New clause', 'A brand new requirement shall apply.', 2),
  ];

  it('writes the word changes as w:ins / w:del runs with the right text, and paragraph marks of whole clauses as tracked', async () => {
    const { xml } = await redline(FROM, TO);
    const paras = paragraphsOf(xml);
    const ins = paras.flatMap((p) => p.runs.filter((r) => r.kind === 'ins').map((r) => r.text));
    const del = paras.flatMap((p) => p.runs.filter((r) => r.kind === 'del').map((r) => r.text));
    expect(ins).to.include.members(['shall', '25', 'Fencing', 'A brand new requirement shall apply.']);
    expect(del).to.include.members(['should', '50', 'Marking', 'This clause goes.']);
    // the changed verbs and numbers in bold, as the diff page marks them; other changed words not
    expect(xml).to.match(/<w:ins w:id="\d+" w:author="imas-review" w:date="2026-03-01T00:00:00.000Z"><w:r><w:rPr><w:b\/><w:bCs\/><\/w:rPr><w:t xml:space="preserve">shall<\/w:t><\/w:r><\/w:ins>/);
    expect(xml).to.match(/<w:del w:id="\d+" w:author="imas-review" w:date="2026-03-01T00:00:00.000Z"><w:r><w:rPr><w:b\/><w:bCs\/><\/w:rPr><w:delText xml:space="preserve">should<\/w:delText><\/w:r><\/w:del>/);
    expect(xml).to.match(/<w:ins w:id="\d+" w:author="imas-review" w:date="2026-03-01T00:00:00.000Z"><w:r><w:t xml:space="preserve">Fencing<\/w:t><\/w:r><\/w:ins>/);
    // the removed clause's heading line is deleted with its paragraph mark; the added one's inserted
    const removedHeading = paras.find((p) => p.style === 'Heading1' && p.runs.some((r) => r.text.includes('Old clause')))!;
    expect(removedHeading.runs.every((r) => r.kind === 'del')).to.equal(true);
    expect(removedHeading.mark).to.equal('del');
    const addedHeading = paras.find((p) => p.style === 'Heading1' && p.runs.some((r) => r.text.includes('New clause')))!;
    expect(addedHeading.runs.every((r) => r.kind === 'ins')).to.equal(true);
    expect(addedHeading.mark).to.equal('ins');
    expect(addedHeading.style).to.equal('Heading1');
    // ids are unique across w:ins and w:del
    const ids = [...xml.matchAll(/<w:(?:ins|del) w:id="(\d+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).to.equal(ids.length);
  });

  it('accepting every change gives the newer text, rejecting every one the older', async () => {
    const { xml } = await redline(FROM, TO);
    const paras = paragraphsOf(xml);
    const accepted = reviewed(paras, 'accept');
    const rejected = reviewed(paras, 'reject');
    expect(accepted.endsWith(`\n${printed(TO)}`)).to.equal(true);
    expect(rejected.endsWith(`\n${printed(FROM)}`)).to.equal(true);
    expect(accepted.length - printed(TO).length).to.equal(rejected.length - printed(FROM).length); // the same first page
  });

  it('notes moved and renumbered clauses in Word comments on their heading', async () => {
    const from = [clause('1', 'Scope', 'Scope text here.', 0), clause('2', 'Records', 'Records shall be kept for 5 years by the operator.', 1), clause('3', 'Signs', 'Signs shall be red and white.', 2)];
    const to = [clause('1', 'Scope', 'Scope text here.', 0), clause('2', 'Signs', 'Signs shall be red and white.', 1), clause('3', 'Records', 'Records shall be kept for 5 years by the operator.', 2)];
    const { buf, diff } = await redline(from, to);
    expect(diff.clauses.some((c) => c.moved || c.renumbered)).to.equal(true);
    const comments = await partOf(buf, 'word/comments.xml');
    expect(comments).to.match(/was 2|was 3/);
    const xml = await partOf(buf);
    expect(xml).to.contain('<w:commentRangeStart w:id="0"/>');
    expect(xml).to.contain('<w:commentReference w:id="0"/>');
  });

  it('has the summary of changes on the first page and the clauses as Word headings (mammoth reads them)', async () => {
    const { buf } = await redline(FROM, TO);
    const { default: mammoth } = await import('mammoth');
    const html = (await mammoth.convertToHtml({ buffer: buf })).value;
    expect(html).to.contain('<h1>Summary of changes</h1>');
    expect(html).to.contain('<a href="#c_1">should → shall in 1</a>'); // linked to the clause's bookmark
    expect(html).to.contain('50 m → 25 m in 1');
    const summaryAt = html.indexOf('Summary of changes');
    const firstClause = html.indexOf('<h1><a id="c_1"></a>1 Scope</h1>');
    expect(summaryAt).to.be.greaterThan(-1);
    expect(firstClause).to.be.greaterThan(summaryAt);
    expect(html).to.match(/<h1><a id="c_2"><\/a>2 Fencing<\/h1>/); // mammoth reads the text with the changes accepted
  });

  describe('property: accept all → newer text, reject all → older (generated pairs)', () => {
    for (const seed of [1, 2, 3, 5, 8, 13, 21, 34]) {
      it(`seed ${seed}`, async () => {
        const { from, to } = generatePair(1500 + seed * 150, seed);
        const { xml, diff } = await redline(from.clauses, to.clauses);
        const paras = paragraphsOf(xml);
        const newText = printed(to.clauses);
        const oldText = printed(inRedlineOrder(from.clauses, diff));
        const accepted = reviewed(paras, 'accept');
        const rejected = reviewed(paras, 'reject');
        expect(accepted.endsWith(`\n${newText}`), 'accepted').to.equal(true);
        expect(rejected.endsWith(`\n${oldText}`), 'rejected').to.equal(true);
        expect(accepted.length - newText.length).to.equal(rejected.length - oldText.length);
        // the model and the XML agree on how many paragraphs the clauses take
        expect(paras.length).to.be.greaterThanOrEqual(redlineParagraphs(diff, depthsOf(from.clauses, to.clauses)).length);
      });
    }
  });
});
