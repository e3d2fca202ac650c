import { expect } from 'chai';
import fc from 'fast-check';
import { diffVersions } from '../../server/diff/index.ts';
import { changedTermSpans, changedTerms, findNumbers, findVerbs, termChanges, termsIn } from '../../server/diff/summary.ts';
import { generatePair } from '../../bench/lib/gen-standard.ts';
import { type DiffPart, diffText, sideText } from '../../server/diff/words.ts';
import type { Clause } from '../../server/versions/clause.ts';

function clause(ref: string, heading: string, text: string, position = 0): Clause {
  return { ref, heading, text, depth: ref.split('.').length, position, key: `k-${heading}` };
}

/** The summary of a one-clause change, as "a → b" strings. */
function terms(before: string, after: string, kind: 'verbs' | 'numbers'): string[] {
  const d = diffVersions([clause('4.2', 'Marking', before)], [clause('4.2', 'Marking', after)]);
  return d.summary[kind].map((t) => `${t.from ?? '∅'} → ${t.to ?? '∅'} in ${t.to_ref}`);
}

describe('diff: requirement verbs', () => {
  it('finds the verbs with their negations, in order', () => {
    expect(findVerbs('Teams shall mark. They SHALL NOT enter; they should not run, may rest, must report, can ask and cannot leave.')).to.deep.equal([
      'shall', 'shall not', 'should not', 'may', 'must', 'can', 'cannot',
    ]);
    expect(findVerbs('Published in May 2020 by the shallow channel team.')).to.deep.equal([]);
  });

  it('reports a verb changed in place as "should → shall"', () => {
    expect(terms('Teams should mark the area. Signs shall be red.', 'Teams shall mark the area. Signs shall be red.', 'verbs')).to.deep.equal(['should → shall in 4.2']);
  });

  it('reports a negation added', () => {
    expect(terms('Deminers shall enter the lane.', 'Deminers shall not enter the lane.', 'verbs')).to.deep.equal(['shall → shall not in 4.2']);
  });

  it('reports verbs added and removed with their sentence', () => {
    expect(terms('Signs shall be red.', 'Signs shall be red. Teams may rest.', 'verbs')).to.deep.equal(['∅ → may in 4.2']);
    expect(terms('Signs shall be red. Teams must rest.', 'Signs shall be red.', 'verbs')).to.deep.equal(['must → ∅ in 4.2']);
  });

  it('reports nothing when only other words changed', () => {
    expect(terms('Signs shall be red.', 'Signs shall be bright red.', 'verbs')).to.deep.equal([]);
  });
});

describe('diff: numbers with units', () => {
  it('finds numbers with units, whatever the spacing, and ignores clause refs and bare numbers', () => {
    expect(findNumbers('Mark every 50 m (or 50m), dig 2.5 cm, wait 3 days, 30 % of 12 hours, 10 km², 40 °C, see 4.2 and 7 teams.')).to.deep.equal([
      '50 m', '50 m', '2.5 cm', '3 days', '30 %', '12 hours', '10 km²', '40 °C',
    ]);
    expect(findNumbers('See clause 4.2 and annex B; 12 members; 5 mines; IMAS 07.11.')).to.deep.equal([]);
  });

  it('reports "50 m → 100 m"', () => {
    expect(terms('Place signs every 50 m along the lane.', 'Place signs every 100 m along the lane.', 'numbers')).to.deep.equal(['50 m → 100 m in 4.2']);
  });

  it('reports a unit changed', () => {
    expect(terms('Keep records for 5 years.', 'Keep records for 5 months.', 'numbers')).to.deep.equal(['5 years → 5 months in 4.2']);
  });
});

describe('diff: summary counts', () => {
  it('lists clauses added, removed, moved and renumbered, and counts words', () => {
    const from = [clause('4.1', 'Marking', 'Signs shall be red.', 0), clause('4.2', 'Records', 'Keep records for 5 years.', 1), clause('4.3', 'Old', 'Obsolete text here.', 2)];
    const to = [clause('4.1', 'Records', 'Keep records for 10 years.', 0), clause('4.2', 'Marking', 'Signs shall be red.', 1), clause('4.3', 'New', 'A brand new clause.', 2)];
    const s = diffVersions(from, to).summary;
    expect(s.added.map((l) => l.to_ref)).to.deep.equal(['4.3']);
    expect(s.removed.map((l) => [l.from_ref, l.anchor])).to.deep.equal([['4.3', 'change-removed-4.3']]);
    expect(s.moved).to.have.length(1);
    expect(s.renumbered.map((l) => `${l.from_ref}→${l.to_ref}`)).to.deep.equal(['4.2→4.1', '4.1→4.2']);
    expect(s.changed).to.equal(1);
    expect(s.words_added).to.equal(1 + 4);
    expect(s.words_removed).to.equal(1 + 3);
    expect(s.numbers.map((t) => t.anchor)).to.deep.equal(['change-4.1']);
  });

  it('reports a heading change with from_heading', () => {
    const d = diffVersions([clause('4.1', 'Marking', 'Text.')], [clause('4.1', 'Marking of areas', 'Text.')]);
    expect(d.clauses[0]).to.include({ status: 'changed', heading: 'Marking of areas', from_heading: 'Marking' });
    expect(diffVersions([clause('4.1', 'Marking', 'Text.')], [clause('4.1', 'Marking', 'Text.')]).clauses[0]).to.not.have.property('from_heading');
  });
});

