import { expect } from 'chai';
import { canCirculate, canDraft, canDrop, canEdit, canRespond, outcome, proposalStatus, supportNeeded, type ProposalFacts } from '../../server/proposals/rules.ts';

/** The rules of proposals (server/proposals/rules.ts): the 25 % threshold, the decision, the states. */
const DUE = '2027-01-31T17:00:00.000Z';
const before = new Date('2027-01-30T12:00:00Z');
const at = new Date(DUE);
const after = new Date('2027-02-01T00:00:00Z');

const facts = (over: Partial<ProposalFacts> = {}): ProposalFacts => ({
  kind: 'amendment',
  circulated_at: '2027-01-01T10:00:00.000Z',
  response_due_at: DUE,
  decision: null,
  sg_approved_on: null,
  dropped_at: null,
  versions: 0,
  published: 0,
  ...over,
});

describe('proposal rules: the Board\'s support', () => {
  it('needs at least 25 % of the member organisations, in whole organisations', () => {
    expect(supportNeeded(29, 25)).to.equal(8); // 7.25 → 8
    expect(supportNeeded(28, 25)).to.equal(7); // exactly a quarter
    expect(supportNeeded(4, 25)).to.equal(1);
    expect(supportNeeded(1, 25)).to.equal(1);
    expect(supportNeeded(0, 25)).to.equal(0);
    expect(supportNeeded(29, 50)).to.equal(15);
    expect(supportNeeded(10, 100)).to.equal(10);
  });

  it('29 members: 7 supports do not suffice, 8 do', () => {
    const base = { electorate: 29, percent: 25, dueAt: DUE };
    expect(outcome({ ...base, supports: 7, now: before })).to.deep.equal({ outcome: 'pending', needed: 8 });
    expect(outcome({ ...base, supports: 7, now: after })).to.deep.equal({ outcome: 'not_supported', needed: 8 });
    expect(outcome({ ...base, supports: 8, now: before })).to.deep.equal({ outcome: 'supported', needed: 8 });
    expect(outcome({ ...base, supports: 8, now: after })).to.deep.equal({ outcome: 'supported', needed: 8 });
  });

  it('decides "not supported" at the response date itself (the window is open before it)', () => {
    expect(outcome({ electorate: 29, supports: 0, percent: 25, now: new Date(at.getTime() - 1), dueAt: DUE }).outcome).to.equal('pending');
    expect(outcome({ electorate: 29, supports: 0, percent: 25, now: at, dueAt: DUE }).outcome).to.equal('not_supported');
  });

  it('follows a configured threshold', () => {
    expect(outcome({ electorate: 29, supports: 8, percent: 30, now: after, dueAt: DUE }).outcome).to.equal('not_supported');
    expect(outcome({ electorate: 29, supports: 9, percent: 30, now: after, dueAt: DUE }).outcome).to.equal('supported');
  });

  it('never supports with an empty electorate', () => {
    expect(outcome({ electorate: 0, supports: 0, percent: 25, now: after, dueAt: DUE }).outcome).to.equal('not_supported');
  });
});

describe('proposal rules: states and transitions', () => {
  it('derives the status from what was recorded', () => {
    expect(proposalStatus(facts({ circulated_at: null, response_due_at: null }))).to.equal('submitted');
    expect(proposalStatus(facts())).to.equal('circulated');
    expect(proposalStatus(facts({ decision: 'not_supported' }))).to.equal('not_supported');
    expect(proposalStatus(facts({ decision: 'supported' }))).to.equal('supported');
    expect(proposalStatus(facts({ kind: 'new_imas', decision: 'supported' }))).to.equal('awaiting_steering_group');
    expect(proposalStatus(facts({ kind: 'new_imas', decision: 'supported', sg_approved_on: '2027-02-10' }))).to.equal('supported');
    expect(proposalStatus(facts({ decision: 'supported', versions: 1 }))).to.equal('being_drafted');
    expect(proposalStatus(facts({ decision: 'supported', versions: 2, published: 1 }))).to.equal('completed');
    expect(proposalStatus(facts({ dropped_at: '2027-02-02T00:00:00Z' }))).to.equal('dropped');
    expect(proposalStatus(facts({ decision: 'supported', versions: 1, dropped_at: '2027-02-02T00:00:00Z' }))).to.equal('dropped');
  });

  it('lets the proposer or the secretariat edit until circulated, no one after', () => {
    const draft = facts({ circulated_at: null, response_due_at: null });
    expect(canEdit(draft, true, false).ok).to.equal(true);
    expect(canEdit(draft, false, true).ok).to.equal(true);
    expect(canEdit(draft, false, false).ok).to.equal(false);
    const circulated = canEdit(facts(), true, true);
    expect(circulated.ok).to.equal(false);
    expect(circulated.reason).to.match(/circulated/);
  });

  it('circulates once, to a Board that has members, with a response date in the future', () => {
    const draft = facts({ circulated_at: null, response_due_at: null });
    expect(canCirculate(draft, 29, DUE, before).ok).to.equal(true);
    expect(canCirculate(draft, 0, DUE, before).reason).to.match(/no member organisations/);
    expect(canCirculate(draft, 29, DUE, after).reason).to.match(/future/);
    expect(canCirculate(facts(), 29, DUE, before).reason).to.match(/already/);
  });

  it('takes responses until the date and before the decision is recorded', () => {
    expect(canRespond(facts(), before).ok).to.equal(true);
    expect(canRespond(facts(), at).reason).to.match(/response date .* has passed/);
    expect(canRespond(facts({ decision: 'supported' }), before).reason).to.match(/decision/);
    expect(canRespond(facts({ circulated_at: null, response_due_at: null }), before).reason).to.match(/not been circulated/);
  });

  it('drafts a supported proposal; a new standard once the Steering Group approved it', () => {
    expect(canDraft(facts()).ok).to.equal(false);
    expect(canDraft(facts({ decision: 'supported' })).ok).to.equal(true);
    expect(canDraft(facts({ kind: 'new_tnma', decision: 'supported' })).reason).to.match(/Steering Group/);
    expect(canDraft(facts({ kind: 'new_tnma', decision: 'supported', sg_approved_on: '2027-02-10' })).ok).to.equal(true);
    expect(canDraft(facts({ decision: 'not_supported' })).ok).to.equal(false);
  });

  it('drops anything not yet completed', () => {
    expect(canDrop(facts()).ok).to.equal(true);
    expect(canDrop(facts({ versions: 1, published: 1 })).ok).to.equal(false);
    expect(canDrop(facts({ dropped_at: '2027-02-02T00:00:00Z' })).ok).to.equal(false);
  });
});
