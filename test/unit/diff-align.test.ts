import { expect } from 'chai';
import fc from 'fast-check';
import { Shingles, alignClauses, inheritKeys } from '../../server/diff/align.ts';
import { diffVersions } from '../../server/diff/index.ts';
import type { Clause } from '../../server/versions/clause.ts';

/** Clauses from [ref, heading, text, key?] rows, positions in row order. */
function clauses(rows: [string, string, string, string?][]): Clause[] {
  return rows.map(([ref, heading, text, key], position) => ({
    ref, heading, text, key: key ?? '', depth: ref.split('.').length, position,
  }));
}

const A = 'Marking shall use red signs placed every 25 m along the boundary of each confirmed hazardous area.';
const B = 'Clearance records shall be kept for ten years and shall be handed over to the national authority on request.';
const C = 'Every deminer shall be trained in first aid and shall carry a personal medical kit during all work on site.';
const D = 'The survey team should interview at least three members of the community before a hazardous area is recorded.';

/** [status, from_ref, to_ref, moved, renumbered] per entry. */
function shape(from: Clause[], to: Clause[]) {
  return alignClauses(from, to).map((a) => [a.status, a.from?.ref ?? null, a.to?.ref ?? null, a.moved, a.renumbered]);
}

describe('diff: clause alignment', () => {
  it('pairs identical versions as unchanged', () => {
    const v = clauses([['4', 'Requirements', ''], ['4.1', 'Marking', A], ['4.2', 'Records', B]]);
    expect(shape(v, v)).to.deep.equal([
      ['unchanged', '4', '4', false, false],
      ['unchanged', '4.1', '4.1', false, false],
      ['unchanged', '4.2', '4.2', false, false],
    ]);
  });

  it('handles empty versions and everything new', () => {
    const v = clauses([['4.1', 'Marking', A], ['4.2', 'Records', B]]);
    expect(alignClauses([], [])).to.deep.equal([]);
    expect(shape([], v).map((e) => e[0])).to.deep.equal(['added', 'added']);
    expect(shape(v, []).map((e) => e[0])).to.deep.equal(['removed', 'removed']);
    const other = clauses([['1', 'Scope', C], ['2', 'Terms', D]]);
    expect(shape(v, other).map((e) => e[0]).sort()).to.deep.equal(['added', 'added', 'removed', 'removed']);
  });

  it('keeps identity through renumbering by key, even when the text changed', () => {
    const from = clauses([['4.1', 'Marking', A, 'a'], ['4.2', 'Records', B, 'b']]);
    const to = clauses([['4.1', 'Training', C, 'c'], ['4.2', 'Marking', A, 'a'], ['4.3', 'Records', `${B} Copies may be kept.`, 'b']]);
    expect(shape(from, to)).to.deep.equal([
      ['added', null, '4.1', false, false],
      ['unchanged', '4.1', '4.2', false, true],
      ['changed', '4.2', '4.3', false, true],
    ]);
  });

  it('finds a renumbered clause without keys by its text', () => {
    const from = clauses([['4.1', 'Marking', A], ['4.2', 'Records', B]]);
    const to = clauses([['4.1', 'Training', C], ['4.2', 'Marking', A.replace('25 m', '50 m')], ['4.3', 'Records', B]]);
    expect(shape(from, to)).to.deep.equal([
      ['added', null, '4.1', false, false],
      ['changed', '4.1', '4.2', false, true],
      ['unchanged', '4.2', '4.3', false, true],
    ]);
  });

  it('pairs by ref and heading when the text was rewritten', () => {
    const from = clauses([['4.1', 'Marking', A]]);
    const to = clauses([['4.1', 'Marking', D]]);
    expect(shape(from, to)).to.deep.equal([['changed', '4.1', '4.1', false, false]]);
  });

  it('marks a clause moved (and renumbered) while the others only shift', () => {
    const from = clauses([['4.1', 'Marking', A], ['4.2', 'Records', B], ['4.3', 'Training', C], ['4.4', 'Survey', D]]);
    const to = clauses([['4.1', 'Survey', D], ['4.2', 'Marking', A], ['4.3', 'Records', B], ['4.4', 'Training', C]]);
    expect(shape(from, to)).to.deep.equal([
      ['unchanged', '4.4', '4.1', true, true],
      ['unchanged', '4.1', '4.2', false, true],
      ['unchanged', '4.2', '4.3', false, true],
      ['unchanged', '4.3', '4.4', false, true],
    ]);
  });

  it('reports a moved clause that was also changed', () => {
    const from = clauses([['4.1', 'Marking', A], ['4.2', 'Records', B], ['4.3', 'Training', C]]);
    const to = clauses([['4.1', 'Training', C.replace('first aid', 'first aid and casualty evacuation')], ['4.2', 'Marking', A], ['4.3', 'Records', B]]);
    expect(shape(from, to)[0]).to.deep.equal(['changed', '4.3', '4.1', true, true]);
  });

  it('reorders: swapping two clauses moves one of them', () => {
    const from = clauses([['4.1', 'Marking', A], ['4.2', 'Records', B]]);
    const to = clauses([['4.1', 'Records', B], ['4.2', 'Marking', A]]);
    const moved = alignClauses(from, to).filter((a) => a.moved);
    expect(moved).to.have.length(1);
    expect(alignClauses(from, to).every((a) => a.status === 'unchanged' && a.renumbered)).to.equal(true);
  });

  it('places a removed clause after the clause that preceded it', () => {
    const from = clauses([['4.1', 'Marking', A], ['4.2', 'Records', B], ['4.3', 'Training', C]]);
    const to = clauses([['4.1', 'Marking', A], ['4.2', 'Training', C]]);
    expect(shape(from, to).map((e) => e[0])).to.deep.equal(['unchanged', 'removed', 'unchanged']);
  });

  it('recognises a split clause: one entry per piece with the same from_ref', () => {
    const from = clauses([['4.1', 'Marking', A], ['4.2', 'Records', `${B}\n\n${C}`], ['4.3', 'Survey', D]]);
    const to = clauses([['4.1', 'Marking', A], ['4.2', 'Records', B], ['4.3', 'Training', C], ['4.4', 'Survey', D]]);
    const d = diffVersions(from, to);
    const pieces = d.clauses.filter((c) => c.from_ref === '4.2');
    expect(pieces.map((c) => c.to_ref)).to.deep.equal(['4.2', '4.3']);
    expect(pieces.every((c) => c.status === 'changed')).to.equal(true);
    // each piece covers its own slice of the old text; together they give all of it
    expect(pieces.map((c) => c.parts.filter((p) => p.op !== 'insert').map((p) => p.text).join('')).join('')).to.equal(`${B}\n\n${C}`);
    expect(pieces[1]!.parts).to.deep.equal([{ op: 'equal', text: C }]);
    expect(d.summary.split.map((l) => l.to_ref)).to.deep.equal(['4.2', '4.3']);
  });

  it('recognises merged clauses: several entries with the same to_ref', () => {
    const from = clauses([['4.1', 'Marking', A], ['4.2', 'Records', B], ['4.3', 'Archives', C], ['4.4', 'Survey', D]]);
    const to = clauses([['4.1', 'Marking', A], ['4.2', 'Records', `${B} ${C}`], ['4.3', 'Survey', D]]);
    const d = diffVersions(from, to);
    const merged = d.clauses.filter((c) => c.to_ref === '4.2');
    expect(merged.map((c) => c.from_ref)).to.deep.equal(['4.2', '4.3']);
    expect(merged.map((c) => c.parts.filter((p) => p.op !== 'delete').map((p) => p.text).join('')).join('')).to.equal(`${B} ${C}`);
    expect(d.clauses.some((c) => c.status === 'removed')).to.equal(false);
  });

  it('does not take a copied paragraph for a split', () => {
    const from = clauses([['4.1', 'Marking', A]]);
    const to = clauses([['4.1', 'Marking', A], ['4.2', 'Marking again', A]]);
    expect(shape(from, to).map((e) => e[0])).to.deep.equal(['unchanged', 'added']);
  });

  it('recognises a split whose pieces were edited, sentence by sentence (issue 14)', () => {
    const evac = 'A casualty shall be evacuated to a surgical facility within 2 hours of injury.';
    const route = 'The evacuation route shall be driven and timed before work starts.';
    const from = clauses([['7.3', 'Medical support', `${C} ${evac} ${route}`], ['7.4', 'Records', B]]);
    // three pieces, the last two one edited sentence each: too little is left of their runs of words
    const to = clauses([['7.3', 'Medic', C], ['7.4', 'Casualty evacuation', evac.replace('2 hours', '1 hour')], ['7.5', 'Evacuation route', route.replace('shall', 'should')], ['7.6', 'Records', B]]);
    expect(shape(from, to)).to.deep.equal([
      ['changed', '7.3', '7.3', false, false],
      ['changed', '7.3', '7.4', false, false],
      ['changed', '7.3', '7.5', false, false],
      ['unchanged', '7.4', '7.6', false, true],
    ]);
    // the piece that kept the number keeps the key; the others are new clauses for comments
    let n = 0;
    const keyed = inheritKeys(clauses([['7.3', 'Medical support', `${C} ${evac} ${route}`, 'k73'], ['7.4', 'Records', B, 'k74']]), to.map(({ key: _, ...c }) => c), () => `new${++n}`);
    expect(keyed.map((c) => c.key)).to.deep.equal(['k73', 'new1', 'new2', 'k74']);
  });

  it('recognises a merge with an edit in the part that joined', () => {
    const from = clauses([['6.1', 'Fencing', A], ['6.2', 'Gates', D], ['6.3', 'Signs', B]]);
    const to = clauses([['6.1', 'Fencing and gates', `${A} ${D.replace('three', 'four')}`], ['6.2', 'Signs', B]]);
    expect(shape(from, to)).to.deep.equal([
      ['changed', '6.1', '6.1', false, false],
      ['changed', '6.2', '6.1', false, false],
      ['unchanged', '6.3', '6.2', false, true],
    ]);
  });

  it('keeps a renamed section heading over the same subclauses, but not a clause rewritten beyond recognition under its number', () => {
    const from = clauses([['6', 'Boundaries', ''], ['6.1', 'Marking', A], ['6.2', 'Community liaison', D]]);
    const to = clauses([['6', 'Perimeter', ''], ['6.1', 'Marking', A], ['6.2', 'Post-handover monitoring', 'For 12 months after handover the organisation shall visit the released land every 3 months.']]);
    expect(shape(from, to)).to.deep.equal([
      ['changed', '6', '6', false, false],
      ['unchanged', '6.1', '6.1', false, false],
      ['removed', '6.2', null, false, false],
      ['added', null, '6.2', false, false],
    ]);
  });

  it('aligns 600 clauses quickly without keys', () => {
    const words = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa'.split(' ');
    const text = (i: number) => Array.from({ length: 60 }, (_, k) => `${words[(i * 7 + k * 3) % 16]}${(i * 31 + k) % 97}`).join(' ');
    const from = clauses(Array.from({ length: 600 }, (_, i) => [`${Math.floor(i / 10) + 1}.${(i % 10) + 1}`, `Clause ${i}`, text(i)]));
    const to = clauses(from.slice(1).map((c, i) => [`${Math.floor(i / 10) + 1}.${(i % 10) + 1}`, c.heading, i % 50 === 0 ? `${c.text} changed` : c.text]));
    const t = performance.now();
    const a = alignClauses(from, to);
    expect(performance.now() - t).to.be.below(500);
    expect(a.filter((x) => x.status === 'removed')).to.have.length(1);
    expect(a.filter((x) => x.status === 'changed')).to.have.length(12);
  });
});

