/**
 * The reader's language (issue 19 item 1): the switcher's cookie, the account's choice, Accept-Language;
 * the page cache and the fast path keep one entry per language.
 */
import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { createUser, signIn } from '../helpers/auth.ts';

const apps: Array<{ close: () => Promise<void> }> = [];
after(async () => {
  for (const a of apps) await a.close();
});
async function app0() {
  const t = await testApp();
  apps.push(t);
  return { app: t.handler, db: t.db };
}

describe('interface language', () => {
  it('English by default; Accept-Language picks one of ours; the page says which with lang and dir', async () => {
    const { app } = await app0();
    const en = await request(app).get('/standards/07.11').expect(200);
    expect(en.text).to.match(/<html lang="en" dir="ltr">/);
    const ar = await request(app).get('/standards/07.11').set('Accept-Language', 'ar-EG, en;q=0.5').expect(200);
    expect(ar.text).to.match(/<html lang="ar" dir="rtl">/);
    expect(ar.text).to.include('المعايير');
    expect(ar.headers.vary).to.match(/Accept-Language/);
    expect(ar.headers['content-language']).to.equal('ar');
    expect((await request(app).get('/standards/07.11').set('Accept-Language', 'ar').expect(200)).headers['content-language']).to.equal('ar');
    const de = await request(app).get('/standards/07.11').set('Accept-Language', 'de').expect(200);
    expect(de.text).to.match(/<html lang="en"/);
  });

  it('the switcher: a link sets the cookie and returns to the page; the cookie wins over Accept-Language', async () => {
    const { app } = await app0();
    const res = await request(app).get('/language/fr?next=/standards/07.11').expect(303);
    expect(res.headers.location).to.equal('/standards/07.11');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).to.match(/^lang=fr;/).and.match(/HttpOnly/i);
    const page = await request(app).get('/standards/07.11').set('Cookie', 'lang=fr').set('Accept-Language', 'ru').expect(200);
    expect(page.text).to.match(/<html lang="fr"/);
    expect(page.text).to.include('Normes');
    // elsewhere than a local path: home
    expect((await request(app).get('/language/es?next=//evil.example').expect(303)).headers.location).to.equal('/');
    const bad = await request(app).get('/language/xx').expect(404);
    expect(bad.text).to.include('en, fr, es, ar, ru, zh');
  });

  it('cached pages and their ETags are kept per language, through the fast path too', async () => {
    const { app } = await app0();
    const en1 = await request(app).get('/standards/07.11').expect(200);
    const fr1 = await request(app).get('/standards/07.11').set('Cookie', 'lang=fr').expect(200);
    expect(fr1.headers.etag).to.not.equal(en1.headers.etag);
    // second requests come from the cache (fast path), each in its own language
    const fr2 = await request(app).get('/standards/07.11').set('Cookie', 'lang=fr').expect(200);
    const en2 = await request(app).get('/standards/07.11').expect(200);
    expect(fr2.text).to.equal(fr1.text);
    expect(en2.text).to.equal(en1.text);
    await request(app).get('/standards/07.11').set('Cookie', 'lang=fr').set('If-None-Match', fr1.headers.etag!).expect(304);
    await request(app).get('/standards/07.11').set('Accept-Language', 'fr').set('If-None-Match', en1.headers.etag!).expect(200);
  });

  it('a signed-in reader chooses with a form; the account keeps it, on any device', async () => {
    const { app, db } = await app0();
    const user = await createUser(db, { email: 'lang@example.org', role: 'stakeholder' });
    const agent = request.agent(app);
    await signIn(agent, user);
    const page = await agent.get('/standards/07.11').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    expect(page.text).to.include('action="/language"');
    await agent.post('/language').type('form').send({ _csrf: csrf, lang: 'ru', next: '/standards/07.11' }).expect(303);
    const row = await db('users').where({ id: user.id }).first();
    expect(row.language).to.equal('ru');
    // another device: no cookie, the account's language
    const other = request.agent(app);
    await signIn(other, user);
    const again = await other.get('/standards/07.11').expect(200);
    expect(again.text).to.match(/<html lang="ru"/);
    const twice = await other.get('/standards/07.11').expect(200);
    expect(twice.text).to.match(/<html lang="ru"/);
    expect(twice.text).to.include('Стандарты');
  });
});

describe('interface language through the API', () => {
  it('a user reads and sets their language with PATCH /api/v1/users/{id}; a bad one is a 422; the change is audited', async () => {
    const t = await testApp();
    try {
      const user = await createUser(t.db, { email: 'api-lang@example.org', role: 'stakeholder' });
      const token = (await request(t.app).post('/api/v1/tokens').send({ email: user.email, password: user.password, name: 'lang' }).expect(201)).body.token as string;
      const me = await request(t.handler).get(`/api/v1/users/me`).set('Authorization', `Bearer ${token}`);
      const id = me.status === 200 ? me.body.user.id : user.id;
      const set = await request(t.handler).patch(`/api/v1/users/${id}`).set('Authorization', `Bearer ${token}`).send({ language: 'ar' }).expect(200);
      expect(set.body.user.language).to.equal('ar');
      const bad = await request(t.handler).patch(`/api/v1/users/${id}`).set('Authorization', `Bearer ${token}`).send({ language: 'de' }).expect(422);
      expect(JSON.stringify(bad.body)).to.include('en, fr, es, ar, ru, zh');
      await request(t.handler).patch(`/api/v1/users/${id}`).set('Authorization', `Bearer ${token}`).send({ language: null }).expect(200);
      expect((await t.db('users').where({ id }).first()).language).to.equal(null);
      const events = await t.db('audit_events').where({ action: 'account.changed', subject_id: String(id) }).orderBy('id');
      expect(events.map((e: { data: string }) => JSON.parse(e.data).language)).to.deep.equal([{ from: null, to: 'ar' }, { from: 'ar', to: null }]);
    } finally {
      await t.close();
    }
  });
});
