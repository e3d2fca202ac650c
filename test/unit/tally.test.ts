import { expect } from 'chai';
import fc from 'fast-check';
import { count, explain, needed, passes, quorumRequired, type Position, type Rule, type TallyVote } from '../../server/ballots/tally.ts';

/** An electorate of n organisations and votes given as counts per position (in that order). */
function ballot(n: number, positions: Partial<Record<Position, number>>, outdated = 0) {
  const electorate = Array.from({ length: n }, (_, i) => `Org ${i + 1}`);
  const votes: TallyVote[] = [];
  let i = 0;
  for (const p of ['approve', 'disapprove', 'abstain', 'recuse'] as const) {
    for (let k = 0; k < (positions[p] ?? 0); k++) votes.push({ organisation: electorate[i++]!, position: p, current: true });
  }
  for (let k = 0; k < outdated; k++) votes.push({ organisation: electorate[i++]!, position: 'approve', current: false });
  return { electorate, votes };
}
const run = (n: number, p: Partial<Record<Position, number>>, rule: Rule = 'iso', quorum = 0.5, outdated = 0) => {
  const b = ballot(n, p, outdated);
  return count(b.electorate, b.votes, rule, quorum);
};

describe('tally: the ISO rule at its edges', () => {
  it('exactly two thirds approve → rejected: the other third disapprove, over a quarter (the binding test)', () => {
    // Votes cast are approve + disapprove only, so ≥ 2/3 approve follows from ≤ 1/4 disapprove.
    expect(run(9, { approve: 6, disapprove: 3 }).result).to.equal('rejected');
    expect(run(3, { approve: 2, disapprove: 1 }).result).to.equal('rejected');
    expect(passes('iso', 8, 4)).to.equal(false);
    expect(passes('iso', 2, 0)).to.equal(true);
  });

  it('exactly one quarter disapprove → approved; one more → rejected', () => {
    expect(run(8, { approve: 6, disapprove: 2 }).result).to.equal('approved'); // 2/8 = 1/4 exactly
    expect(run(8, { approve: 3, disapprove: 1 }).result).to.equal('approved'); // 1/4 exactly, 3/4 ≥ 2/3
    expect(run(9, { approve: 6, disapprove: 3 }).result).to.equal('rejected');
    expect(run(9, { approve: 7, disapprove: 2 }).result).to.equal('approved'); // 2/9 < 1/4
    expect(run(7, { approve: 5, disapprove: 2 }).result).to.equal('rejected'); // 2/7 > 1/4
  });

  it('just under two thirds → rejected', () => {
    expect(passes('iso', 3, 2)).to.equal(false); // 0.6
    expect(passes('iso', 599, 300)).to.equal(false); // 0.6663…, and over a quarter
  });

  it('abstentions are excluded from both counts', () => {
    const c = run(10, { approve: 3, disapprove: 1, abstain: 4 });
    expect(c.votes_cast).to.equal(4);
    expect(c.positions).to.equal(8);
    expect(c.result).to.equal('approved');
  });

  it('all abstain: quorum met, no vote cast → rejected', () => {
    const c = run(5, { abstain: 5 });
    expect(c.quorum_met).to.equal(true);
    expect(c.votes_cast).to.equal(0);
    expect(c.result).to.equal('rejected');
    expect(run(5, { abstain: 5 }, 'majority').result).to.equal('rejected');
    expect(run(5, { abstain: 5 }, 'consensus').result).to.equal('rejected');
  });

  it('recusals leave the electorate (and so lower the quorum)', () => {
    // 6 members, 2 recuse → electorate 4, quorum 0.5 → 2 positions needed
    const c = run(6, { approve: 2, recuse: 2 });
    expect(c.electorate).to.equal(4);
    expect(c.quorum_required).to.equal(2);
    expect(c.quorum_met).to.equal(true);
    expect(c.result).to.equal('approved');
    expect(c.tally).to.deep.equal({ approve: 2, disapprove: 0, abstain: 0, recuse: 2, not_voted: 2, outdated: 0 });
    // without the recusals 2 of 6 would miss the quorum
    expect(run(6, { approve: 2 }).result).to.equal('no_quorum');
  });

  it('everyone recused: nothing cast, quorum of nothing met → rejected', () => {
    expect(run(3, { recuse: 3 }).result).to.equal('rejected');
  });

  it('quorum just met and just missed', () => {
    // 5 members, quorum 0.5 → 2.5 → 3 positions
    expect(run(5, { approve: 3 }).result).to.equal('approved');
    expect(run(5, { approve: 2 }).result).to.equal('no_quorum');
    // 4 members, 0.5 → exactly 2
    expect(run(4, { approve: 1, abstain: 1 }).result).to.equal('approved');
    expect(run(4, { approve: 1 }).result).to.equal('no_quorum');
    // fractions that floating point gets wrong: 0.7 × 10 = 7.000000000000001
    expect(run(10, { approve: 7 }, 'iso', 0.7).quorum_met).to.equal(true);
    expect(run(10, { approve: 6 }, 'iso', 0.7).quorum_met).to.equal(false);
    expect(quorumRequired(0.7, 10)).to.equal(7);
    expect(quorumRequired(0.5, 5)).to.equal(3);
    expect(quorumRequired(1, 29)).to.equal(29);
    expect(quorumRequired(0, 29)).to.equal(0);
  });

  it('outdated votes are shown, not counted', () => {
    const c = run(4, { approve: 1 }, 'iso', 0.5, 2);
    expect(c.tally).to.deep.include({ approve: 1, outdated: 2, not_voted: 1 });
    expect(c.positions).to.equal(1);
    expect(c.result).to.equal('no_quorum');
  });

  it('ignores votes of organisations outside the electorate and duplicates', () => {
    const c = count(['A', 'B'], [
      { organisation: 'A', position: 'approve', current: true },
      { organisation: 'A', position: 'disapprove', current: true },
      { organisation: 'Z', position: 'disapprove', current: true },
    ], 'iso', 0.5);
    expect(c.tally).to.deep.equal({ approve: 1, disapprove: 0, abstain: 0, recuse: 0, not_voted: 1, outdated: 0 });
  });
});