describe('diff: inheritKeys', () => {
  it('gives a draft the keys of the clauses it aligns with, new keys to the rest', () => {
    const basedOn = clauses([['4.1', 'Marking', A, 'k1'], ['4.2', 'Records', B, 'k2']]);
    const draft = clauses([['4.1', 'Training', C], ['4.2', 'Marking', A], ['4.3', 'Records', `${B} Copies may be kept.`]]).map(({ key: _, ...c }) => c);
    let n = 0;
    const keyed = inheritKeys(basedOn, draft, () => `new${++n}`);
    expect(keyed.map((c) => [c.ref, c.key])).to.deep.equal([['4.1', 'new1'], ['4.2', 'k1'], ['4.3', 'k2']]);
  });

  it('keeps the key with the first piece of a split', () => {
    const basedOn = clauses([['4.1', 'Records', `${B}\n\n${C}`, 'k1']]);
    const draft = clauses([['4.1', 'Records', B], ['4.2', 'Training', C]]).map(({ key: _, ...c }) => c);
    expect(inheritKeys(basedOn, draft, () => 'new').map((c) => c.key)).to.deep.equal(['k1', 'new']);
  });
});

describe('diff: the bound on what a split or merge piece can bring (Shingles.reach)', () => {
  // The piece search skips a clause whose partner differs from it in a few words without reading it
  // whole: what `reach` returns must never be less than what reading both clauses whole finds.
  // (a few words not in ASCII: a clause read with the Unicode regexps, a stretch of it perhaps in ASCII)
  const WORDS = ['The', 'operator', 'shall', 'mark', 'the', 'area', 'with', 'red', 'signs', 'every', '25', 'm', 'A', 'deminer', 'should', 'carry', 'a', 'kit', 'on', 'site', 'Émile', 'ça', '“Q”'];
  const SEPS = ['. ', '. ', '; ', ', ', ' ', '\n', '.\n', '! ', '? ', '.  ', ' (', ') '];
  const sentence = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 9 }).map((ws) => ws.join(' '));
  const text = fc.array(fc.tuple(sentence, fc.constantFrom(...SEPS)), { minLength: 1, maxLength: 8 }).map((xs) => xs.map(([s, e]) => s + e).join(''));
  const clause = (body: string, position = 0) => ({ ref: '1', heading: 'Heading', text: body, depth: 1, position });
  // the partner: the source with a stretch replaced; the piece: some of the source's text and some other
  const case_ = fc.record({ source: text, other: text, piece: text, a: fc.nat(), b: fc.nat(), c: fc.nat(), d: fc.nat() });

  it('is at least the words the source holds and its partner does not', () => {
    fc.assert(
      fc.property(case_, ({ source, other, piece: extra, a, b, c, d }) => {
        const [i, j] = [a % (source.length + 1), b % (source.length + 1)].sort((x, y) => x - y);
        const own = source.slice(0, i) + other.slice(0, c % (other.length + 1)) + source.slice(j);
        const pieceText = source.slice(d % (source.length + 1)) + extra;
        const sh = new Shingles();
        const piece = sh.piece(clause(pieceText));
        const inSource = sh.held(piece, clause(source, 1));
        const inOwn = sh.held(piece, clause(own, 2));
        let novel = 0;
        for (let k = 0; k < inSource.length; k++) if (inSource[k] && !inOwn[k]) novel += piece.sizes[k]!;
        expect(sh.reach(piece, source, own)).to.be.at.least(novel);
      }),
      { numRuns: 3000 },
    );
  });

  it('is 0 for the same text, and counts the sentences that differ', () => {
    const sh = new Shingles();
    const piece = sh.piece(clause(`${A} ${B}`));
    expect(sh.reach(piece, `${C} ${A}`, `${C} ${A}`)).to.equal(0);
    // A edited in one word in the source and missing from the partner: A's words count, B's do not
    const edited = A.replace('red', 'blue');
    expect(sh.reach(piece, `${C} ${edited} ${D}`, `${C} ${D}`)).to.equal(piece.sizes[0]);
    expect(sh.reach(piece, `${C} ${edited} ${B}`, `${C} ${B}`)).to.equal(piece.sizes[0]);
  });
});
