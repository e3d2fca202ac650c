import { expect } from 'chai';
import { canonicalRef, designation, refFor } from '../../server/standards/refs.ts';
import { inForceOn, inForceUntil, upcoming } from '../../server/versions/edition.ts';

describe('standard refs', () => {
  it('derives the URL key from type and number', () => {
    expect(refFor('IMAS', '07.11')).to.equal('07.11');
    expect(refFor('TNMA', '12.10/01')).to.equal('tnma-12.10-01');
    expect(refFor('T&EP', '07.31/01/2022')).to.equal('tep-07.31-01-2022');
    expect(designation('T&EP', '07.31/01/2022')).to.equal('T&EP 07.31/01/2022');
  });

  it('reads the spellings people use', () => {
    for (const s of ['07.11', '07-11', 'IMAS 07.11', 'imas-07-11', ' imas 07.11 ', '0711']) expect(canonicalRef(s), s).to.equal('07.11');
    expect(canonicalRef('TNMA 12.10/01')).to.equal('tnma-12.10-01');
    expect(canonicalRef('tnma-12-10-01')).to.equal('tnma-12.10-01');
    expect(canonicalRef('T&EP 07.31/01/2022')).to.equal('tep-07.31-01-2022');
    expect(canonicalRef('tep-07.31-01-2022')).to.equal('tep-07.31-01-2022');
    for (const s of ['land release', '7.11', 'IMAS 07.11.01.2022', 'tnma 07.11', '']) expect(canonicalRef(s), s).to.equal(null);
  });
});

describe('which edition is in force', () => {
  const v = (n: number, state: string, in_force_from: string | null) => ({ n, state, in_force_from });
  const versions = [v(1, 'published', '2019-03-01'), v(2, 'published', '2021-07-01'), v(3, 'published', '2026-01-16'), v(4, 'draft', null), v(5, 'published', '2027-04-01')];

  it('is the published version with the latest in-force date not after the day', () => {
    expect(inForceOn(versions, '2019-02-28', null)).to.equal(null);
    expect(inForceOn(versions, '2019-03-01', null)!.n).to.equal(1);
    expect(inForceOn(versions, '2021-06-30', null)!.n).to.equal(1);
    expect(inForceOn(versions, '2021-07-01', null)!.n).to.equal(2);
    expect(inForceOn(versions, '2026-11-23', null)!.n).to.equal(3);
    expect(inForceOn(versions, '2027-04-01', null)!.n).to.equal(5);
  });

  it('is none from the day of withdrawal, and earlier days still answer', () => {
    expect(inForceOn(versions, '2022-01-01', '2022-01-01')).to.equal(null);
    expect(inForceOn(versions, '2021-12-31', '2022-01-01')!.n).to.equal(2);
  });

  it('lists editions announced for later and when each stops being in force', () => {
    expect(upcoming(versions, '2026-11-23').map((x) => x.n)).to.deep.equal([5]);
    expect(inForceUntil(versions[0]!, versions, null)).to.equal('2021-07-01');
    expect(inForceUntil(versions[2]!, versions, null)).to.equal('2027-04-01');
    expect(inForceUntil(versions[4]!, versions, '2030-01-01')).to.equal('2030-01-01');
    expect(inForceUntil(versions[3]!, versions, null)).to.equal(null);
  });

  it('prefers the later version when two start on the same day', () => {
    expect(inForceOn([v(1, 'published', '2020-01-01'), v(2, 'published', '2020-01-01')], '2020-01-01', null)!.n).to.equal(2);
  });
});
