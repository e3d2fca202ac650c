import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';

type App = Awaited<ReturnType<typeof testApp>>;

describe('the public library (HTML)', () => {
  let t: App;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  it('home links to the catalogue and lists open consultations', async () => {
    const res = await request(t.app).get('/').expect(200);
    expect(res.text).to.contain('href="/standards"');
    expect(res.text).to.contain('Open for comment');
    expect(res.text).to.contain('/standards/07.11/versions/4');
  });

  it('the catalogue groups by series and filters', async () => {
    const all = await request(t.app).get('/standards').expect(200);
    expect(all.text).to.contain('id="series-07"');
    expect(all.text).to.contain('IMAS 07.11');
    expect(all.text).to.match(/IMAS 09\.20<\/span> Post-clearance inspection/);
    expect(all.text).to.contain('withdrawn 20 January 2016 → 07.40');
    const some = await request(t.app).get('/standards?q=land+release').expect(200);
    expect(some.text).to.contain('IMAS 07.11');
    expect(some.text).not.to.contain('IMAS 09.30');
    const series = await request(t.app).get('/standards?series=10').expect(200);
    expect(series.text).to.contain('IMAS 10.60');
    expect(series.text).not.to.contain('id="series-07"');
    const none = await request(t.app).get('/standards?q=zzzz').expect(200);
    expect(none.text).to.contain('No standard matches');
  });

  it('a standard shows its current edition with title block, contents, clause anchors and amendment record', async () => {
    const res = await request(t.app).get('/standards/07.11').expect(200);
    expect(res.headers['content-type']).to.match(/text\/html/);
    expect(res.text).to.contain('<p class="designation">IMAS 07.11</p>');
    expect(res.text).to.contain('<dd>Edition 2</dd>');
    expect(res.text).to.contain('16 January 2026');
    expect(res.text).to.contain('id="clause-4.2"');
    expect(res.text).to.contain('href="#clause-4.2"');
    expect(res.text).to.contain('id="clause-annex-a.1"');
    expect(res.text).to.contain('Sample text, not the official standard');
    expect(res.text).to.contain('has no ballot record here');
    expect(res.text).to.contain('id="amendment-record"');
    expect(res.text).to.contain('Edition 1 Amendment 1');
    // a newer draft is under consultation
    expect(res.text).to.match(/A new draft, <a href="\/standards\/07\.11\/versions\/4">/);
    expect(res.text).not.to.contain('DRAFT — not for use');
  });

  it('redirects other spellings of a ref', async () => {
    for (const spelling of ['07-11', 'IMAS%2007.11', 'imas-07.11']) {
      const res = await request(t.app).get(`/standards/${spelling}`).expect(301);
      expect(res.headers.location).to.equal('/standards/07.11');
    }
    expect((await request(t.app).get('/standards/07-11/versions/2').expect(301)).headers.location).to.equal('/standards/07.11/versions/2');
  });

  it('answers 404 with help for an unknown standard or version, and 400 for a bad version number', async () => {
    const res = await request(t.app).get('/standards/99.99').expect(404);
    expect(res.text).to.contain('There is no standard &quot;99.99&quot; in the catalogue.');
    expect(res.text).to.contain('the catalogue of standards');
    await request(t.app).get('/standards/07.11/versions/99').expect(404);
    await request(t.app).get('/standards/07.11/versions/abc').expect(400);
    await request(t.app).get('/no/such/page').expect(404);
  });

  it('shows the history with every published edition and the consulted draft', async () => {
    const res = await request(t.app).get('/standards/07.11/versions').expect(200);
    for (const label of ['Edition 1', 'Edition 1 Amendment 1', 'Edition 2', 'Draft Edition 3']) expect(res.text).to.contain(label);
    expect(res.text).to.contain('consultation open');
    expect(res.text).to.match(/1 March 2019 to 30 June 2021/); // issue 11 item 11: ranges do not share a boundary day
    // "changes from" names a row of the # column; Edition 1, based on nothing, has no dangling separator
    expect(res.text).to.contain('/diff/2..3">changes from #2</a>');
    expect(res.text).not.to.match(/<td>[^<]*First edition[^<]*· /);
    expect(res.text).to.match(/First edition[^<]*<a class="compare" href="\/standards\/07\.11\/diff\/1\.\.current">/);
  });

  it('shows any version, old ones marked as not current, drafts marked DRAFT', async () => {
    const old = await request(t.app).get('/standards/07.11/versions/1').expect(200);
    expect(old.text).to.contain('This is not the current edition.');
    expect(old.text).to.contain('<dd>Edition 1</dd>');
    const draft = await request(t.app).get('/standards/07.11/versions/4').expect(200);
    expect(draft.text).to.contain('DRAFT — not for use');
    expect(draft.text).to.contain('class="standard is-draft"');
  });

  it('answers which edition was in force on a date, and helps with a bad date', async () => {
    const on = await request(t.app).get('/standards/07.11/on/2020-06-30').expect(200);
    expect(on.text).to.contain('in force on 30 June 2020');
    expect(on.text).to.contain('<dd>Edition 1</dd>');
    const am = await request(t.app).get('/standards/07.11/on/2021-07-01').expect(200);
    expect(am.text).to.contain('<dd>Edition 1 Amendment 1</dd>');
    const before = await request(t.app).get('/standards/07.11/on/2010-01-01').expect(200);
    expect(before.text).to.contain('No edition of IMAS 07.11 was in force on 1 January 2010');
    const form = await request(t.app).get('/standards/07.11/on?date=2020-06-30').expect(303);
    expect(form.headers.location).to.equal('/standards/07.11/on/2020-06-30');
    const bad = await request(t.app).get('/standards/07.11/on?date=30/06/2020').expect(400);
    expect(bad.text).to.contain('Enter a date as YYYY-MM-DD');
    expect(bad.text).to.contain('value="30/06/2020"');
    await request(t.app).get('/standards/07.11/on/2020-02-30').expect(400);
  });

  it('a withdrawn standard says what replaced it, and dates before the withdrawal still answer', async () => {
    const res = await request(t.app).get('/standards/09.20').expect(200);
    expect(res.text).to.contain('Withdrawn on 20 January 2016');
    expect(res.text).to.contain('href="/standards/07.40"');
    const on = await request(t.app).get('/standards/09.20/on/2017-01-01').expect(200);
    expect(on.text).to.contain('was withdrawn on 20 January 2016');
  });

  it('announces an edition that comes into force later', async () => {
    const res = await request(t.app).get('/standards/10.60').expect(200);
    expect(res.text).to.contain('<dd>Edition 2</dd>');
    expect(res.text).to.match(/Edition 2 Amendment 1<\/strong> was published on 15 October 2026 and comes into force on <strong>1 April 2027/);
    t.clock.set('2027-04-01T00:00:00Z');
    try {
      const later = await request(t.app).get('/standards/10.60').expect(200);
      expect(later.text).to.contain('<dd>Edition 2 Amendment 1</dd>');
      expect(later.text).not.to.contain('comes into force on');
    } finally {
      t.clock.set('2026-11-23T12:00:00Z');
    }
  });

  it('renders raw HTML in a text as text', async () => {
    const res = await request(t.app).get('/standards/07.11').expect(200);
    expect(res.text).not.to.match(/<script/i);
  });
});