describe('tally: majority and consensus', () => {
  it('majority: more approvals than disapprovals; a tie rejects', () => {
    expect(run(5, { approve: 3, disapprove: 2 }, 'majority').result).to.equal('approved');
    expect(run(4, { approve: 2, disapprove: 2 }, 'majority').result).to.equal('rejected');
    expect(run(5, { approve: 1, abstain: 2 }, 'majority').result).to.equal('approved');
  });
  it('consensus: at least one approval and no disapproval', () => {
    expect(run(5, { approve: 4, disapprove: 1 }, 'consensus').result).to.equal('rejected');
    expect(run(5, { approve: 1, abstain: 4 }, 'consensus').result).to.equal('approved');
    expect(run(3, { abstain: 3 }, 'consensus').result).to.equal('rejected');
  });
  it('no quorum comes before the rule', () => {
    expect(run(10, { approve: 4 }, 'consensus').result).to.equal('no_quorum');
  });
});

describe('tally: what is still needed', () => {
  it('counts the approvals and positions still needed', () => {
    const c = run(5, { approve: 1, disapprove: 1 });
    const n = needed(c, 'iso');
    expect(n.approvals).to.equal(2); // 3 approve : 1 disapprove passes (1/4 exactly)
    expect(n.quorum).to.equal(1);
    expect(n.messages).to.deep.equal(['needs 2 more approvals', 'quorum: 2 of 5 have voted, 1 more needed (3 required)']);
  });
  it('says when the outstanding votes cannot carry it', () => {
    const c = run(5, { approve: 1, disapprove: 2, abstain: 1 });
    const n = needed(c, 'iso'); // 1 outstanding; would need 6 approvals
    expect(n.approvals).to.equal(null);
    expect(n.messages[0]).to.match(/cannot be approved/);
  });
  it('reports a met rule and quorum', () => {
    const n = needed(run(3, { approve: 2 }), 'iso');
    expect(n).to.deep.include({ approvals: 0, quorum: 0 });
    expect(n.messages).to.deep.equal(['the iso rule is met', 'quorum: 2 of 3 have voted (met)']);
    expect(needed(run(3, {}), 'consensus').messages[0]).to.equal('needs 1 more approval');
  });
});

