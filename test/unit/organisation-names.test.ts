import { expect } from 'chai';
import { dayBefore, nameKey, overlaps, tidyName } from '../../server/organisations/names.ts';
import { utcDay } from '../../server/organisations/board.ts';

/** The pure rules of the organisations register (server/organisations/names.ts). */
describe('organisation names and dated spans', () => {
  it('one key for spellings that differ in case and in surrounding or repeated spaces, and only those', () => {
    const keys = ['GICHD', ' gichd ', 'Gichd', 'gICHD\t', '\u00a0GICHD'].map(nameKey);
    expect(new Set(keys)).to.deep.equal(new Set(['gichd']));
    expect(nameKey('Field  Demining  NGO')).to.equal(nameKey('field demining ngo'));
    expect(nameKey('G.I.C.H.D.')).not.to.equal(nameKey('GICHD'));
    expect(nameKey('HALO Trust')).not.to.equal(nameKey('The HALO Trust'));
    expect(tidyName('  Field   NGO ')).to.equal('Field NGO');
  });

  it('spans share a day when neither ends before the other begins (both days included; null = open-ended)', () => {
    const span = (from_date: string, until_date: string | null) => ({ from_date, until_date });
    expect(overlaps(span('2026-01-01', '2026-06-30'), span('2026-06-30', null))).to.equal(true);
    expect(overlaps(span('2026-01-01', '2026-06-30'), span('2026-07-01', null))).to.equal(false);
    expect(overlaps(span('2026-07-01', null), span('2026-01-01', '2026-06-30'))).to.equal(false);
    expect(overlaps(span('2026-01-01', null), span('2030-01-01', null))).to.equal(true);
    expect(overlaps(span('2026-03-01', '2026-03-01'), span('2026-01-01', '2026-12-31'))).to.equal(true);
  });

  it('the day before, across months, years and leap days', () => {
    expect(dayBefore('2026-12-01')).to.equal('2026-11-30');
    expect(dayBefore('2027-01-01')).to.equal('2026-12-31');
    expect(dayBefore('2028-03-01')).to.equal('2028-02-29');
  });

  it('reads a day from a date or an instant, as its UTC calendar day', () => {
    expect(utcDay('2026-11-23')).to.equal('2026-11-23');
    expect(utcDay('2026-11-23T23:59:59.999Z')).to.equal('2026-11-23');
    expect(utcDay('2026-11-24T00:30:00+01:00')).to.equal('2026-11-23');
    expect(() => utcDay('not a day')).to.throw(/not a date/);
  });
});
