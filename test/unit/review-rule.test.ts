import { expect } from 'chai';
import { addYears, NOTICE_DAYS, reviewStatus } from '../../server/mywork/review.ts';

/** Issue 16 item 1: the review cycle of a document (domain.md §1), counted from its last edition or amendment. */
describe('the review rule', () => {
  it('three years from the last edition: listed from 90 days before, due on the day, overdue the day after', () => {
    expect(NOTICE_DAYS).to.equal(90);
    expect(reviewStatus('2025-11-03', 3, '2028-08-04')).to.equal(null);
    expect(reviewStatus('2025-11-03', 3, '2028-08-05')).to.deep.equal({ status: 'due', due_on: '2028-11-03' });
    expect(reviewStatus('2025-11-03', 3, '2028-11-02')).to.deep.equal({ status: 'due', due_on: '2028-11-03' });
    expect(reviewStatus('2025-11-03', 3, '2028-11-03')).to.deep.equal({ status: 'due', due_on: '2028-11-03' });
    expect(reviewStatus('2025-11-03', 3, '2028-11-04')).to.deep.equal({ status: 'overdue', due_on: '2028-11-03' });
  });

  it('one year for a TNMA: the same edges a year on', () => {
    expect(reviewStatus('2022-11-22', 1, '2023-11-21')!.status).to.equal('due');
    expect(reviewStatus('2022-11-22', 1, '2023-11-22')!.status).to.equal('due');
    expect(reviewStatus('2022-11-22', 1, '2023-11-23')!.status).to.equal('overdue');
  });

  it('counts whole years on the calendar, 29 February going to 1 March', () => {
    expect(addYears('2024-02-29', 1)).to.equal('2025-03-01');
    expect(addYears('2024-02-29', 4)).to.equal('2028-02-29');
    expect(addYears('2025-12-31', 3)).to.equal('2028-12-31');
  });
});
