import { expect } from 'chai';
import { z } from 'zod';
import { AppError } from '../../server/errors.ts';
import { formValues, isFormError } from '../../server/http/forms.ts';
import { instant, parseOr422, pathId, readInstant } from '../../server/http/validation.ts';
import { openBallotSchema } from '../../server/ballots/validation.ts';
import { consultationCreateSchema } from '../../server/consultations/validation.ts';

describe('validation kit (server/http)', () => {
  it('reads every form of an instant the one rule takes, as UTC', () => {
    expect(readInstant('2027-03-31T17:00Z')).to.equal('2027-03-31T17:00:00.000Z');
    expect(readInstant('2027-03-31T17:00:30.5z')).to.equal('2027-03-31T17:00:30.500Z');
    expect(readInstant('2027-03-31T19:00+02:00')).to.equal('2027-03-31T17:00:00.000Z');
    expect(readInstant('2027-03-31T19:00+0200')).to.equal('2027-03-31T17:00:00.000Z');
    expect(readInstant('2027-03-31T17:00')).to.equal('2027-03-31T17:00:00.000Z'); // datetime-local
    expect(readInstant('2027-03-31 17:00')).to.equal('2027-03-31T17:00:00.000Z');
    expect(readInstant(' 2027-03-31 ')).to.equal('2027-03-31T00:00:00.000Z'); // a bare date: 00:00 UTC
    for (const bad of ['', 'tomorrow', '31/03/2027', '2027-03-31T17', '2027-03-31T17:00 GMT', '2027-13-01T00:00Z', '2027-03-31T25:00Z']) expect(readInstant(bad), bad).to.equal(null);
  });

  it('one rule for every closing time: consultations and ballots take the same forms, and say which', () => {
    for (const s of ['2027-01-31', '2027-01-31T17:00', '2027-01-31T18:00+01:00']) {
      const c = consultationCreateSchema.parse({ closes_at: s }).closes_at;
      const b = openBallotSchema.parse({ closes_at: s }).closes_at;
      expect(b, s).to.equal(c);
    }
    expect(instant('the closing time').description).to.match(/ISO 8601.*datetime-local.*bare date/);
  });

  it('parse-or-422: the typed value, or a Validation with a message per field', () => {
    const schema = z.object({ n: z.number({ error: 'A number.' }), s: z.string({ error: 'Some text.' }) }).strict();
    expect(parseOr422(schema, { n: 1, s: 'x' })).to.deep.equal({ n: 1, s: 'x' });
    try {
      parseOr422(schema, { n: 'x', extra: 1 });
      expect.fail('no error');
    } catch (err) {
      expect(err).to.be.instanceOf(AppError).and.include({ status: 422, code: 'validation' });
      expect((err as AppError).fields).to.deep.equal({ n: 'A number.', s: 'Some text.', form: 'Unknown field: extra.' });
    }
  });

  it('an id from a path is a positive integer, else 404', () => {
    expect(pathId('12')).to.equal(12);
    for (const bad of ['0', '-1', '1.5', 'abc', '', '1e3', ' 1', '9'.repeat(16)]) expect(() => pathId(bad, 'No such ballot.'), bad).to.throw('No such ballot.').with.property('status', 404);
  });

  it('form values are the strings sent (a file or an object is not put back)', () => {
    expect(formValues({ a: 'x', b: 1, c: { d: 1 } })).to.deep.equal({ a: 'x' });
    expect(formValues({ a: 'x', password: 'p' }, 'a')).to.deep.equal({ a: 'x' });
    expect(isFormError(new AppError(409, 'conflict', 'x'))).to.equal(true);
    expect(isFormError(new AppError(404, 'not_found', 'x'))).to.equal(false);
  });
});
