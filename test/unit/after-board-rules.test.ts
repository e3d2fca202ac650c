import { expect } from 'chai';
import { canRecordStep, endorsementStatus, nextStep, type StepsLike } from '../../server/endorsement/rules.ts';

const v = (over: Partial<StepsLike> = {}): StepsLike => ({ n: 4, state: 'approved', sg_accepted_on: null, endorsed_on: null, ...over });
const TODAY = '2026-11-25';

describe('after the Board: the order of the steps (issue 12 item 6)', () => {
  it('only an approved or published version takes steps', () => {
    for (const state of ['draft', 'rejected'] as const) {
      const r = canRecordStep('steering_group', v({ state }), null, TODAY, TODAY);
      expect(r).to.deep.include({ ok: false, kind: 'state' });
    }
    expect(canRecordStep('steering_group', v({ state: 'published' }), null, TODAY, TODAY).ok).to.equal(true);
  });

  it('the Steering Group comes before the endorsement, each once', () => {
    expect(canRecordStep('endorsement', v(), '2026-11-20', TODAY, TODAY)).to.deep.include({ ok: false, kind: 'state' });
    expect(canRecordStep('endorsement', v({ sg_accepted_on: '2026-11-21' }), '2026-11-20', TODAY, TODAY).ok).to.equal(true);
    expect(canRecordStep('steering_group', v({ sg_accepted_on: '2026-11-21' }), '2026-11-20', TODAY, TODAY)).to.deep.include({ ok: false, kind: 'state' });
    expect(canRecordStep('endorsement', v({ sg_accepted_on: '2026-11-21', endorsed_on: '2026-11-22' }), null, TODAY, TODAY)).to.deep.include({ ok: false, kind: 'state' });
  });

  it('dates: not in the future, not before the approval, the endorsement not before the Steering Group (same day allowed)', () => {
    expect(canRecordStep('steering_group', v(), '2026-11-20', '2026-11-26', TODAY)).to.deep.include({ ok: false, kind: 'date' });
    expect(canRecordStep('steering_group', v(), '2026-11-20', '2026-11-19', TODAY)).to.deep.include({ ok: false, kind: 'date' });
    expect(canRecordStep('steering_group', v(), '2026-11-20', '2026-11-20', TODAY).ok).to.equal(true);
    expect(canRecordStep('steering_group', v(), null, '2001-09-26', TODAY).ok).to.equal(true); // imported: no approval date here
    expect(canRecordStep('endorsement', v({ sg_accepted_on: '2026-11-22' }), '2026-11-20', '2026-11-21', TODAY)).to.deep.include({ ok: false, kind: 'date' });
    expect(canRecordStep('endorsement', v({ sg_accepted_on: '2026-11-22' }), '2026-11-20', '2026-11-22', TODAY).ok).to.equal(true);
  });

  it('the next step, and what the pages say about endorsement', () => {
    expect(nextStep(v({ state: 'draft' }))).to.equal(null);
    expect(nextStep(v())).to.equal('steering_group');
    expect(nextStep(v({ sg_accepted_on: '2026-11-21' }))).to.equal('endorsement');
    expect(nextStep(v({ sg_accepted_on: '2026-11-21', endorsed_on: '2026-11-22' }))).to.equal(null);
    expect(endorsementStatus({ state: 'published', endorsed_on: null, published_before_endorsement: true })).to.equal('awaiting');
    expect(endorsementStatus({ state: 'published', endorsed_on: null, published_before_endorsement: false })).to.equal(null);
    expect(endorsementStatus({ state: 'approved', endorsed_on: null, published_before_endorsement: false })).to.equal(null);
    expect(endorsementStatus({ state: 'published', endorsed_on: '2026-11-22', published_before_endorsement: true })).to.equal('endorsed');
  });
});