describe('tally: the rule stated with its figures', () => {
  const of = (n: number, p: Partial<Record<Position, number>>, rule: Rule = 'iso', quorum = 0.5) => {
    const c = run(n, p, rule, quorum);
    return explain({ ...c.tally, positions: c.positions, electorate: c.electorate }, rule, quorum);
  };
  it('states the ISO rule and the quorum as the issue words them', () => {
    const e = of(7, { approve: 4, disapprove: 1 });
    expect(e.tests.map((t) => t.text).join('; ')).to.equal('approve 4 of 5 votes cast = 80\u00a0% ≥ 66.7\u00a0%; disapprove 1 of 5 = 20\u00a0% ≤ 25\u00a0%');
    expect(e.rule_met).to.equal(true);
    expect(e.quorum).to.deep.equal({ text: 'cast 5 of 7 = 71\u00a0% ≥ 50\u00a0%', met: true });
    expect(e.quorum_share).to.equal('50\u00a0%');
  });
  it('says which side of the threshold, and keeps exact equality honest', () => {
    const e = of(3, { approve: 2, disapprove: 1 });
    // two thirds exactly: not rounded up to 67\u00a0%, which would read as more
    expect(e.tests.map((t) => [t.text, t.met])).to.deep.equal([['approve 2 of 3 votes cast = 66.7\u00a0% ≥ 66.7\u00a0%', true], ['disapprove 1 of 3 = 33\u00a0% > 25\u00a0%', false]]);
    expect(e.rule_met).to.equal(false);
    expect(of(5, { approve: 3, disapprove: 1 }).tests[1]!.text).to.equal('disapprove 1 of 4 = 25\u00a0% ≤ 25\u00a0%');
    expect(of(9, { approve: 1, disapprove: 2 }).quorum).to.deep.equal({ text: 'cast 3 of 9 = 33\u00a0% < 50\u00a0%', met: false });
    expect(of(5, {}).tests).to.deep.equal([{ text: 'no votes cast (approve + disapprove = 0): nothing is approved', met: false }]);
  });
  it('states majority and consensus, and agrees with count() everywhere', () => {
    expect(of(5, { approve: 2, disapprove: 2 }, 'majority').tests).to.deep.equal([{ text: 'approve 2 ≤ disapprove 2', met: false }]);
    expect(of(5, { approve: 3, disapprove: 1 }, 'majority').tests[0]!.text).to.equal('approve 3 > disapprove 1');
    expect(of(5, { approve: 3, disapprove: 1 }, 'consensus').tests.map((t) => t.text)).to.deep.equal(['approve 3 ≥ 1', 'disapprove 1 > 0']);
    fc.assert(
      fc.property(fc.nat(12), fc.nat(12), fc.nat(12), fc.nat(6), fc.constantFrom<Rule>('iso', 'majority', 'consensus'), fc.constantFrom(0.5, 0.3333, 2 / 3, 0.7, 1), (a, d, ab, left, rule, quorum) => {
        const c = run(a + d + ab + left, { approve: a, disapprove: d, abstain: ab }, rule, quorum);
        const e = explain({ ...c.tally, positions: c.positions, electorate: c.electorate }, rule, quorum);
        expect(e.rule_met).to.equal(c.rule_met);
        expect(e.tests.every((t) => t.met)).to.equal(c.rule_met);
        expect(e.quorum.met).to.equal(c.quorum_met);
      }),
    );
  });
  it('does not speak of votes still to come when everyone has voted', () => {
    const all = needed(run(3, { approve: 2, disapprove: 1 }), 'iso');
    expect(all.messages[0]).to.match(/cannot be approved/).and.not.match(/still to come/);
    expect(all.messages[0]).to.contain('everyone has voted');
    expect(needed(run(4, { approve: 1, disapprove: 2 }), 'iso').messages[0]).to.contain('still to come');
  });
});

describe('tally: properties', () => {
  it('the ISO rule agrees with exact rational arithmetic', () => {
    fc.assert(
      fc.property(fc.nat(60), fc.nat(60), (a, d) => {
        const cast = a + d;
        const expectIso = cast > 0 && a / cast >= 2 / 3 - 1e-12 && d / cast <= 1 / 4 + 1e-12;
        return passes('iso', a, d) === expectIso;
      }),
    );
  });
  it('the counts always add up to the electorate', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.array(fc.constantFrom('approve', 'disapprove', 'abstain', 'recuse'), { maxLength: 40 }), fc.nat(5), (n, ps, out) => {
        const positions: Partial<Record<Position, number>> = {};
        for (const p of ps.slice(0, n)) positions[p as Position] = (positions[p as Position] ?? 0) + 1;
        const used = Math.min(ps.length, n);
        const c = run(n, positions, 'iso', 0.5, Math.min(out, n - used));
        const t = c.tally;
        return t.approve + t.disapprove + t.abstain + t.recuse + t.not_voted + t.outdated === n;
      }),
    );
  });
});
