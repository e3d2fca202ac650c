import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { bearerFor } from '../helpers/auth.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';
import { hasNul, messages } from '../../server/http/nul.ts';

// PostgreSQL cannot store U+0000 in text; SQLite can. Refused alike on both, before any route runs.
describe('U+0000 in a request: 400 with a message on every database, nothing written', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  it('finds it in strings, keys and nested values, and nowhere else', () => {
    expect(hasNul('a\u0000b')).to.equal(true);
    expect(hasNul({ a: ['x', { b: 'y\u0000' }] })).to.equal(true);
    expect(hasNul({ ['k\u0000']: 1 })).to.equal(true);
    expect(hasNul({ a: ['x', { b: 'y' }], n: 0, z: null })).to.equal(false);
    expect(hasNul('\u2066bidi\u2069')).to.equal(false);
  });

  it('in a JSON body, a form, a query or a path', async () => {
    const cid = await sampleConsultationId(t.db);
    const { auth } = await bearerFor(t, 'stakeholder');
    const before = await t.db('comments').count({ n: '*' }).first();
    const json = await request(t.app).post(`/api/v1/consultations/${cid}/comments`).set(...auth).send({ clause: null, type: 'general', comment: 'Null\u0000byte' });
    expect(json.status).to.equal(400);
    expect(json.body.error.message).to.equal(messages.nul);
    expect(await t.db('comments').count({ n: '*' }).first()).to.deep.equal(before);
    await request(t.app).post('/login').type('form').send('email=a%00b&password=x').expect(400);
    await request(t.app).get(`/api/v1/consultations/${cid}/comments?organisation=%00`).set(...auth).expect(400);
    await request(t.app).get('/standards/07.11%00').expect(400);
    await request(t.app).get('/standards/07.11').expect(200);
  });
});