describe('page cache', () => {
  let t: App;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  it('serves a published page with a strong ETag, gzip, and 304 on revalidation', async () => {
    const first = await request(t.app).get('/standards/07.11').set('Accept-Encoding', 'gzip').expect(200);
    const etag = first.headers.etag;
    expect(etag).to.match(/^"[^"]+"$/);
    expect(first.headers['content-encoding']).to.equal('gzip');
    const again = await request(t.app).get('/standards/07.11').set('If-None-Match', etag).expect(304);
    expect(again.text ?? '').to.equal('');
    const plain = await request(t.app).get('/standards/07.11').set('Accept-Encoding', 'identity').expect(200);
    expect(plain.headers['content-encoding']).to.equal(undefined);
    expect(plain.text).to.equal(first.text);
  });

  it('changes the ETag when the standard changes or the day moves', async () => {
    const a = (await request(t.app).get('/standards/07.11').expect(200)).headers.etag;
    await t.db('standards').where({ ref: '07.11' }).increment('revision', 1);
    const b = (await request(t.app).get('/standards/07.11').set('If-None-Match', a).expect(200)).headers.etag;
    expect(b).not.to.equal(a);
    t.clock.set('2026-11-24T12:00:00Z');
    const c = (await request(t.app).get('/standards/07.11').set('If-None-Match', b).expect(200)).headers.etag;
    expect(c).not.to.equal(b);
    t.clock.set('2026-11-23T12:00:00Z');
  });

  it('shows the consultation notice only while the consultation is open', async () => {
    t.clock.set('2027-07-01T00:00:00Z');
    try {
      const res = await request(t.app).get('/standards/07.11').expect(200);
      expect(res.text).not.to.contain('A new draft,');
    } finally {
      t.clock.set('2026-11-23T12:00:00Z');
    }
  });
});

