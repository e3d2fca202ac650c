import { expect } from 'chai';
import fc from 'fast-check';
import { countWords, sentencesOf, wordsOf, wordsPerSentence } from '../../server/diff/sentences.ts';
import { findNumbers, findVerbs } from '../../server/diff/summary.ts';

// ASCII text is read with ASCII twins of the Unicode regexps (server/diff/sentences.ts isAscii). A line
// with a non-ASCII letter appended sends the same text through the Unicode ones: both must read alike.
const PIECES = [
  'The', 'operator', 'shall', 'SHALL NOT', 'should', 'may', 'e.g.', 'IMAS', '07.11', '2.5', '25', '3,5', 'm', 'km', 'm2',
  'hours', 'h', '%', 'kg', 'per cent', 'x9', '9x', '(a)', '1.', '-', "'quoted'", '"Q"', '.', '. ', '! ', '? ', ';', ',', ' ', '  ',
  '\t', '\n', '\n\n', 'A', 'b', 'Z',
];
const asciiText = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((xs) => xs.join(''));
const UNICODE_LINE = '\n\u00e9';

describe('diff: ASCII text read as the Unicode regexps read it', () => {
  it('gives the same words, sentences, verbs and numbers', () => {
    fc.assert(
      fc.property(asciiText, (t) => {
        const u = t + UNICODE_LINE;
        expect(countWords(t)).to.equal(countWords(u) - 1);
        expect(wordsOf(t)).to.deep.equal(wordsOf(u).slice(0, -1));
        expect(wordsPerSentence(t)).to.deep.equal(wordsPerSentence(u).slice(0, -1));
        expect(sentencesOf(t)).to.deep.equal(sentencesOf(u).slice(0, -1));
        expect(findNumbers(t)).to.deep.equal(findNumbers(u));
        expect(findVerbs(t)).to.deep.equal(findVerbs(u));
      }),
      { numRuns: 2000 },
    );
  });
});
