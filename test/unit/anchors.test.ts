import { expect } from 'chai';
import { byKey, locate, normaliseClauseRef, resolveClause, type AnchorClause } from '../../server/consultations/anchors.ts';

const clause = (ref: string, key: string, text = `Text of ${key}.`, heading = `Heading ${key}`): AnchorClause => ({ ref, key, text, heading });

describe('consultations: anchoring comments to clauses', () => {
  it('reads the ways people write a clause', () => {
    const cases: Array<[string, string | null]> = [
      ['4.3', '4.3'], ['4.3.', '4.3'], ['Clause 4.3', '4.3'], ['§ 4.3', '4.3'], ['4.3 Buffer zone', '4.3'], ['04.3', '4.3'],
      ['7', '7'], ['A.1', 'annex-a.1'], ['Annex A', 'annex-a'], ['annex-a.2', 'annex-a.2'], ['Foreword', 'foreword'],
      ['INTRODUCTION', 'introduction'], ['', 'general'], ['General', 'general'], ['ge', 'general'], ['-', 'general'],
      ['see the table', null], ['4.3a', null],
    ];
    for (const [input, want] of cases) expect(normaliseClauseRef(input), input).to.equal(want);
  });

  it('resolves against the draft, saying why a clause cannot be placed', () => {
    const cl = [clause('foreword', 'k0'), clause('4.3', 'k1')];
    expect(resolveClause('4.3', cl)).to.deep.include({ kind: 'clause' });
    expect(resolveClause('', cl)).to.deep.equal({ kind: 'general' });
    const missing = resolveClause('12.4', cl);
    expect(missing.kind).to.equal('unknown');
    expect((missing as { reason: string }).reason).to.contain('no clause 12.4');
  });

  it('follows a comment to its clause in a later draft by key', () => {
    const before = byKey([clause('4.3', 'a'), clause('4.4', 'b'), clause('4.5', 'c'), clause('4.6', 'd')]);
    const after = byKey([clause('5.2', 'a'), clause('4.4', 'b', 'New text.'), clause('4.5', 'c'), clause('5.9', 'd', 'Changed.')]);
    expect(locate({ clause_key: 'a', clause_ref: '4.3' }, before, after)).to.deep.include({ now_ref: '5.2', status: 'renumbered', note: 'was 4.3, now 5.2', change_anchor: 'change-5.2' });
    expect(locate({ clause_key: 'b', clause_ref: '4.4' }, before, after)).to.deep.include({ now_ref: '4.4', status: 'changed', note: 'clause changed since this comment', change_anchor: 'change-4.4' });
    expect(locate({ clause_key: 'c', clause_ref: '4.5' }, before, after)).to.deep.include({ status: 'unchanged', change_anchor: null });
    expect(locate({ clause_key: 'd', clause_ref: '4.6' }, before, after).note).to.equal('was 4.6, now 5.9; clause changed since this comment');
    expect(locate({ clause_key: 'gone', clause_ref: '4.7' }, before, after)).to.deep.include({ status: 'removed', note: 'clause removed', change_anchor: 'change-removed-4.7' });
    expect(locate({ clause_key: null, clause_ref: null }, before, after).status).to.equal('general');
  });
});
