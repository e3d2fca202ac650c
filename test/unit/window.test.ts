import { expect } from 'chai';
import { windowState } from '../../server/window.ts';
import { consultationState } from '../../server/consultations/state.ts';
import { ballotState } from '../../server/ballots/rules.ts';

const w = { opens_at: '2026-10-01T00:00:00.000Z', closes_at: '2026-10-31T00:00:00.000Z', cancelled_at: null };
const at = (s: string) => new Date(s);

describe('windowState: one rule for consultation and ballot windows', () => {
  it('is scheduled before opens_at, open from opens_at until closes_at, closed from closes_at', () => {
    expect(windowState(w, at('2026-09-30T23:59:59.999Z'))).to.equal('scheduled');
    expect(windowState(w, at('2026-10-01T00:00:00.000Z'))).to.equal('open');
    expect(windowState(w, at('2026-10-30T23:59:59.999Z'))).to.equal('open');
    expect(windowState(w, at('2026-10-31T00:00:00.000Z'))).to.equal('closed');
    expect(windowState(w, at('2030-01-01T00:00:00.000Z'))).to.equal('closed');
  });

  it('is cancelled once cancelled, whatever the dates', () => {
    const c = { ...w, cancelled_at: '2026-09-01T00:00:00.000Z' };
    for (const t of ['2026-08-01T00:00:00Z', '2026-10-15T00:00:00Z', '2026-12-01T00:00:00Z']) expect(windowState(c, at(t))).to.equal('cancelled');
  });

  it('closing early (closes_at = now) closes at once; an empty window is never open', () => {
    expect(windowState({ ...w, closes_at: '2026-10-10T12:00:00.000Z' }, at('2026-10-10T12:00:00.000Z'))).to.equal('closed');
    expect(windowState({ ...w, closes_at: w.opens_at }, at(w.opens_at))).to.equal('closed');
  });

  it('is the rule consultations and ballots both use', () => {
    for (const t of ['2026-09-01T00:00:00Z', '2026-10-15T00:00:00Z', '2026-11-15T00:00:00Z']) {
      for (const x of [w, { ...w, cancelled_at: '2026-10-02T00:00:00.000Z' }]) {
        expect(consultationState(x, at(t))).to.equal(windowState(x, at(t)));
        expect(ballotState(x, at(t))).to.equal(windowState(x, at(t)));
      }
    }
  });
});
