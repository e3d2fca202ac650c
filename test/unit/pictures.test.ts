/**
 * The pictures of issue 20 (server/pictures/): each builder's SVG parses as XML, escapes every text it
 * was given, and draws what the data says — counts, positions in date order, thresholds at their fractions.
 */
import { expect } from 'chai';
import { XMLValidator } from 'fast-xml-parser';
import { DomUtils, parseDocument } from 'htmlparser2';
import type { Element } from 'domhandler';
import { esc, tag, text } from '../../server/pictures/svg.ts';
import { timelineSvg, type TimelineMark } from '../../server/pictures/timeline.ts';
import { ruleLines, tallySvg, type TallyInput } from '../../server/pictures/tally.ts';
import { clauseBands, heatSvg, layout } from '../../server/pictures/heat.ts';
import { ageSvg } from '../../server/pictures/age.ts';

const NASTY = `A <b>&amp; "quoted" 'x' & </svg><script>alert(1)</script>\u0001`;

/** Parses strictly (throws on a picture that is not well-formed) and returns the root <svg>. */
function parse(svg: string): Element {
  const valid = XMLValidator.validate(svg);
  expect(valid, JSON.stringify(valid)).to.equal(true);
  const doc = parseDocument(svg, { xmlMode: true });
  const root = DomUtils.getChildren(doc).find((n): n is Element => DomUtils.isTag(n))!;
  expect(root.name).to.equal('svg');
  return root;
}
const all = (root: Element, pred: (e: Element) => boolean) => DomUtils.findAll(pred, [root]);
const byClass = (root: Element, cls: string) => all(root, (e) => (e.attribs.class ?? '').split(' ').includes(cls));
const num = (e: Element, a: string) => Number(e.attribs[a]);
const textOf = (root: Element, name: string) => DomUtils.textContent(all(root, (e) => e.name === name)[0]!);
/** The text alternative: title and desc, named by aria-labelledby and aria-describedby. */
function alternative(root: Element): { title: string; desc: string } {
  const t = all(root, (e) => e.attribs.id === root.attribs['aria-labelledby'])[0];
  const d = all(root, (e) => e.attribs.id === root.attribs['aria-describedby'])[0];
  expect(t?.name, 'aria-labelledby names the <title>').to.equal('title');
  expect(d?.name, 'aria-describedby names the <desc>').to.equal('desc');
  return { title: DomUtils.textContent(t!), desc: DomUtils.textContent(d!) };
}
const decode = (s: string) => s.replace(/&#(\d+);/g, (_m, n) => String.fromCharCode(Number(n)));

describe('pictures: the SVG helper', () => {
  it('escapes the five XML characters and drops characters XML does not allow', () => {
    expect(esc(`<&>"'`)).to.equal('&#60;&#38;&#62;&#34;&#39;');
    expect(esc('a\u0000b\u001Fc\uFFFEd')).to.equal('abcd');
    expect(esc('\uD800x')).to.equal('x'); // a lone surrogate
    expect(esc('😀')).to.equal('😀');
  });

  it('writes attributes escaped and leaves out the absent ones', () => {
    const s = tag('a', { href: '/x?a=1&b="2"', title: null, hidden: false, n: 1.23456 }, text('<t>'));
    expect(s).to.equal('<a href="/x?a=1&#38;b=&#34;2&#34;" n="1.23">&#60;t&#62;</a>');
    parse(`<svg xmlns="http://www.w3.org/2000/svg">${s}</svg>`);
  });
});

describe('pictures: the timeline of a standard', () => {
  const marks: TimelineMark[] = [
    { kind: 'edition', label: 'Edition 2', start: '2026-01-16', href: '/standards/07.11/versions/3' },
    { kind: 'edition', label: 'Edition 1', start: '2019-03-01', href: '/standards/07.11/versions/1' },
    { kind: 'amendment', label: 'Edition 1 Amendment 1', start: '2021-07-01', href: '/standards/07.11/versions/2' },
    { kind: 'draft', label: 'Draft', start: '2026-09-01T10:00:00.000Z', href: '/standards/07.11/versions/4' },
    { kind: 'consultation', label: 'Consultation C-1', start: '2026-10-01T00:00:00.000Z', end: '2026-11-30T00:00:00.000Z', href: '/consultations/1' },
    { kind: 'ballot', label: 'Ballot 7', start: '2026-12-01T00:00:00.000Z', end: '2027-03-01T00:00:00.000Z', href: '/ballots/7' },
  ];
  const svg = timelineSvg({ id: 'timeline', name: 'IMAS 07.11', marks, today: '2026-11-23' });
  const root = parse(svg);

  it('has a text alternative: its title, and every mark in date order in its description', () => {
    const alt = alternative(root);
    expect(alt.title).to.equal('Timeline of IMAS 07.11');
    const at = ['Edition 1 (', 'Edition 1 Amendment 1', 'Edition 2', 'Draft', 'Consultation C-1', 'Ballot 7'].map((l) => alt.desc.indexOf(l));
    expect(at.every((x) => x >= 0)).to.equal(true);
    expect([...at].sort((a, b) => a - b)).to.deep.equal(at);
    expect(alt.desc).to.contain('2026-10-01 to 2026-11-30');
    // its marks are links: a group, so that they keep their names (an img would hide them)
    expect(root.attribs.role).to.equal('group');
  });

  it('makes each mark a link to its page, named', () => {
    const links = all(root, (e) => e.name === 'a');
    expect(links.map((a) => a.attribs.href).sort()).to.deep.equal(marks.map((m) => m.href).sort());
    for (const a of links) expect(DomUtils.textContent(a)).to.match(/: \d{4}-\d{2}-\d{2}/);
  });

  it('places the marks by date on one axis: later is further right, a window is as wide as it lasts', () => {
    const editions = byClass(root, 'mark-edition').map((e) => num(e, 'cx'));
    expect(editions).to.have.length(2);
    expect(editions[0]).to.be.lessThan(editions[1]!); // drawn in date order though given out of it
    const amendment = byClass(root, 'mark-amendment')[0]!;
    const ax = Number(/^M([\d.]+)/.exec(amendment.attribs.d!)![1]);
    expect(ax).to.be.greaterThan(editions[0]!).and.lessThan(editions[1]!);
    const c = byClass(root, 'mark-consultation')[0]!;
    const b = byClass(root, 'mark-ballot')[0]!;
    expect(num(b, 'x')).to.be.greaterThan(num(c, 'x') + num(c, 'width') - 0.01); // the ballot after the consultation
    // 60 days against 90: two thirds as wide
    expect(num(c, 'width') / num(b, 'width')).to.be.closeTo(60 / 90, 0.01);
    // one year between Edition 1 (2019-03-01) and 2020-03-01 is as long as any other year
    const year = (num(c, 'width') / 60) * 365;
    expect(ax - editions[0]!).to.be.closeTo(year * (853 / 365), 0.5); // 853 days to 2021-07-01
    const today = byClass(root, 'today')[0]!;
    expect(num(today, 'x1')).to.be.greaterThan(num(c, 'x')).and.lessThan(num(c, 'x') + num(c, 'width'));
  });

  it('draws the mark of the page being read without a link', () => {
    const here = parse(timelineSvg({ id: 't', name: 'X', marks: [{ ...marks[0]!, href: null }, marks[1]!], today: '2026-11-23' }));
    expect(all(here, (e) => e.name === 'a').map((a) => a.attribs.href)).to.deep.equal([marks[1]!.href]);
    const g = byClass(here, 'here')[0]!;
    expect(DomUtils.textContent(g)).to.equal('Edition 2: 2026-01-16 (this page)');
    expect(byClass(g, 'mark-edition')).to.have.length(1);
  });

  it('has one lane per kind present, and only those', () => {
    const lanes = byClass(root, 'lane').map((e) => DomUtils.textContent(e));
    expect(lanes).to.deep.equal(['Editions', 'Drafts', 'Consultations', 'Ballots']);
    const only = parse(timelineSvg({ id: 't', name: 'X', marks: marks.slice(0, 2), today: '2026-11-23' }));
    expect(byClass(only, 'lane').map((e) => DomUtils.textContent(e))).to.deep.equal(['Editions']);
    expect(parse(timelineSvg({ id: 't', name: 'X', marks: [], today: '2026-11-23' })).name).to.equal('svg');
  });

  it('escapes every text: names, labels and links', () => {
    const evil = parse(timelineSvg({ id: 'evil', name: NASTY, marks: [{ kind: 'edition', label: NASTY, start: '2020-01-01', href: '/x?a=1&b=<2>' }], today: '2026-11-23' }));
    const clean = NASTY.replace('\u0001', '');
    expect(decode(textOf(evil, 'title'))).to.equal(`Timeline of ${clean}`);
    expect(all(evil, (e) => e.name === 'script')).to.deep.equal([]);
    expect(decode(all(evil, (e) => e.name === 'a')[0]!.attribs.href!)).to.equal('/x?a=1&b=<2>');
  });
});

describe('pictures: the tally of a ballot', () => {
  const base: TallyInput = {
    id: 'tally', name: 'ballot 3', rule: 'iso', quorum: 0.5, closed: false,
    tally: { approve: 4, disapprove: 1, abstain: 2 },
    counts: { electorate: 10, positions: 7, votes_cast: 5, quorum_required: 5 },
  };
  const lines = (root: Element, cls: string) => {
    const frame = byClass(root, 'bar-frame');
    return byClass(root, cls).map((l) => {
      const f = frame.find((r) => num(r, 'y') > num(l, 'y1') && num(r, 'y') < num(l, 'y2'))!;
      return (num(l, 'x1') - num(f, 'x')) / num(f, 'width');
    });
  };

  it('draws the ISO rule at two thirds approving and one quarter disapproving (from the right)', () => {
    const root = parse(tallySvg(base));
    const at = lines(root, 'threshold');
    expect(at).to.have.length(2);
    expect(at[0]).to.be.closeTo(2 / 3, 0.001);
    expect(at[1]).to.be.closeTo(3 / 4, 0.001);
    expect(ruleLines('iso').map((l) => l.at)).to.deep.equal([2 / 3, 3 / 4]);
  });

  it('draws one half for a majority, and no line for consensus', () => {
    expect(lines(parse(tallySvg({ ...base, rule: 'majority' })), 'threshold')).to.deep.equal([0.5]);
    expect(byClass(parse(tallySvg({ ...base, rule: 'consensus' })), 'threshold')).to.deep.equal([]);
  });

  it('sizes the bars from the tally: votes cast, then positions of the electorate, with the quorum line', () => {
    const root = parse(tallySvg(base));
    const [castFrame, quorumFrame] = byClass(root, 'bar-frame');
    const seg = (cls: string) => byClass(root, cls).filter((e) => e.attribs['data-n']);
    const [approveCast, approveQuorum] = seg('seg-approve');
    expect(num(approveCast!, 'width') / num(castFrame!, 'width')).to.be.closeTo(4 / 5, 0.001);
    expect(num(seg('seg-disapprove')[0]!, 'width') / num(castFrame!, 'width')).to.be.closeTo(1 / 5, 0.001);
    expect(num(approveQuorum!, 'width') / num(quorumFrame!, 'width')).to.be.closeTo(4 / 10, 0.001);
    expect(num(seg('seg-abstain')[0]!, 'width') / num(quorumFrame!, 'width')).to.be.closeTo(2 / 10, 0.001);
    expect(lines(root, 'quorum-line')).to.deep.equal([0.5]);
    const alt = alternative(root);
    expect(alt.title).to.equal('Live tally of ballot 3 against the iso rule and the quorum');
    expect(alt.desc).to.contain('5 votes cast: 4 approve, 1 disapprove').and.contain('7 of 10 organisations').and.contain('5 required');
    expect(root.attribs.role).to.equal('img');
  });

  it('draws no segment when no vote is cast, and the quorum line where the count puts it', () => {
    const root = parse(tallySvg({ ...base, tally: { approve: 0, disapprove: 0, abstain: 0 }, counts: { electorate: 3, positions: 0, votes_cast: 0, quorum_required: 2 }, closed: true }));
    expect(all(root, (e) => e.attribs['data-n'] !== undefined)).to.deep.equal([]);
    expect(lines(root, 'quorum-line')[0]).to.be.closeTo(2 / 3, 0.001);
    expect(alternative(root).title).to.match(/^Result of/);
  });

  it('escapes the name', () => {
    const root = parse(tallySvg({ ...base, name: NASTY }));
    expect(decode(alternative(root).title)).to.contain(NASTY.replace('\u0001', ''));
  });
});

describe('pictures: comments per clause as a heat strip', () => {
  const clauses = [
    { ref: '1', heading: 'Scope', text: 'x'.repeat(100), depth: 1, key: 'k1' },
    { ref: '2', heading: 'Terms', text: 'x'.repeat(300), depth: 1, key: 'k2' },
    { ref: '2.1', heading: 'Marking <&>', text: 'x'.repeat(200), depth: 2, key: 'k3' },
    { ref: 'annex-a', heading: 'Annex', text: 'x'.repeat(100), depth: 1, key: 'k4' },
  ];
  const counts = new Map([['k2', 1], ['k3', 4], ['', 2], ['gone', 9]]);
  const bands = clauseBands(clauses, counts, (ref) => `#clause-${ref}`);
  const root = parse(heatSvg({ id: 'heat', name: 'IMAS 07.11 v4', bands, general: 2 }));
  const rects = byClass(root, 'band');

  it('has one band per clause, in document order, each a link to its clause', () => {
    expect(rects).to.have.length(4);
    const links = all(root, (e) => e.name === 'a').map((a) => a.attribs.href);
    expect(links).to.deep.equal(['#clause-1', '#clause-2', '#clause-2.1', '#clause-annex-a']);
    const xs = rects.map((r) => num(r, 'x'));
    expect([...xs].sort((a, b) => a - b)).to.deep.equal(xs);
  });

  it('counts by clause key, shades by count and sizes by length', () => {
    expect(rects.map((r) => Number(r.attribs['data-count']))).to.deep.equal([0, 1, 4, 0]);
    expect(rects[0]!.attribs['fill-opacity']).to.equal(undefined);
    expect(Number(rects[2]!.attribs['fill-opacity'])).to.equal(1);
    expect(Number(rects[1]!.attribs['fill-opacity'])).to.be.greaterThan(0).and.lessThan(1);
    const w = rects.map((r) => num(r, 'width'));
    expect(w[1]! / w[0]!).to.be.closeTo(305 / 105, 0.01);
    expect(w.reduce((a, b) => a + b, 0)).to.be.closeTo(720, 0.05);
  });

  it('says it in words: the total, the clauses most commented, the general comments', () => {
    const alt = alternative(root);
    expect(alt.desc).to.equal('5 comments on 2 clauses of 4, and 2 general comments. Most commented: 2.1 Marking <&> (4); 2 Terms (1).');
    expect(all(root, (e) => e.name === 'a').map((a) => DomUtils.textContent(a))[2]).to.equal('2.1 Marking <&>: 4 comments');
  });

  it('keeps a short clause wide enough to click, and a document without comments draws none', () => {
    const boxes = layout([{ weight: 1000 }, { weight: 1 }, { weight: 1000 }]);
    expect(boxes[1]!.w).to.be.greaterThan(20);
    const none = parse(heatSvg({ id: 'h', name: 'X', bands: clauseBands(clauses, new Map(), (r) => `#c-${r}`) }));
    expect(byClass(none, 'band').every((r) => r.attribs['fill-opacity'] === undefined)).to.equal(true);
    expect(alternative(none).desc).to.equal('No comment on any of the 4 clauses of X.');
  });
});

describe('pictures: the age of each document against its review period', () => {
  const rows = [
    { label: 'IMAS 07.11', href: '/standards/07.11', lastEdition: '2020-01-01', years: 3 },
    { label: 'IMAS 09.10', href: '/standards/09.10', lastEdition: '2025-06-01', years: 3 },
    { label: 'IMAS 04.10', href: '/standards/04.10', lastEdition: '2023-10-01', years: 3 },
    { label: 'TNMA 12.10/01', href: '/standards/tnma-12.10-01', lastEdition: null, years: 1 },
  ];
  const root = parse(ageSvg({ id: 'ages-07', name: '07 <Management>', rows, today: '2026-08-01' }));

  it('marks the overdue and the due, as the review queue does', () => {
    const bars = all(root, (e) => e.attribs['data-age'] !== undefined);
    expect(bars.map((b) => b.attribs.class)).to.deep.equal(['age age-overdue', 'age age-ok', 'age age-due']);
    expect(byClass(root, 'status').map((e) => DomUtils.textContent(e))).to.deep.equal(['overdue', 'review due']);
    expect(Number(bars[0]!.attribs['data-age'])).to.be.closeTo(6.58, 0.01);
  });

  it('draws each bar to its age and the period line at its years, on one scale', () => {
    const bars = all(root, (e) => e.attribs['data-age'] !== undefined);
    const periods = byClass(root, 'period');
    // one scale: the period line of 3 years at 3/6.58 of the oldest bar's length (ages kept to 2 decimals)
    const unit = num(bars[0]!, 'width') / Number(bars[0]!.attribs['data-age']);
    expect(num(periods[0]!, 'x1') - num(bars[0]!, 'x')).to.be.closeTo(3 * unit, 0.5);
    expect(num(bars[1]!, 'width')).to.be.closeTo(Number(bars[1]!.attribs['data-age']) * unit, 0.5);
  });

  it('links every document, says the one with nothing published, and escapes', () => {
    expect(all(root, (e) => e.name === 'a').map((a) => a.attribs.href)).to.deep.equal(rows.map((r) => r.href));
    const alt = alternative(root);
    expect(decode(alt.title)).to.equal('Age of the documents of 07 <Management> against their review period');
    expect(alt.desc).to.contain('IMAS 07.11: 6.6 years since its last edition or amendment, review every 3 years, overdue');
    expect(alt.desc).to.contain('TNMA 12.10/01: nothing published');
  });
});
