import { expect } from 'chai';
import fc from 'fast-check';
import { diffVersions } from '../../server/diff/index.ts';
import { diffText, partitionText, sideText, wordsWithSpace } from '../../server/diff/words.ts';
import { wordsWithSpaceDiff } from 'diff';
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

describe('diff: the word tokeniser made once', () => {
  it('cuts a text as the library cuts it', () => {
    const pieces = ['word', 'Wörd', 'x_y', '2.5', '25', ' ', '  ', '\t', '\n', '\r\n', '\r', '.', ',', ';', '(', ')', '—', '²', 'é', 'ß', '\u00ad', 'Ɐ', 'ḁ', '中', '😀', '\u00a0'];
    // (and any character up to U+2000, past the last range of the library's word characters, its edges included)
    const edges = [0xad, 0xbf, 0xc0, 0xd6, 0xd7, 0xd8, 0xf6, 0xf7, 0xf8, 0x2c6, 0x2c7, 0x2c8, 0x2d7, 0x2d8, 0x2dd, 0x2de, 0x2ff, 0x300, 0x1dff, 0x1e00, 0x1eff, 0x1f00];
    const char = fc.oneof(fc.integer({ min: 0, max: 0x2000 }), fc.constantFrom(...edges)).map((c) => String.fromCodePoint(c));
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...pieces), char), { maxLength: 30 }), (xs) => {
        const s = xs.join('');
        expect(wordsWithSpace.tokenize(s)).to.deep.equal(wordsWithSpaceDiff.tokenize(s));
      }),
      { numRuns: 1000 },
    );
  });
});