describe('safety baseline', () => {
  let t: App;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  it('sends a CSP without inline script and with base-uri none', async () => {
    const res = await request(t.app).get('/').expect(200);
    const csp = res.headers['content-security-policy'];
    expect(csp).to.contain("script-src 'self'");
    expect(csp).to.contain("base-uri 'none'");
    expect(csp).not.to.contain('unsafe-inline');
    expect(res.headers['x-powered-by']).to.equal(undefined);
  });

  it('answers malformed JSON with 400 and an oversized body with 413, as JSON errors', async () => {
    const bad = await request(t.app).post('/api/v1/standards').set('Content-Type', 'application/json').send('{"a":').expect(400);
    expect(bad.body.error.code).to.equal('bad_request');
    expect(bad.body.error.message).to.match(/not valid JSON/);
    const big = await request(t.app).post('/api/v1/standards').set('Content-Type', 'application/json').send(JSON.stringify({ a: 'x'.repeat(3 * 1024 * 1024) })).expect(413);
    expect(big.body.error.code).to.equal('too_large');
  });

  it('serves the stylesheet with a print section', async () => {
    const res = await request(t.app).get('/static/style.css').expect(200);
    expect(res.text).to.contain('@media print');
  });
});

describe('fast path for cached public pages', () => {
  let t: App;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  it('serves the same bytes and headers as Express once the page is cached, and answers 304s', async () => {
    const viaExpress = await request(t.app).get('/standards/07.11').set('Accept-Encoding', 'identity').expect(200);
    const fast = await request(t.handler).get('/standards/07.11').set('Accept-Encoding', 'identity').expect(200);
    expect(fast.text).to.equal(viaExpress.text);
    expect(fast.headers.etag).to.equal(viaExpress.headers.etag);
    expect(fast.headers['content-security-policy']).to.equal(viaExpress.headers['content-security-policy']);
    await request(t.handler).get('/standards/07.11').set('If-None-Match', fast.headers.etag).expect(304);
  });

  it('sees a new revision and a new day at once', async () => {
    const a = (await request(t.handler).get('/standards/07.11').expect(200)).headers.etag;
    await t.db('standards').where({ ref: '07.11' }).increment('revision', 1);
    const b = await request(t.handler).get('/standards/07.11').set('If-None-Match', a).expect(200);
    expect(b.headers.etag).not.to.equal(a);
    t.clock.set('2027-04-01T00:00:00Z');
    try {
      const later = await request(t.handler).get('/standards/10.60').expect(200);
      expect(later.text).to.contain('<dd>Edition 2 Amendment 1</dd>');
    } finally {
      t.clock.set('2026-11-23T12:00:00Z');
    }
    const back = await request(t.handler).get('/standards/10.60').expect(200);
    expect(back.text).to.contain('<dd>Edition 2</dd>');
  });

  it('leaves drafts, other spellings, queries and signed-in requests to Express', async () => {
    await request(t.handler).get('/standards/07.11/versions/4').expect(200); // a draft: never cached
    expect((await request(t.handler).get('/standards/07-11').expect(301)).headers.location).to.equal('/standards/07.11');
    await request(t.handler).get('/standards/07.11?x=1').expect(200);
    const withCookie = await request(t.handler).get('/standards/07.11').set('Cookie', 'imas.sid=nonsense').expect(200);
    expect(withCookie.text).to.contain('Land release');
  });
});

describe('links between a standard and its consultation', () => {
  let t: App;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  it('the current edition and the draft both lead to the open consultation', async () => {
    const cur = await request(t.app).get('/standards/07.11').expect(200);
    const id = /href="\/consultations\/(\d+)">read it and comment<\/a>/.exec(cur.text)?.[1];
    expect(id, 'link on the current edition').to.be.a('string');
    const draft = await request(t.app).get('/standards/07.11/versions/4').expect(200);
    expect(draft.text).to.contain(`<a href="/consultations/${id}">Comment on this draft</a>`);
    await request(t.app).get(`/consultations/${id}`).expect(200);
  });
});
