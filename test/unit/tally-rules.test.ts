import { expect } from 'chai';
import { ballotState, canCancel, canCloseEarly, canExtend, canMove, canOpenBallot, canVote, needsSettling, type BallotLike, type VersionLike } from '../../server/ballots/rules.ts';
import { canNumber, canPublish, canSetInForce } from '../../server/publication/rules.ts';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const ballot = (o: Partial<BallotLike> = {}): BallotLike => ({
  id: 1, version_id: 10, opens_at: '2026-11-20T00:00:00.000Z', closes_at: '2026-11-30T00:00:00.000Z', cancelled_at: null, result: null, ...o,
});
const version = (o: Partial<VersionLike> = {}): VersionLike => ({ id: 10, n: 4, state: 'draft', based_on: 9, ...o });

describe('ballot rules: state from the dates', () => {
  it('open means opens_at ≤ now < closes_at', () => {
    expect(ballotState(ballot(), NOW)).to.equal('open');
    expect(ballotState(ballot({ opens_at: NOW.toISOString() }), NOW)).to.equal('open');
    expect(ballotState(ballot({ closes_at: NOW.toISOString() }), NOW)).to.equal('closed');
    expect(ballotState(ballot({ opens_at: '2026-11-24T00:00:00.000Z' }), NOW)).to.equal('scheduled');
    expect(ballotState(ballot({ cancelled_at: '2026-11-21T00:00:00.000Z' }), NOW)).to.equal('cancelled');
  });
  it('a ballot past its close with no result needs settling; once written it does not', () => {
    expect(needsSettling(ballot({ closes_at: '2026-11-22T00:00:00.000Z' }), NOW)).to.equal(true);
    expect(needsSettling(ballot({ closes_at: '2026-11-22T00:00:00.000Z', result: 'approved' }), NOW)).to.equal(false);
    expect(needsSettling(ballot(), NOW)).to.equal(false);
  });
});

describe('ballot rules: transitions', () => {
  it('opens a ballot only on a draft without an open ballot, closing in the future', () => {
    expect(canOpenBallot(version(), [], '2026-12-01T00:00:00.000Z', NOW).ok).to.equal(true);
    expect(canOpenBallot(version({ state: 'approved' }), [], '2026-12-01T00:00:00.000Z', NOW).reason).to.match(/only a draft/);
    expect(canOpenBallot(version(), [ballot()], '2026-12-01T00:00:00.000Z', NOW).reason).to.match(/already has an open ballot/);
    expect(canOpenBallot(version(), [ballot({ cancelled_at: '2026-11-21T00:00:00.000Z' })], '2026-12-01T00:00:00.000Z', NOW).ok).to.equal(true);
    expect(canOpenBallot(version(), [], NOW.toISOString(), NOW).reason).to.match(/future/);
  });
  it('votes only while open', () => {
    expect(canVote(ballot(), NOW).ok).to.equal(true);
    expect(canVote(ballot({ closes_at: NOW.toISOString() }), NOW).reason).to.match(/closed/);
    expect(canVote(ballot({ cancelled_at: 'x' }), NOW).reason).to.match(/cancelled/);
  });
  it('extends to a later close, closes early and cancels only while open', () => {
    expect(canExtend(ballot(), '2026-12-05T00:00:00.000Z', NOW).ok).to.equal(true);
    expect(canExtend(ballot(), '2026-11-29T00:00:00.000Z', NOW).reason).to.match(/later/);
    expect(canExtend(ballot({ closes_at: '2026-11-22T00:00:00.000Z' }), '2026-12-05T00:00:00.000Z', NOW).ok).to.equal(false);
    expect(canCloseEarly(ballot(), NOW).ok).to.equal(true);
    expect(canCloseEarly(ballot({ closes_at: '2026-11-22T00:00:00.000Z' }), NOW).ok).to.equal(false);
    expect(canCancel(ballot(), NOW).ok).to.equal(true);
    expect(canCancel(ballot({ closes_at: '2026-11-22T00:00:00.000Z' }), NOW).reason).to.match(/closed/);
  });
  it('moves to a newer draft based on the version, directly or through other drafts', () => {
    const chain = new Map<number, number | null>([[9, null], [10, 9], [11, 10], [12, 11], [13, 9]]);
    const from = version();
    expect(canMove(ballot(), from, version({ id: 11, n: 5, based_on: 10 }), chain, [], NOW).ok).to.equal(true);
    expect(canMove(ballot(), from, version({ id: 12, n: 6, based_on: 11 }), chain, [], NOW).ok).to.equal(true);
    expect(canMove(ballot(), from, version({ id: 13, n: 7, based_on: 9 }), chain, [], NOW).reason).to.match(/not based on/);
    expect(canMove(ballot(), from, version({ id: 9, n: 3, based_on: null }), chain, [], NOW).reason).to.match(/not newer/);
    expect(canMove(ballot(), from, version({ id: 11, n: 5, based_on: 10, state: 'published' }), chain, [], NOW).reason).to.match(/only move to a draft/);
    expect(canMove(ballot(), from, from, chain, [], NOW).reason).to.match(/already on/);
    expect(canMove(ballot(), from, version({ id: 11, n: 5, based_on: 10 }), chain, [ballot({ id: 2, version_id: 11 })], NOW).reason).to.match(/already has an open ballot/);
    expect(canMove(ballot({ closes_at: '2026-11-22T00:00:00.000Z' }), from, version({ id: 11, n: 5, based_on: 10 }), chain, [], NOW).ok).to.equal(false);
  });
});

describe('publication rules: canPublish(version, ballot)', () => {
  const approved = ballot({ closes_at: '2026-11-22T00:00:00.000Z', result: 'approved' });
  it('publishes only an approved version whose ballot closed approved', () => {
    expect(canPublish(version({ state: 'approved' }), approved)).to.deep.equal({ ok: true, reason: '' });
  });
  it('refuses everything else, saying why', () => {
    expect(canPublish(version(), null).reason).to.match(/has not been through a ballot/);
    expect(canPublish(version(), ballot()).reason).to.match(/not closed yet/);
    expect(canPublish(version({ state: 'rejected' }), ballot({ result: 'rejected' })).reason).to.match(/closed rejected/);
    expect(canPublish(version(), ballot({ result: 'no_quorum' })).reason).to.match(/without a quorum/);
    expect(canPublish(version({ state: 'published' }), approved).reason).to.match(/already published/);
    expect(canPublish(version({ state: 'approved' }), ballot({ result: 'approved', version_id: 99 })).reason).to.match(/another version/);
    expect(canPublish(version({ state: 'approved' }), ballot({ cancelled_at: 'x' })).reason).to.match(/cancelled/);
  });
  it('numbers editions and amendments after those published', () => {
    const published = [{ edition: 1, amendment: null }, { edition: 1, amendment: 1 }, { edition: 2, amendment: null }];
    expect(canNumber({ edition: 3, amendment: null }, published).ok).to.equal(true);
    expect(canNumber({ edition: 2, amendment: 1 }, published).ok).to.equal(true);
    expect(canNumber({ edition: 2, amendment: null }, published).reason).to.match(/already published/);
    expect(canNumber({ edition: 1, amendment: 2 }, published).reason).to.match(/would come before Edition 2/);
    expect(canNumber({ edition: 4, amendment: 1 }, published).reason).to.match(/has not been published/);
    expect(canNumber({ edition: 1, amendment: null }, []).ok).to.equal(true);
  });
  it('in-force dates from today on', () => {
    expect(canSetInForce('2026-11-23', NOW).ok).to.equal(true);
    expect(canSetInForce('2026-11-22', NOW).ok).to.equal(false);
  });
});
