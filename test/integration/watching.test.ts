import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, bearerFor, csrfFrom } from '../helpers/auth.ts';

type App = Awaited<ReturnType<typeof testApp>>;

/** Issue 16 item 2: watching a standard, a series or everything — the API, the forms and the buttons. */
describe('watching', () => {
  let t: App;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  describe('the API', () => {
    it('needs an account: 401 without one', async () => {
      await request(t.app).get('/api/v1/me/watches').expect(401);
      await request(t.app).post('/api/v1/me/watches').send({ scope: 'all' }).expect(401);
      await request(t.app).delete('/api/v1/me/watches').expect(401);
    });

    it('a stakeholder watches nothing, then a standard (any spelling of its ref), a series, everything', async () => {
      const { auth } = await bearerFor(t, 'stakeholder');
      expect((await request(t.app).get('/api/v1/me/watches').set(...auth).expect(200)).body).to.deep.equal({ watches: [], default_all: false, nothing: false });
      const one = await request(t.app).post('/api/v1/me/watches').set(...auth).send({ scope: 'standard', ref: 'IMAS 07-11' }).expect(201);
      expect(one.body.watches.map((w: { standard: { ref: string } }) => w.standard.ref)).to.deep.equal(['07.11']);
      // idempotent
      await request(t.app).post('/api/v1/me/watches').set(...auth).send({ scope: 'standard', ref: '07.11' }).expect(201);
      const two = await request(t.app).post('/api/v1/me/watches').set(...auth).send({ scope: 'series', series: '09' }).expect(201);
      expect(two.body.watches.map((w: { scope: string }) => w.scope)).to.deep.equal(['standard', 'series']);
      const all = await request(t.app).post('/api/v1/me/watches').set(...auth).send({ scope: 'all' }).expect(201);
      expect(all.body.watches.map((w: { scope: string }) => w.scope)).to.deep.equal(['all']);
    });

    it('refuses what names nothing with 422 and a message per field', async () => {
      const { auth } = await bearerFor(t, 'stakeholder');
      const none = await request(t.app).post('/api/v1/me/watches').set(...auth).send({ scope: 'standard' }).expect(422);
      expect(none.body.error.fields.ref).to.contain('Name the standard');
      const unknown = await request(t.app).post('/api/v1/me/watches').set(...auth).send({ scope: 'standard', ref: '99.99' }).expect(422);
      expect(unknown.body.error.fields.ref).to.contain('no standard "99.99"');
      await request(t.app).post('/api/v1/me/watches').set(...auth).send({ scope: 'series', series: '99' }).expect(422);
      await request(t.app).post('/api/v1/me/watches').set(...auth).send({ scope: 'everything' }).expect(422);
      expect((await request(t.app).get('/api/v1/me/watches').set(...auth).expect(200)).body.watches).to.deep.equal([]);
    });

    it('a Board member watches everything by default; stopping their last choice leaves nothing, not the default', async () => {
      const { auth } = await bearerFor(t, 'board');
      expect((await request(t.app).get('/api/v1/me/watches').set(...auth).expect(200)).body).to.deep.include({ default_all: true, nothing: false });
      const added = await request(t.app).post('/api/v1/me/watches').set(...auth).send({ scope: 'series', series: '07' }).expect(201);
      expect(added.body.default_all).to.equal(false);
      await request(t.app).delete(`/api/v1/me/watches/${added.body.watches[0].id}`).set(...auth).expect(204);
      expect((await request(t.app).get('/api/v1/me/watches').set(...auth).expect(200)).body).to.deep.equal({ watches: [], default_all: false, nothing: true });
      await request(t.app).post('/api/v1/me/watches').set(...auth).send({ scope: 'all' }).expect(201);
      await request(t.app).delete('/api/v1/me/watches').set(...auth).expect(204);
      expect((await request(t.app).get('/api/v1/me/watches').set(...auth).expect(200)).body.nothing).to.equal(true);
    });

    it("one cannot stop someone else's watch (404)", async () => {
      const a = await bearerFor(t, 'stakeholder');
      const b = await bearerFor(t, 'stakeholder');
      const w = (await request(t.app).post('/api/v1/me/watches').set(...a.auth).send({ scope: 'all' }).expect(201)).body.watches[0];
      await request(t.app).delete(`/api/v1/me/watches/${w.id}`).set(...b.auth).expect(404);
      await request(t.app).delete('/api/v1/me/watches/abc').set(...b.auth).expect(404);
      expect((await request(t.app).get('/api/v1/me/watches').set(...a.auth).expect(200)).body.watches).to.have.length(1);
    });
  });

  describe('the pages', () => {
    it('a standard page has a watch button for a signed-in reader only; it posts a form with CSRF and comes back to the page', async () => {
      const anon = await request(t.app).get('/standards/07.11').expect(200);
      expect(anon.text).not.to.contain('Watch this standard');
      const { agent, csrf, user } = await agentFor(t, 'stakeholder');
      const page = await agent.get('/standards/07.11').expect(200);
      expect(page.text).to.contain('Watch this standard');
      expect(page.text).to.contain('action="/me/watching"');
      // without the token: refused, nothing written
      await agent.post('/me/watching').type('form').send({ scope: 'standard', ref: '07.11', back: '/standards/07.11' }).expect(403);
      await agent.post('/me/watching').type('form').send({ _csrf: 'forged', scope: 'standard', ref: '07.11', back: '/standards/07.11' }).expect(403);
      expect(await t.db('watches').where({ user_id: user.id }).count({ n: '*' }).first()).to.satisfy((r: { n: unknown }) => Number(r.n) === 0);
      await agent.post('/me/watching').type('form').send({ _csrf: csrfFrom(page.text), scope: 'standard', ref: '07.11', back: '/standards/07.11' }).expect(303).expect('Location', '/standards/07.11');
      const after = await agent.get('/standards/07.11').expect(200);
      expect(after.text).to.contain('Stop watching');
      expect(after.text).not.to.contain('Watch this standard');
      // the public page stays the same for everyone
      const anonAfter = await request(t.app).get('/standards/07.11').expect(200);
      expect(anonAfter.text).to.equal(anon.text);
      // stop from the standard page
      const id = (await t.db('watches').where({ user_id: user.id }).first('id')).id;
      await agent.post(`/me/watching/${id}/remove`).type('form').send({ _csrf: csrf, back: '/standards/07.11' }).expect(303).expect('Location', '/standards/07.11');
      expect((await agent.get('/standards/07.11').expect(200)).text).to.contain('Watch this standard');
    });

    it('/me/watching lists what one watches with remove buttons; the catalogue watches a series; bad input keeps the form filled in', async () => {
      const { agent, csrf, user } = await agentFor(t, 'stakeholder');
      const cat = await agent.get('/standards').expect(200);
      expect(cat.text).to.contain('Watch this series');
      await agent.post('/me/watching').type('form').send({ _csrf: csrfFrom(cat.text), scope: 'series', series: '09', back: '/me/watching?done=added' }).expect(303).expect('Location', '/me/watching?done=added');
      const list = await agent.get('/me/watching?done=added').expect(200);
      expect(list.text).to.contain('You now watch it');
      expect(list.text).to.match(/Series 09[\s\S]*?action="\/me\/watching\/\d+\/remove"/);
      const bad = await agent.post('/me/watching').type('form').send({ _csrf: csrf, scope: 'standard', ref: '99.99' }).expect(422);
      expect(bad.text).to.contain('There is no standard &quot;99.99&quot;');
      expect(bad.text).to.contain('value="99.99"');
      await agent.post('/me/watching').type('form').send({ _csrf: csrf, scope: 'all' }).expect(303).expect('Location', '/me/watching?done=added');
      expect((await agent.get('/me/watching').expect(200)).text).to.contain('Everything');
      await agent.post('/me/watching/nothing').type('form').send({ _csrf: csrf }).expect(303);
      expect((await t.db('watches').where({ user_id: user.id }).select('scope')).map((r: { scope: string }) => r.scope)).to.deep.equal(['none']);
      // someone else's watch cannot be removed through the form either
      const other = await agentFor(t, 'stakeholder');
      await other.agent.post('/me/watching').type('form').send({ _csrf: other.csrf, scope: 'all' }).expect(303);
      const theirs = (await t.db('watches').where({ user_id: other.user.id }).first('id')).id;
      await agent.post(`/me/watching/${theirs}/remove`).type('form').send({ _csrf: csrf }).expect(404);
    });

    it('the forms are for accounts: the public is sent to sign in', async () => {
      await request(t.app).get('/me/watching').expect(303).expect('Location', '/login?next=%2Fme%2Fwatching');
      const count = async () => Number((await t.db('watches').count({ n: '*' }).first())!.n);
      const before = await count();
      // refused (the anonymous CSRF check or the sign-in redirect), and nothing written
      const res = await request(t.app).post('/me/watching').type('form').send({ scope: 'all' });
      expect(res.status).to.be.oneOf([303, 403]);
      if (res.status === 303) expect(res.headers.location).to.equal('/login');
      expect(await count()).to.equal(before);
    });
  });
});
