import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { bearerFor } from '../helpers/auth.ts';

/** Faults the fuzzing test (fuzz.test.ts) found, each pinned by its own request. */

type App = Awaited<ReturnType<typeof testApp>>;

describe('faults found by fuzzing', () => {
  let t: App;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  // Both requests passed the "is the address free?" check while the other hashed its password; the
  // second insert hit the unique index and answered 500.
  it('the same address registered several times at once: every answer is the usual 202, one account', async () => {
    const body = { name: 'Twin', email: 'twin@example.org', organisation: 'Twins', password: 'a long enough password' };
    const answers = await Promise.all(Array.from({ length: 6 }, () => request(t.app).post('/api/v1/register').send(body)));
    expect(answers.map((r) => r.status)).to.deep.equal([202, 202, 202, 202, 202, 202]);
    expect(new Set(answers.map((r) => JSON.stringify(r.body))).size, 'one answer, whoever won').to.equal(1);
    expect(await t.db('users').where({ email: 'twin@example.org' }).count({ n: '*' }).first()).to.deep.equal({ n: 1 });
  });

  it('the same account created by the secretariat several times at once: one 201, the others 409 with a message', async () => {
    const { auth } = await bearerFor(t, 'secretariat');
    const body = { name: 'Twin', email: 'twin-admin@example.org', organisation: 'Twins', role: 'board' };
    const answers = await Promise.all(Array.from({ length: 6 }, () => request(t.app).post('/api/v1/users').set(...auth).send(body)));
    expect(answers.map((r) => r.status).sort()).to.deep.equal([201, 409, 409, 409, 409, 409]);
    for (const r of answers.filter((x) => x.status === 409)) expect(r.body.error.message).to.equal('There is already an account with this e-mail address.');
    expect(await t.db('users').where({ email: 'twin-admin@example.org' }).count({ n: '*' }).first()).to.deep.equal({ n: 1 });
  });
});