describe('diff: terms of changed clauses', () => {
  /** The rule changedTerms implements, over every term of both texts (it only scans near the changes). */
  function reference(parts: DiffPart[], kind: 'verbs' | 'numbers'): { from: string | null; to: string | null }[] {
    const hunks: { old: [number, number]; new: [number, number] }[] = [];
    let o = 0;
    let n = 0;
    let open = false;
    for (const p of parts) {
      if (p.op === 'equal') {
        o += p.text.length;
        n += p.text.length;
        open = false;
        continue;
      }
      if (!open) hunks.push({ old: [o, o], new: [n, n] });
      open = true;
      if (p.op === 'delete') hunks.at(-1)!.old[1] = o += p.text.length;
      else hunks.at(-1)!.new[1] = n += p.text.length;
    }
    const perHunk = (text: string, side: 'old' | 'new') => {
      const per: string[][] = hunks.map(() => []);
      for (const f of termsIn(text, kind)) {
        // the first hunk that does not end more than one character before the term
        const h = hunks.findIndex((x) => x[side][1] + 1 >= f.start);
        if (h >= 0 && hunks[h]![side][0] <= f.end + 1) per[h]!.push(f.term);
      }
      return per;
    };
    const before = perHunk(sideText(parts, 'old'), 'old');
    const after = perHunk(sideText(parts, 'new'), 'new');
    return hunks.flatMap((_, k) => termChanges(before[k]!, after[k]!));
  }

  // sentences full of what the scan must not cut through: decimals, refs, dotted numbers, spaced negations
  const token = fc.constantFrom(
    'shall', 'should', 'may', 'must', 'can', 'cannot', 'not', 'mark', 'May', 'area', '50', '2.5', '1,5', '4.2', '07.11.', '.5',
    'm', 'kg', 'km²', '%', '°C', 'per cent', 'square metres', 'days', '.', '. ', ', ', ' ', '  ', '\n', '\n\n', 'é', 'a12',
  );
  const text = fc.array(token, { maxLength: 80 }).map((ts) => ts.join(''));

  it('finds the same verbs and numbers as a scan of the whole text', () => {
    fc.assert(
      fc.property(text, fc.array(fc.tuple(fc.nat(), fc.nat(8), text), { maxLength: 4 }), (a, edits) => {
        let b = a;
        for (const [at, cut, s] of edits) {
          const k = at % (b.length + 1);
          b = b.slice(0, k) + s + b.slice(k + cut);
        }
        const parts = diffText(a, b);
        for (const kind of ['verbs', 'numbers'] as const) expect(changedTerms(parts, kind)).to.deep.equal(reference(parts, kind));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('diff: requirements followed across clauses (issue 14)', () => {
  const MEDIC = 'A qualified medic shall be present at the worksite whenever demining is in progress. The medic shall hold a current trauma care qualification.';
  const EVAC = 'A casualty shall be evacuated to a surgical facility within 2 hours of injury. The evacuation route shall be driven and timed before work starts.';
  const FENCE = 'The perimeter shall be fenced with posts at intervals of no more than 5 m. The fence shall be at least 1.2 m high.';
  const GATE = 'Each worksite shall have a single gate for vehicles. The gate shall be 3 m wide and shall be locked outside working hours.';
  const RECORDS = 'Daily records of the worksite shall be kept at the control point for 5 years after handover.';
  const at = (rows: [string, string, string][]) => rows.map(([ref, heading, text], i) => clause(ref, heading, text, i));

  it('a clause split with an edit in the part that moved: "2 hours → 1 hour, moved from 7.3 to 7.4", nothing removed', () => {
    const d = diffVersions(at([['7.3', 'Medical support', `${MEDIC} ${EVAC}`], ['7.4', 'Records', RECORDS]]), at([['7.3', 'Medics', MEDIC], ['7.4', 'Evacuation', EVAC.replace('2 hours', '1 hour')], ['7.5', 'Records', RECORDS]]));
    expect(d.summary.numbers).to.deep.equal([{ anchor: 'change-7.4', from_ref: '7.3', to_ref: '7.4', from: '2 hours', to: '1 hour', moved: true }]);
    expect(d.summary.verbs).to.deep.equal([]);
    expect(d.summary.added).to.deep.equal([]);
    expect(d.summary.splits).to.deep.equal([{ anchor: 'change-7.3', from_ref: '7.3', to_refs: ['7.3', '7.4'], text: '7.3 was split into 7.3 and 7.4' }]);
  });

  it('clauses merged with an edit in the second part: "3 m → 4 m in 6.1, was 6.2"', () => {
    const d = diffVersions(at([['6.1', 'Fencing', FENCE], ['6.2', 'Gates', GATE]]), at([['6.1', 'Fencing and gates', `${FENCE} ${GATE.replace('3 m', '4 m')}`]]));
    expect(d.summary.numbers).to.deep.equal([{ anchor: 'change-6.1', from_ref: '6.2', to_ref: '6.1', from: '3 m', to: '4 m', moved: true }]);
    expect(d.summary.verbs).to.deep.equal([]);
    expect(d.summary.removed).to.deep.equal([]);
    expect(d.summary.merges.map((m) => m.text)).to.deep.equal(['6.1 and 6.2 were merged into 6.1']);
  });

  it('a sentence moved into a new clause is moved, not removed in one place and new in the other', () => {
    const visitors = 'Visitors shall report to the control point before entering the worksite.';
    const d = diffVersions(
      at([['5.1', 'Control point', `The control point shall be at least 100 m from the hazardous area. ${visitors}`], ['5.2', 'Parking', 'Vehicles shall be parked 50 m away.']]),
      at([['5.1', 'Control point', 'The control point shall be at least 100 m from the hazardous area.'], ['5.2', 'Parking', 'Vehicles shall be parked 50 m away.'], ['5.3', 'Visitors', `${visitors} They shall be briefed and escorted at all times by a deminer.`]]),
    );
    expect(d.summary.verbs).to.deep.equal([]);
    expect(d.summary.added.map((l) => l.to_ref)).to.deep.equal(['5.3']);
    expect(d.summary.moved_sentences).to.deep.equal([{ anchor: 'change-5.3', from_ref: '5.1', to_ref: '5.3', text: visitors, edited: false }]);
  });

  it('a requirement is removed only when it is gone from the whole text; one copy of a repeated sentence removed is removed there', () => {
    const bp = 'Records of this activity shall be kept for 5 years.';
    const from = at([['4.1', 'Accreditation', `Organisations shall be accredited. ${bp}`], ['4.2', 'Inspections', `Teams shall be inspected every 30 days. ${bp}`]]);
    const d = diffVersions(from, at([['4.1', 'Accreditation', 'Organisations shall be accredited.'], ['4.2', 'Inspections', `Teams shall be inspected every 30 days. ${bp}`]]));
    expect(d.summary.verbs.map((t) => [t.from, t.to, t.from_ref])).to.deep.equal([['shall', null, '4.1']]);
    expect(d.summary.numbers.map((t) => [t.from, t.to, t.from_ref])).to.deep.equal([['5 years', null, '4.1']]);
  });

  it('sentences, list items and table rows put in another order change no verb or number', () => {
    const d = diffVersions(
      at([['7.3', 'Medical support', `${MEDIC} ${EVAC}`], ['5.1', 'Coverage', '| Manual | 10 % | 1 m |\n| Dog | 20 % | 10 m |\n| Machine | 30 % | 3 m |']]),
      at([['7.3', 'Medical support', `${EVAC} ${MEDIC}`], ['5.1', 'Coverage', '| Machine | 30 % | 3 m |\n| Dog | 20 % | 10 m |\n| Manual | 10 % | 1 m |']]),
    );
    expect(d.summary.changed).to.equal(2);
    expect(d.summary.verbs).to.deep.equal([]);
    expect(d.summary.numbers).to.deep.equal([]);
  });
});

describe('diff: the terms the HTML marks', () => {
  it('are the same whether the summary kept them or they are found again', () => {
    // the summary keeps the terms it found in a clause changed in place, by the clause's parts; a copy
    // of the parts is not known to it and is read from scratch
    const { from, to } = generatePair(5_000, 3);
    const d = diffVersions(from.clauses, to.clauses);
    const changed = d.clauses.filter((c) => c.status === 'changed');
    expect(changed.length).to.be.greaterThan(5);
    let marked = 0;
    for (const c of changed) {
      const kept = changedTermSpans(c.parts);
      expect(kept).to.deep.equal(changedTermSpans(c.parts.slice()));
      marked += kept.old.length + kept.new.length;
    }
    expect(marked).to.be.greaterThan(0);
  });
});
