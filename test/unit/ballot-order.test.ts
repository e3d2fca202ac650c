import { expect } from 'chai';
import { ballotOrder, describeBlocking, draftsSinceEdition, type ConsultationFinding } from '../../server/ballots/order.ts';

const c = (over: Partial<ConsultationFinding> = {}): ConsultationFinding => ({ id: 1, n: 4, label: 'Draft Edition 3', state: 'closed', undisposed: 0, ...over });

describe('ballot order (issue 12 item 5)', () => {
  it('lets a ballot open when there is no consultation, or every one is closed with all comments disposed', () => {
    expect(ballotOrder([])).to.deep.equal({ ok: true, blocking: [] });
    expect(ballotOrder([c(), c({ id: 2, n: 5 })]).ok).to.equal(true);
  });

  it('is held back by a closed consultation with comments without a disposition, and says how many', () => {
    const v = ballotOrder([c({ undisposed: 9 })]);
    expect(v.ok).to.equal(false);
    if (v.ok) return;
    expect(v.blocking).to.deep.equal([{ consultation_id: 1, n: 4, label: 'Draft Edition 3', state: 'closed', not_closed: false, undisposed: 9 }]);
    expect(v.reason).to.contain('consultation C-1 on version 4 (Draft Edition 3): 9 comments have no disposition');
    expect(describeBlocking({ ...v.blocking[0]!, undisposed: 1 })).to.match(/1 comment has no disposition$/);
  });

  it('is held back by an open or a scheduled consultation even with no comments', () => {
    const open = ballotOrder([c({ state: 'open' })]);
    expect(open.ok).to.equal(false);
    if (!open.ok) expect(open.reason).to.contain('is still open');
    const scheduled = ballotOrder([c({ state: 'scheduled' })]);
    expect(scheduled.ok).to.equal(false);
    if (!scheduled.ok) expect(scheduled.reason).to.contain('has not opened yet');
    const both = ballotOrder([c({ state: 'open', undisposed: 3 })]);
    if (!both.ok) expect(both.reason).to.contain('is still open and 3 comments have no disposition');
  });

  it('is not held back by a cancelled consultation, whatever its comments', () => {
    expect(ballotOrder([c({ state: 'cancelled', undisposed: 4 })]).ok).to.equal(true);
  });

  it('names every consultation that holds it back, in order', () => {
    const v = ballotOrder([c({ id: 1, n: 4, undisposed: 2 }), c({ id: 2, n: 5 }), c({ id: 3, n: 6, state: 'open' })]);
    expect(v.ok).to.equal(false);
    if (!v.ok) expect(v.blocking.map((b) => b.consultation_id)).to.deep.equal([1, 3]);
  });

  it('walks the based-on chain back to the current edition, not past it', () => {
    const versions = [
      { id: 1, based_on: null, state: 'published' as const },
      { id: 2, based_on: 1, state: 'published' as const }, // the current edition
      { id: 3, based_on: 2, state: 'draft' as const },
      { id: 4, based_on: 3, state: 'rejected' as const },
      { id: 5, based_on: 4, state: 'draft' as const },
      { id: 6, based_on: 2, state: 'draft' as const }, // a sibling, not on the chain
    ];
    expect(draftsSinceEdition(5, versions)).to.deep.equal([5, 4, 3]);
    expect(draftsSinceEdition(6, versions)).to.deep.equal([6]);
    expect(draftsSinceEdition(99, versions)).to.deep.equal([]);
    // a loop in bad data ends the walk
    expect(draftsSinceEdition(7, [{ id: 7, based_on: 8, state: 'draft' }, { id: 8, based_on: 7, state: 'draft' }])).to.deep.equal([7, 8]);
  });
});
