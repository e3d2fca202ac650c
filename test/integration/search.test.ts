import { expect } from 'chai';
import request from 'supertest';
import { testApp, TEST_NOW } from '../helpers/app.ts';
import { bearerFor, createUser } from '../helpers/auth.ts';
import { FakeClock } from '../../server/clock.ts';
import { createVersion } from '../../server/versions/service.ts';
import { insertVersion } from '../../server/versions/repo.ts';
import { insertStandard } from '../../server/standards/repo.ts';
import { engineFor } from '../../server/search/engine.ts';
import { parseQuery, type TextQuery } from '../../server/search/query.ts';
import { plainText } from '../../server/search/snippet.ts';

type App = Awaited<ReturnType<typeof testApp>>;

/** A fixture standard 99.01: Edition 1 (superseded), Edition 2 (current), an unreleased draft. */
const ED1 = `# 1 Scope\n\nThe wombat clause of the first edition.\n`;
const ED2 = [
  '# 1 Quokka fencing',
  '',
  'Fences stand around the area.',
  '',
  '# 2 General',
  '',
  `${'Survey teams record what they find and report it to the authority. '.repeat(6)}A quokka may be seen. The tapir mines are marked. Use <script>alert(1)</script> and <b>zebu</b> here.`,
  '',
].join('\n');
const DRAFT = `# 1 Scope\n\nThe okapi clause of an unreleased draft.\n`;

