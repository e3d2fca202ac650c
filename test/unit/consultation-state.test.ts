import { expect } from 'chai';
import { acceptsComments, checkChange, consultationState, reportIsPublic } from '../../server/consultations/state.ts';

const c = { opens_at: '2026-10-01T00:00:00.000Z', closes_at: '2027-06-30T23:59:59.000Z', cancelled_at: null };
const at = (s: string) => new Date(s);

describe('consultations: state from the clock', () => {
  it('is scheduled before opens_at, open from opens_at, closed from closes_at (open = opens_at ≤ now < closes_at)', () => {
    expect(consultationState(c, at('2026-09-30T23:59:59.999Z'))).to.equal('scheduled');
    expect(consultationState(c, at('2026-10-01T00:00:00.000Z'))).to.equal('open');
    expect(consultationState(c, at('2027-06-30T23:59:58.999Z'))).to.equal('open');
    expect(consultationState(c, at('2027-06-30T23:59:59.000Z'))).to.equal('closed');
    expect(acceptsComments(c, at('2027-06-30T23:59:58.999Z'))).to.equal(true);
    expect(acceptsComments(c, at('2027-06-30T23:59:59.000Z'))).to.equal(false);
  });

  it('makes the report public after the close, or after cancelling one that had opened', () => {
    expect(reportIsPublic(c, at('2026-11-01T00:00:00Z'))).to.equal(false);
    expect(reportIsPublic(c, at('2027-07-01T00:00:00Z'))).to.equal(true);
    expect(reportIsPublic({ ...c, cancelled_at: '2026-11-01T00:00:00.000Z' }, at('2026-12-01T00:00:00Z'))).to.equal(true);
    expect(reportIsPublic({ ...c, cancelled_at: '2026-09-01T00:00:00.000Z' }, at('2026-09-02T00:00:00Z'))).to.equal(false);
  });

  it('allows extending, closing early and cancelling only while it is live', () => {
    const open = at('2026-11-01T00:00:00Z');
    expect(checkChange(c, { kind: 'close' }, open).ok).to.equal(true);
    expect(checkChange(c, { kind: 'cancel' }, open).ok).to.equal(true);
    expect(checkChange(c, { kind: 'reschedule', closes_at: '2027-09-30T00:00:00.000Z' }, open).ok).to.equal(true);
    expect(checkChange(c, { kind: 'reschedule', closes_at: '2026-10-15T00:00:00.000Z' }, open).ok).to.equal(false);
    expect(checkChange(c, { kind: 'reschedule', opens_at: '2026-12-01T00:00:00.000Z' }, open).ok).to.equal(false);
    expect(checkChange(c, { kind: 'close' }, at('2026-09-01T00:00:00Z')).ok).to.equal(false);
    const closed = at('2027-07-01T00:00:00Z');
    for (const change of [{ kind: 'close' }, { kind: 'cancel' }, { kind: 'reschedule', closes_at: '2028-01-01T00:00:00.000Z' }] as const) {
      expect(checkChange(c, change, closed).ok).to.equal(false);
    }
    expect(checkChange({ ...c, cancelled_at: '2026-11-01T00:00:00.000Z' }, { kind: 'close' }, open).ok).to.equal(false);
  });
});
