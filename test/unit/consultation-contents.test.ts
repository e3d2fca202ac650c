import { expect } from 'chai';
import { nestContents } from '../../server/consultations/contents.ts';

const entry = (c: { ref: string }) => ({ ref: c.ref, num: c.ref, heading: '', count: 0, commentsLink: null });
const shape = (xs: ReturnType<typeof nestContents>): unknown => xs.map((x) => (x.children.length ? [x.ref, shape(x.children)] : x.ref));

describe('consultation contents: nesting', () => {
  it('nests clauses by depth, in document order', () => {
    const clauses = [
      { ref: 'foreword', depth: 0 }, { ref: '7', depth: 0 }, { ref: '7.1', depth: 1 }, { ref: '7.1.1', depth: 2 },
      { ref: '7.2', depth: 1 }, { ref: '8', depth: 0 }, { ref: 'annex-a', depth: 0 }, { ref: 'annex-a.1', depth: 1 },
    ];
    expect(shape(nestContents(clauses, entry))).to.deep.equal(['foreword', ['7', [['7.1', ['7.1.1']], '7.2']], '8', ['annex-a', ['annex-a.1']]]);
  });

  it('a jump of two levels still nests under the clause before; a list starting deep is kept', () => {
    expect(shape(nestContents([{ ref: '7', depth: 0 }, { ref: '7.4.1', depth: 2 }, { ref: '7.5', depth: 1 }], entry))).to.deep.equal([['7', ['7.4.1', '7.5']]]);
    expect(shape(nestContents([{ ref: '3.1', depth: 1 }, { ref: '4', depth: 0 }], entry))).to.deep.equal(['3.1', '4']);
    expect(nestContents([], entry)).to.deep.equal([]);
  });
});
