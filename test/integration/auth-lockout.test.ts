import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { createUser, csrfFrom } from '../helpers/auth.ts';

type App = Awaited<ReturnType<typeof testApp>>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The limiters keep real time: short real windows here (design.md §9).
describe('auth: brute-force limits', () => {
  let t: App;
  before(async () => {
    t = await testApp({ env: { TRUST_PROXY: 'true' }, authLimits: { failuresPerAccountAndIp: 3, failureWindowSec: 60, blockSec: 1, failuresPerIp: 50, requestsPerIp: 1000 } });
  });
  after(() => t.close());

  const attempt = async (ip: string, email: string, password: string) => {
    const agent = request.agent(t.app);
    const form = await agent.get('/login').set('X-Forwarded-For', ip);
    return agent.post('/login').set('X-Forwarded-For', ip).type('form').send({ _csrf: csrfFrom(form.text), email, password });
  };

  it('blocks an account from one address after consecutive failures, with 429 and Retry-After; the real user signs in from elsewhere; the block ends', async () => {
    const user = await createUser(t.db);
    for (let i = 0; i < 3; i++) expect((await attempt('203.0.113.7', user.email, 'wrong guess')).status).to.equal(401);
    const blocked = await attempt('203.0.113.7', user.email, user.password);
    expect(blocked.status).to.equal(429);
    expect(Number(blocked.headers['retry-after'])).to.be.within(1, 2);
    expect(blocked.text).to.contain('Too many attempts');
    // the API is limited the same way
    const api = await request(t.app).post('/api/v1/tokens').set('X-Forwarded-For', '203.0.113.7').send({ email: user.email, password: user.password });
    expect(api.status).to.equal(429);
    expect(api.headers['retry-after']).to.match(/^\d+$/);
    // from another address the real user gets in
    expect((await attempt('198.51.100.20', user.email, user.password)).status).to.equal(303);
    await sleep(1200);
    expect((await attempt('203.0.113.7', user.email, user.password)).status).to.equal(303);
  });

  it('a success resets the count of consecutive failures', async () => {
    const user = await createUser(t.db);
    for (let i = 0; i < 2; i++) await attempt('203.0.113.8', user.email, 'wrong guess');
    expect((await attempt('203.0.113.8', user.email, user.password)).status).to.equal(303);
    for (let i = 0; i < 2; i++) expect((await attempt('203.0.113.8', user.email, 'wrong guess')).status).to.equal(401);
    expect((await attempt('203.0.113.8', user.email, user.password)).status).to.equal(303);
  });

  it('limits requests per address', async () => {
    const strict = await testApp({ env: { TRUST_PROXY: 'true' }, authLimits: { requestsPerIp: 3, requestsWindowSec: 1 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await request(strict.app).post('/api/v1/tokens').set('X-Forwarded-For', '192.0.2.1').send({ email: 'a@example.org', password: 'whatever it is' })).status);
      expect(statuses).to.deep.equal([401, 401, 401, 429]);
      expect((await request(strict.app).post('/api/v1/tokens').set('X-Forwarded-For', '192.0.2.2').send({ email: 'a@example.org', password: 'whatever it is' })).status).to.equal(401);
      await sleep(1100);
      expect((await request(strict.app).post('/api/v1/tokens').set('X-Forwarded-For', '192.0.2.1').send({ email: 'a@example.org', password: 'whatever it is' })).status).to.equal(401);
    } finally {
      await strict.close();
    }
  });
});
