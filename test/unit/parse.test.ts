import { expect } from 'chai';
import { clauseNumber, countWords, parseClauses, parseClausesOrThrow, ParseError } from '../../server/versions/parse.ts';

const doc = (...lines: string[]) => lines.join('\n');

describe('Markdown → clauses', () => {
  it('reads numbered, named and annex headings with their depth, order and body', () => {
    const clauses = parseClausesOrThrow(
      doc(
        '# Foreword', 'This is a sample.', '',
        '# Introduction', 'Why.',
        '# 1 Scope', 'It covers land.',
        '# 4 Requirements',
        '## 4.2 Marking', 'Hazards **shall** be marked.', '',
        '### 4.2.1 Signs', '- red', '- white',
        '# Annex A (normative) Records',
        '## A.1 Forms', 'Use form 1.',
        '### A.1.2 Copies', 'Two.',
        '# Bibliography',
      ),
    );
    expect(clauses.map((c) => [c.ref, c.depth, c.position])).to.deep.equal([
      ['foreword', 1, 0], ['introduction', 1, 1], ['1', 1, 2], ['4', 1, 3], ['4.2', 2, 4], ['4.2.1', 3, 5],
      ['annex-a', 1, 6], ['annex-a.1', 2, 7], ['annex-a.1.2', 3, 8], ['bibliography', 1, 9],
    ]);
    expect(clauses[4]).to.include({ heading: 'Marking', text: 'Hazards **shall** be marked.' });
    expect(clauses[5]!.text).to.equal('- red\n- white');
    expect(clauses[6]!.heading).to.equal('(normative) Records');
    expect(clauses[3]!.text).to.equal('');
  });

  it('accepts a number alone and a trailing dot', () => {
    const clauses = parseClausesOrThrow(doc('# 4', '## 4.1. Marking', 'x'));
    expect(clauses.map((c) => [c.ref, c.heading])).to.deep.equal([['4', ''], ['4.1', 'Marking']]);
  });

  it('keeps headings inside code fences as body text', () => {
    const clauses = parseClausesOrThrow(doc('# 1 Scope', '```', '# not a heading', '```'));
    expect(clauses).to.have.length(1);
    expect(clauses[0]!.text).to.equal('```\n# not a heading\n```');
  });

  const problem = (text: string) => parseClauses(text).problems;

  it('reports text before the first heading with its line', () => {
    expect(problem(doc('', 'Hello', '# 1 Scope'))).to.deep.equal([{ line: 2, message: 'Text before the first heading: every paragraph must belong to a clause (start with e.g. "# Foreword").' }]);
  });

  it('reports a duplicate clause number with both lines', () => {
    const p = problem(doc('# 4 A', '## 4.1 B', '## 4.1 C'));
    expect(p).to.have.length(1);
    expect(p[0]!.line).to.equal(3);
    expect(p[0]!.message).to.contain('4.1 appears twice (first at line 2)');
  });

  it('reports a skipped level', () => {
    const p = problem(doc('# 4 A', '### 4.1.1 B'));
    expect(p[0]!.line).to.equal(2);
    expect(p[0]!.message).to.match(/Level skipped/);
  });

  it('reports a heading level that does not match its number', () => {
    const p = problem(doc('# 4 A', '# 4.1 B'));
    expect(p[0]).to.deep.equal({ line: 2, message: 'Clause 4.1 needs a level-2 heading ("##"), not "#".' });
  });

  it('reports a clause under the wrong parent', () => {
    const p = problem(doc('# 4 A', '# 5 B', '## 4.1 C'));
    expect(p[0]!.line).to.equal(3);
    expect(p[0]!.message).to.contain('must come under clause 4');
  });

  it('reports an unnumbered sub-heading and an annex clause outside its annex', () => {
    expect(problem(doc('# 4 A', '## Notes'))[0]!.message).to.match(/needs a clause number/);
    expect(problem(doc('# Annex A Forms', '## B.1 X'))[0]!.message).to.contain('must come under clause annex-b');
  });

  it('reports empty text, and no headings at all', () => {
    expect(problem('  \n\n')).to.deep.equal([{ line: 1, message: 'The text is empty: paste or upload the standard.' }]);
    expect(problem('just words')[0]!.message).to.match(/Text before the first heading/);
  });

  it('reports an unclosed code fence and an empty heading', () => {
    expect(problem(doc('# 1 A', '```', 'code'))[0]!.message).to.match(/never closed/);
    expect(problem(doc('# 1 A', '##   '))).to.deep.equal([{ line: 2, message: 'Empty heading: give it a clause number or a name.' }]);
  });

  it('adds the line offset of the front matter to every line', () => {
    expect(parseClauses(doc('x', '# 1 A'), 10).problems[0]!.line).to.equal(11);
    expect(parseClauses(doc('# 1 A'), 10).clauses[0]!.line).to.equal(11);
  });

  it('throws a ParseError listing every problem', () => {
    expect(() => parseClausesOrThrow(doc('x', '# 1 A', '# 1 B'))).to.throw(ParseError, /line 1: .*\nline 3: /);
  });

  it('numbers clauses for display and counts words', () => {
    expect(clauseNumber('4.2.1')).to.equal('4.2.1');
    expect(clauseNumber('annex-a')).to.equal('Annex A');
    expect(clauseNumber('annex-b.2')).to.equal('B.2');
    expect(clauseNumber('foreword')).to.equal('');
    expect(countWords('The area shall be 50 m wide; re-survey it.')).to.equal(9);
  });
});