describe('search (issue 15)', () => {
  let t: App;
  let auth: { secretariat: [string, string]; board: [string, string]; mine: [string, string]; other: [string, string] };
  const api = (q: Record<string, string>, who?: [string, string]) => {
    const r = request(t.app).get('/api/v1/search').query(q);
    return who ? r.set(...who) : r;
  };
  const refsOf = (body: { results: { standard: { ref: string }; version: { n: number }; clause: { ref: string } }[] }) =>
    body.results.map((r) => `${r.standard.ref} v${r.version.n} ${r.clause.ref}`);

  before(async () => {
    t = await testApp();
    const clock = new FakeClock(TEST_NOW);
    const id = await insertStandard(t.db, { type: 'IMAS', number: '99.01', ref: '99.01', title: 'Search fixture', title_unconfirmed: false, series: '99', created_at: TEST_NOW });
    const published = (edition: number, in_force_from: string) => ({ state: 'published' as const, edition, publishedAt: `${in_force_from}T00:00:00.000Z`, inForceFrom: in_force_from, imported: true });
    await createVersion(t.db, clock, { standardId: id, source: ED1, label: 'Edition 1', ...published(1, '2020-01-01') });
    await createVersion(t.db, clock, { standardId: id, source: ED2, label: 'Edition 2', ...published(2, '2025-01-01') });
    await createVersion(t.db, clock, { standardId: id, source: DRAFT, label: 'Draft Edition 3' });
    // 99.02: a superseded edition mentioning ibex once, below a current one with 100 clauses headed Ibex
    const id2 = await insertStandard(t.db, { type: 'IMAS', number: '99.02', ref: '99.02', title: 'Ranking fixture', title_unconfirmed: false, series: '99', created_at: TEST_NOW });
    await createVersion(t.db, clock, { standardId: id2, source: `# 1 Scope\n\n${'Words of no interest here. '.repeat(30)}An ibex.\n`, label: 'Edition 1', ...published(1, '2020-01-01') });
    const many = Array.from({ length: 100 }, (_, i) => `# ${i + 1} Ibex ${i + 1}\n\nIbex ibex.\n`).join('\n');
    await createVersion(t.db, clock, { standardId: id2, source: many, label: 'Edition 2', ...published(2, '2025-01-01') });
    const sec = await bearerFor(t, 'secretariat');
    const board = await bearerFor(t, 'board');
    const mine = await bearerFor(t, 'stakeholder');
    const other = await createUser(t.db, { role: 'stakeholder' });
    const otherAuth = await bearerFor(t, other);
    auth = { secretariat: sec.auth, board: board.auth, mine: mine.auth, other: otherAuth.auth };
    // comments on the open consultation of 07.11's draft
    const c = await t.db('consultations as c').join('versions as v', 'v.id', 'c.version_id').join('standards as s', 's.id', 'v.standard_id').where('s.ref', '07.11').where('v.n', 4).first('c.id');
    const seq0 = Number((await t.db('comments').where({ consultation_id: c.id }).max('seq as m').first())?.m ?? 0);
    const row = (seq: number, user: { id: number; name: string }, comment: string) => ({
      consultation_id: c.id, seq, author_id: user.id, author_name: user.name, organisation: 'Org', type: 'technical', comment, submitted_at: TEST_NOW,
    });
    await t.db('comments').insert([
      row(seq0 + 1, mine.user, 'The Pangolin buffer is <em>too</em> narrow.'),
      row(seq0 + 2, other, 'Pangolin again, from someone else.'),
    ]);
  });
  after(() => t.close());

  it('ranks a heading hit above a passing mention, with escaped, highlighted snippets linking to the clause', async () => {
    const res = await api({ q: 'quokka' }).expect(200);
    expect(refsOf(res.body)).to.deep.equal(['99.01 v2 1', '99.01 v2 2']);
    expect(res.body.results[0].rank).to.be.greaterThan(res.body.results[1].rank);
    expect(res.body.results[0].url).to.equal('/standards/99.01#clause-1');
    expect(res.body.results[0].heading_html).to.equal('<mark>Quokka</mark> fencing');
    const zebu = (await api({ q: 'zebu' }).expect(200)).body.results[0];
    expect(zebu.snippet_html).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(zebu.snippet_html).to.contain('&lt;b&gt;<mark>zebu</mark>&lt;/b&gt;');
    expect(zebu.snippet_html).not.to.contain('<script>');
    const page = await request(t.app).get('/search?q=zebu').expect(200);
    expect(page.text).to.contain('&lt;b&gt;<mark>zebu</mark>&lt;/b&gt;');
    expect(page.text).to.contain('href="/standards/99.01#clause-2"');
    expect(page.text).not.to.contain('<script>alert(1)');
  });

  it('stems English words, finds phrases and prefixes, leaves out excluded words', async () => {
    for (const q of ['tapir mine', 'tapir mines', 'tapir mining', '"tapir mines"', 'tapi*', '"tapir mi"*']) {
      expect(refsOf((await api({ q }).expect(200)).body), q).to.deep.equal(['99.01 v2 2']);
    }
    expect(refsOf((await api({ q: '"mines tapir"' }).expect(200)).body)).to.deep.equal([]);
    expect(refsOf((await api({ q: 'quokka -fences' }).expect(200)).body)).to.deep.equal(['99.01 v2 2']);
    expect(refsOf((await api({ q: 'wombat OR quokka' }).expect(200)).body)).to.have.members(['99.01 v2 1', '99.01 v2 2']);
    // the sample texts: a real question
    const buffer = await api({ q: 'buffer zone' }).expect(200);
    // clause 7.4 "Buffer zone", in Edition 2 and in the draft (which mentions it more; the engines may order the two either way)
    expect(refsOf(buffer.body).slice(0, 2)).to.have.members(['07.11 v3 7.4', '07.11 v4 7.4']);
  });

  it('searches current editions by default, older versions on request, and filters', async () => {
    expect(refsOf((await api({ q: 'wombat' }).expect(200)).body)).to.deep.equal([]);
    const all = await api({ q: 'wombat', versions: 'all' }).expect(200);
    expect(refsOf(all.body)).to.deep.equal(['99.01 v1 1']);
    expect(all.body.results[0].version.kind).to.equal('superseded');
    expect(all.body.results[0].url).to.equal('/standards/99.01/versions/1#clause-1');
    expect(refsOf((await api({ q: 'wombat', state: 'superseded' }).expect(200)).body)).to.deep.equal(['99.01 v1 1']);
    expect(refsOf((await api({ q: 'quokka', series: '99' }).expect(200)).body)).to.have.length(2);
    expect(refsOf((await api({ q: 'quokka', series: '07' }).expect(200)).body)).to.deep.equal([]);
    expect(refsOf((await api({ q: 'quokka', type: 'TNMA' }).expect(200)).body)).to.deep.equal([]);
    expect(refsOf((await api({ q: 'quokka', type: 'IMAS', state: 'current' }).expect(200)).body)).to.have.length(2);
    await api({ q: 'quokka', type: 'ISO' }).expect(400);
    await api({ q: 'quokka', state: 'secret' }).expect(400);
    await api({ q: 'quokka', series: 'x' }).expect(400);
    await api({ q: 'quokka', page: '0' }).expect(400);
  });

  it('pages through many hits and finds the few in a narrow scope below them', async () => {
    const first = await api({ q: 'ibex' }).expect(200);
    expect(first.body.results).to.have.length(20);
    expect(first.body.more).to.equal(true);
    const last = await api({ q: 'ibex', page: '5' }).expect(200);
    expect(last.body.results).to.have.length(20);
    expect(last.body.more).to.equal(false);
    const all = new Set<string>();
    for (let p = 1; p <= 5; p++) for (const r of refsOf((await api({ q: 'ibex', page: String(p) }).expect(200)).body)) all.add(r);
    expect(all.size).to.equal(100);
    expect(refsOf((await api({ q: 'ibex', state: 'superseded' }).expect(200)).body)).to.deep.equal(['99.02 v1 1']);
    const both = await api({ q: 'ibex', versions: 'all', page: '6' }).expect(200);
    expect(refsOf(both.body)).to.deep.equal(['99.02 v1 1']);
  });

  it('a scope far below thousands of better hits gets the same hits, in the same order, as the whole ranking cut to it', async () => {
    // 99.03: 5,000 clauses headed Gnu (the best hits) and two small versions whose hits rank among and below them,
    // so that on SQLite the ranked window widens and then gives way to ranking inside the join
    const id = await insertStandard(t.db, { type: 'IMAS', number: '99.03', ref: '99.03', title: 'Scope fixture', title_unconfirmed: false, series: '99', created_at: TEST_NOW });
    const row = { standard_id: id, label: 'x', state: 'draft' as const, source: '', based_on: null, edition: null, amendment: null, published_at: null, in_force_from: null, summary: null, sha256: 'x', imported: false, sample: false, word_count: 1, created_by: null, created_at: TEST_NOW, proposal_id: null };
    const clause = (i: number, heading: string, text: string) => ({ ref: String(i + 1), heading, text, depth: 1, position: i, key: `k${i}` });
    const filler = (n: number) => 'Words of no interest here. '.repeat(n);
    const versions = await t.db.transaction(async (trx) => ({
      many: (await insertVersion(trx, row, Array.from({ length: 5000 }, (_, i) => clause(i, 'Gnu', 'A gnu.')))).id,
      mixed: (await insertVersion(trx, row, Array.from({ length: 30 }, (_, i) => (i < 10 ? clause(i, 'Gnu gnu gnu', 'Gnu gnu gnu gnu.') : clause(i, 'Other', `${filler(i)}A gnu.`))))).id,
      weak: (await insertVersion(trx, row, Array.from({ length: 25 }, (_, i) => clause(i, 'Other', `${filler(i + 1)}A gnu.`)))).id,
    }));
    const engine = engineFor(t.db);
    const q = parseQuery('gnu') as TextQuery;
    const everything = await engine.search(t.db, q, Object.values(versions), 6000);
    expect(everything).to.have.length(5055);
    const key = (h: { version_id: number; ref: string }) => `${h.version_id} ${h.ref}`;
    for (const scope of [[versions.weak], [versions.mixed], [versions.mixed, versions.weak]]) {
      const expected = everything.filter((h) => scope.includes(h.version_id)).map(key);
      const first = await engine.search(t.db, q, scope, 20);
      const second = await engine.search(t.db, q, scope, 20, 20);
      expect([...first, ...second].map(key), String(scope)).to.deep.equal(expected.slice(0, 40));
      expect(first[0].snippet_marked || first[0].heading_marked).to.contain('\u0002');
    }
  });

  it('marks each hit with its own text, and only the hits asked for (a page asks for one more than it shows)', async () => {
    // 99.02's Edition 2: 100 clauses headed "Ibex 1" … "Ibex 100", which rank alike, so a mark taken from
    // another clause would show another number
    const v = await t.db('versions as v').join('standards as s', 's.id', 'v.standard_id').where('s.ref', '99.02').where('v.n', 2).first('v.id');
    const engine = engineFor(t.db);
    const q = parseQuery('ibex') as TextQuery;
    const hits = await engine.search(t.db, q, [v.id], 4, 7, 3);
    expect(hits.map((h) => h.heading)).to.have.length(4);
    for (const h of hits.slice(0, 3)) {
      expect(h.heading_marked).to.match(/^\u0002Ibex\u0003 \d+$/);
      expect(plainText(h.heading_marked)).to.equal(h.heading);
      expect(h.snippet_marked).to.contain('\u0002');
    }
    expect([hits[3].heading_marked, hits[3].snippet_marked]).to.deep.equal([hits[3].heading, '']);
    // a page of one hit
    const [one] = await engine.search(t.db, q, [v.id], 1, 50);
    expect(plainText(one.heading_marked)).to.equal(one.heading);
    expect(one.heading).to.not.equal('Ibex 1');
  });

  it('shows a draft under consultation to everyone and an unreleased draft only to those who may see it', async () => {
    const sensing = await api({ q: '"remote sensing"' }).expect(200);
    expect(sensing.body.results[0].version.kind).to.equal('consultation');
    expect(sensing.body.results[0].url).to.equal('/standards/07.11/versions/4#clause-6.2.4');
    expect(refsOf((await api({ q: 'okapi' }).expect(200)).body)).to.deep.equal([]);
    expect(refsOf((await api({ q: 'okapi' }, auth.mine).expect(200)).body)).to.deep.equal([]);
    expect(refsOf((await api({ q: 'okapi' }, auth.board).expect(200)).body)).to.deep.equal(['99.01 v3 1']);
    const sec = await api({ q: 'okapi' }, auth.secretariat).expect(200);
    expect(refsOf(sec.body)).to.deep.equal(['99.01 v3 1']);
    expect(sec.body.results[0].version.kind).to.equal('draft');
  });

  it('keeps the index in step with the transaction that writes a version', async () => {
    const s = await t.db('standards').where({ ref: '99.01' }).first('id');
    await t.db
      .transaction(async (trx) => {
        await insertVersion(trx, { standard_id: s.id, label: 'x', state: 'draft', source: '', based_on: null, edition: null, amendment: null, published_at: null, in_force_from: null, summary: null, sha256: 'x', imported: false, sample: false, word_count: 1, created_by: null, created_at: TEST_NOW, proposal_id: null }, [
          { ref: '1', heading: 'Capybara', text: 'capybara', depth: 1, position: 0, key: 'k1' },
        ]);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(refsOf((await api({ q: 'capybara', versions: 'all' }, auth.secretariat).expect(200)).body)).to.deep.equal([]);
  });

  it('a draft written through the API is searchable at once, by those who may see it', async () => {
    await request(t.app).post('/api/v1/standards/99.01/versions').set(...auth.secretariat).send({ text: '# 1 Scope\n\nThe gerenuk clause.\n', label: 'Another draft' }).expect(201);
    const found = await api({ q: 'gerenuk' }, auth.secretariat).expect(200);
    expect(found.body.results.map((r: { clause: { ref: string }; version: { kind: string } }) => `${r.clause.ref} ${r.version.kind}`)).to.deep.equal(['1 draft']);
    expect((await api({ q: 'gerenuk' }).expect(200)).body.results).to.deep.equal([]);
  });

  it('a designation goes straight to the standard, with a clause to its anchor', async () => {
    const cases: [string, string][] = [
      ['07.11', '/standards/07.11'],
      ['IMAS 07.11', '/standards/07.11'],
      ['imas 07-11', '/standards/07.11'],
      ['tnma 12.10/01', '/standards/tnma-12.10-01'],
      ['07.11 4.2', '/standards/07.11#clause-4.2'],
      ['IMAS 07.11 annex A.1', '/standards/07.11#clause-annex-a.1'],
    ];
    for (const [q, location] of cases) {
      const res = await request(t.app).get('/search').query({ q }).expect(303);
      expect(res.headers.location, q).to.equal(location);
    }
    const json = await api({ q: '07.11 4.2' }).expect(200);
    expect(json.body.standard).to.deep.equal({ ref: '07.11', clause: '4.2', url: '/standards/07.11#clause-4.2' });
  });

  it('the home page box searches texts and still finds standards by number and title', async () => {
    const home = await request(t.app).get('/').expect(200);
    expect(home.text).to.match(/<form[^>]*action="\/search"/);
    const res = await request(t.app).get('/search?q=land+release').expect(200);
    expect(res.text).to.contain('Standards by number or title');
    expect(res.text).to.contain('href="/standards/07.11"');
    expect(res.text).to.contain('In the texts');
    expect((await request(t.app).get('/search').expect(200)).text).to.contain('name="q"');
    // the catalogue's own filter offers the texts too
    const cat = await request(t.app).get('/standards?q=buffer+zone').expect(200);
    // Handlebars escapes the equals sign in attributes
    expect(cat.text).to.match(/href="\/search\?q(=|&#x3D;)buffer\+zone"/);
  });

  it('any text at all works or gets a clear message, never an error page', async () => {
    const nasty = ['"', '*', '-', '--x', 'NEAR', 'NEAR(buffer zone)', '((buffer', 'buffer)', '"buffer', "'; drop table clauses; --", 'heading:buffer', '^x', '\u0002', 'x'.repeat(10_000), '中文', '%', '_'];
    for (const q of nasty) {
      const res = await request(t.app).get('/search').query({ q });
      expect([200, 400], q.slice(0, 20)).to.include(res.status);
      if (res.status === 400) {
        expect(res.text, q.slice(0, 20)).to.match(/class="notice notice-error" role="alert"/);
        expect(res.text).to.contain('name="q"');
      }
      const j = await api({ q });
      expect([200, 400], q.slice(0, 20)).to.include(j.status);
      if (j.status === 400) expect(j.body.error.message).to.be.a('string');
    }
    const long = await request(t.app).get('/search').query({ q: `buffer ${'x'.repeat(10_000)}` }).expect(400);
    expect(long.text).to.contain('Your search is too long');
    const only = await request(t.app).get('/search').query({ q: '-mines' }).expect(400);
    expect(only.text).to.contain('value="-mines"');
    await request(t.app).get('/search?q=a&q=b').expect(400);
    await request(t.app).get('/api/v1/search').expect(400);
  });

  it('comments: the secretariat and the Board search all, a stakeholder their own, the public none', async () => {
    const ids = (body: { comments: { snippet: string }[] | null }) => body.comments?.map((c) => c.snippet) ?? null;
    expect(ids((await api({ q: 'pangolin' }).expect(200)).body)).to.equal(null);
    expect(ids((await api({ q: 'pangolin' }, auth.secretariat).expect(200)).body)).to.have.length(2);
    expect(ids((await api({ q: 'pangolin' }, auth.board).expect(200)).body)).to.have.length(2);
    const own = (await api({ q: 'pangolin' }, auth.mine).expect(200)).body.comments;
    expect(own).to.have.length(1);
    expect(own[0].snippet_html).to.equal('The <mark>Pangolin</mark> buffer is &lt;em&gt;too&lt;/em&gt; narrow.');
    expect(own[0].url).to.match(/^\/comments\/\d+$/);
    expect((await api({ q: 'pangolin' }, auth.other).expect(200)).body.comments).to.have.length(1);
  });
});
