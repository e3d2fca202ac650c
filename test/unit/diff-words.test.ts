import { expect } from 'chai';
import fc from 'fast-check';
import { diffVersions } from '../../server/diff/index.ts';
import { diffText, partitionText, sideText } from '../../server/diff/words.ts';
import type { Clause } from '../../server/versions/clause.ts';

// text made of clause-like material: words, verbs, numbers, punctuation, spaces and newlines
const token = fc.constantFrom('shall', 'should', 'not', 'mark', 'area', '50', 'm', '.', ',', ' ', '  ', '\n', '\n\n', 'é', '<b>', '&', '日本');
const text = fc.array(token, { maxLength: 60 }).map((ts) => ts.join(''));

describe('diff: word diff of a clause', () => {
  it('rebuilds both texts exactly from the parts', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        const parts = diffText(a, b);
        expect(sideText(parts, 'old')).to.equal(a);
        expect(sideText(parts, 'new')).to.equal(b);
        expect(parts.every((p) => p.text.length > 0)).to.equal(true);
      }),
      { numRuns: 500 },
    );
  });

  it('rebuilds an edited text (small changes to a long text)', () => {
    fc.assert(
      fc.property(text, fc.array(fc.tuple(fc.nat(), text), { maxLength: 4 }), (a, edits) => {
        let b = a;
        for (const [at, s] of edits) b = b.slice(0, at % (b.length + 1)) + s + b.slice(at % (b.length + 1));
        const parts = diffText(a, b);
        expect(sideText(parts, 'old')).to.equal(a);
        expect(sideText(parts, 'new')).to.equal(b);
      }),
    );
  });

  it('gives one delete then one insert for a replaced word, between equal parts', () => {
    expect(diffText('Teams should mark the area.', 'Teams shall mark the area.')).to.deep.equal([
      { op: 'equal', text: 'Teams ' },
      { op: 'delete', text: 'should' },
      { op: 'insert', text: 'shall' },
      { op: 'equal', text: ' mark the area.' },
    ]);
  });

  it('handles empty sides', () => {
    expect(diffText('', '')).to.deep.equal([]);
    expect(diffText('', 'new')).to.deep.equal([{ op: 'insert', text: 'new' }]);
    expect(diffText('old', '')).to.deep.equal([{ op: 'delete', text: 'old' }]);
  });

  it('cuts a text into slices that join back to it', () => {
    fc.assert(
      fc.property(text, fc.array(text, { minLength: 1, maxLength: 4 }), (whole, pieces) => {
        const slices = partitionText(whole, pieces);
        expect(slices).to.have.length(pieces.length);
        expect(slices.join('')).to.equal(whole);
      }),
    );
    expect(partitionText('One. Two.', ['One.', 'Two.'])).to.deep.equal(['One. ', 'Two.']);
  });
});

/** Versions as lists of [heading, text], numbered 4.1, 4.2, … */
const version = fc.array(fc.tuple(fc.constantFrom('Marking', 'Records', 'Training', 'General'), text), { maxLength: 8 });
function toClauses(rows: [string, string][], keyed: boolean): Clause[] {
  return rows.map(([heading, t], k) => ({ ref: `4.${k + 1}`, heading, text: t, depth: 2, position: k, key: keyed ? `k${heading}${k}` : '' }));
}

describe('diff: whole versions', () => {
  it('each entry rebuilds its old and new text; every clause of both versions appears', () => {
    fc.assert(
      fc.property(version, version, fc.boolean(), (a, b, keyed) => {
        const from = toClauses(a, keyed);
        const to = toClauses(b, keyed);
        const d = diffVersions(from, to);
        const oldText = new Map<string, string>();
        const newText = new Map<string, string>();
        for (const c of d.clauses) {
          if (c.from_ref) oldText.set(c.from_ref, (oldText.get(c.from_ref) ?? '') + sideText(c.parts, 'old'));
          if (c.to_ref) newText.set(c.to_ref, (newText.get(c.to_ref) ?? '') + sideText(c.parts, 'new'));
        }
        // split pieces each cover a slice of the old text and merged entries a slice of the new
        expect(from.map((c) => oldText.get(c.ref))).to.deep.equal(from.map((c) => c.text));
        expect(to.map((c) => newText.get(c.ref))).to.deep.equal(to.map((c) => c.text));
      }),
      { numRuns: 300 },
    );
  });
});
