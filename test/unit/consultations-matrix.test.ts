import { expect } from 'chai';
import { CursorError, decodeCursor, encodeCursor, facetCounts, MAX_PAGE_SIZE, parseLimit, queryDigest, type CubeCell } from '../../server/consultations/matrix.ts';

/** Issue 18: the comment matrix's cursor, page size and counts beside each filter (pure). */
describe('comment matrix: cursor, limit and counts per filter', () => {
  it('a cursor gives back the place it was made at, for the query it was made for only', () => {
    const d = queryDigest({ type: 'technical', organisation: 'Alpha' }, 'organisation');
    expect(decodeCursor(encodeCursor({ key: 'Alpha', seq: 42 }, d), d, 'organisation')).to.deep.equal({ key: 'Alpha', seq: 42 });
    const dc = queryDigest({}, 'clause');
    expect(decodeCursor(encodeCursor({ key: -1, seq: 3 }, dc), dc, 'clause')).to.deep.equal({ key: -1, seq: 3 });
    // The same filters given in another order are the same query.
    expect(queryDigest({ organisation: 'Alpha', type: 'technical' }, 'organisation')).to.equal(d);
    // Another filter, another order: refused, with the message that says so.
    const other = queryDigest({ type: 'editorial', organisation: 'Alpha' }, 'organisation');
    expect(() => decodeCursor(encodeCursor({ key: 'Alpha', seq: 42 }, d), other, 'organisation')).to.throw(CursorError, /other filters or another order/);
    expect(queryDigest({}, 'reference')).to.not.equal(queryDigest({}, 'clause'));
  });

  it('refuses cursors it did not make: not base64url, not JSON, wrong fields, a key of the wrong kind', () => {
    const d = queryDigest({}, 'reference');
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    for (const bad of ['', '%%%', 'a'.repeat(700), Buffer.from('not json').toString('base64url'), enc(null), enc([1]), enc({ d, k: null, q: -1 }), enc({ d, k: null, q: 1.5 }), enc({ d, k: 'x', q: 1 }), enc({ d: 5, k: null, q: 1 })]) {
      expect(() => decodeCursor(bad, d, 'reference'), bad.slice(0, 20)).to.throw(CursorError);
    }
    const dc = queryDigest({}, 'clause');
    expect(() => decodeCursor(enc({ d: dc, k: '4.1', q: 1 }), dc, 'clause')).to.throw(CursorError);
    expect(decodeCursor(enc({ d, k: null, q: 0 }), d, 'reference')).to.deep.equal({ key: null, seq: 0 });
  });

  it('limit: absent, or a whole number from 1 to the maximum', () => {
    expect(parseLimit(undefined)).to.equal(undefined);
    expect(parseLimit('1')).to.equal(1);
    expect(parseLimit(String(MAX_PAGE_SIZE))).to.equal(MAX_PAGE_SIZE);
    for (const bad of ['0', String(MAX_PAGE_SIZE + 1), '-3', '2.5', 'ten', '', ['5', '6'], '99999']) expect(() => parseLimit(bad), String(bad)).to.throw(CursorError, /limit/);
  });

  it('counts beside each filter keep the other filters, from the cells of one grouped count', () => {
    const cube: CubeCell[] = [
      { type: 'technical', organisation: 'A', disposition: null, n: 5 },
      { type: 'technical', organisation: 'B', disposition: 'accepted', n: 2 },
      { type: 'editorial', organisation: 'A', disposition: 'accepted', n: 3 },
      { type: 'general', organisation: 'B', disposition: null, n: 1 },
    ];
    const none = facetCounts(cube, {});
    expect(none.matching).to.equal(11);
    expect(none.all).to.equal(11);
    expect(Object.fromEntries(none.types)).to.deep.equal({ technical: 7, editorial: 3, general: 1 });
    expect(Object.fromEntries(none.dispositions)).to.deep.equal({ none: 6, accepted: 5 });
    const a = facetCounts(cube, { organisation: 'A' });
    expect(a.matching).to.equal(8);
    // Types and dispositions counted within A; organisations counted as if A were not chosen.
    expect(Object.fromEntries(a.types)).to.deep.equal({ technical: 5, editorial: 3 });
    expect(Object.fromEntries(a.organisations)).to.deep.equal({ A: 8, B: 3 });
    const t = facetCounts(cube, { type: 'technical', disposition: 'none' });
    expect(t.matching).to.equal(5);
    expect(Object.fromEntries(t.organisations)).to.deep.equal({ A: 5 });
    expect(Object.fromEntries(t.dispositions)).to.deep.equal({ none: 5, accepted: 2 });
    expect(Object.fromEntries(t.types)).to.deep.equal({ technical: 5, general: 1 });
    expect(facetCounts([], { type: 'general' }).matching).to.equal(0);
  });
});
