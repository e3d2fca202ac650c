import { expect } from 'chai';
import request from 'supertest';
import { parseFeed } from '@rowanmanning/feed-parser';
import { testApp } from '../helpers/app.ts';
import { boardOf, newDraft, openBallot, secretariat, vote, type Member } from '../helpers/ballots.ts';
import { bearerFor } from '../helpers/auth.ts';
import { FIRST_DRAFT } from '../helpers/drafts.ts';
import { circulate, propose, respond } from '../helpers/proposals.ts';

type App = Awaited<ReturnType<typeof testApp>>;
const FEEDS = ['/feeds/publications.atom', '/feeds/consultations.atom', '/feeds/ballots.atom', '/feeds/proposals.atom', '/feeds/standards/07.11.atom'];
const NASTY = 'Fences <b>&amp;</b> "markers" & <more>';
/**
 * A standard's title is also the feed's <title>, a text construct: the parser decodes HTML entities in
 * text constructs too (as many readers do), so a literal "&amp;" would not read back; entries (type="html") do.
 */
const STD_TITLE = 'Fences <b>&</b> "markers" & <more>';

interface Item {
  id: string;
  title: string;
  url: string;
  updated: string;
  description: string;
}

/** Issue 16 items 4–5: the Atom feeds, read back with a real feed parser, on both databases. */
describe('feeds: Atom, read back with a feed parser', () => {
  let t: App;
  let sec: Member;
  let board: Record<string, Member>;
  let pub: string;
  const first = new Map<string, Map<string, Item>>();

  /** A feed, checked as valid Atom with absolute links and unique ids; its items by id and the response. */
  async function read(path: string) {
    const res = await request(t.app).get(path).expect(200);
    expect(res.headers['content-type']).to.equal('application/atom+xml; charset=utf-8');
    expect(res.headers['cache-control']).to.equal('no-cache');
    expect(res.headers.etag).to.match(/^"[\w-]+"$/);
    const f = parseFeed(res.text);
    expect(f.meta.type).to.equal('atom');
    expect(f.self).to.equal(`${pub}${path}`);
    expect(f.url!.startsWith(`${pub}/`)).to.equal(true);
    expect(f.updated).to.be.instanceOf(Date);
    const items = new Map<string, Item>();
    for (const i of f.items) {
      const j = i.toJSON();
      expect(j.id, 'every entry has an id').to.be.a('string');
      expect(items.has(j.id!), `duplicate id ${j.id}`).to.equal(false);
      expect(j.url!.startsWith(`${pub}/`), j.url!).to.equal(true);
      expect(Number.isNaN(Date.parse(j.updated!))).to.equal(false);
      items.set(j.id!, { id: j.id!, title: j.title!, url: j.url!, updated: j.updated!, description: j.description ?? '' });
    }
    // newest first
    const dates = [...items.values()].map((i) => i.updated);
    expect(dates).to.deep.equal([...dates].sort().reverse());
    return { res, feed: f, items, etag: String(res.headers.etag), text: res.text };
  }

  const ids = (items: Map<string, Item>, pattern: RegExp) => [...items.keys()].filter((k) => pattern.test(k));

  before(async () => {
    t = await testApp();
    pub = t.config.publicUrl.replace(/\/+$/, '');
    sec = await secretariat(t);
    board = await boardOf(t, ['GICHD', 'UNDP', 'UNICEF']);
  });
  after(() => t.close());

  it('every feed is valid Atom with absolute links; two reads give the same bytes, ETag and ids', async () => {
    for (const path of FEEDS) {
      const a = await read(path);
      const b = await read(path);
      expect(b.text).to.equal(a.text);
      expect(b.etag).to.equal(a.etag);
      first.set(path, a.items);
    }
    const published = Number((await t.db('versions').where({ state: 'published' }).count({ n: '*' }).first())!.n);
    expect(first.get('/feeds/publications.atom')!.size).to.equal(published);
    // the sample consultation (07.11 version 4) opened on 1 October: in the consultations feed and 07.11's
    const sample = (await t.db('consultations').first('id')).id;
    for (const path of ['/feeds/consultations.atom', '/feeds/standards/07.11.atom']) {
      expect(first.get(path)!.get(`${pub}/consultations/${sample}#opened`)).to.deep.include({ updated: '2026-10-01T00:00:00.000Z', url: `${pub}/consultations/${sample}` });
    }
    // the standard's feed has only its own publications
    const own = ids(first.get('/feeds/standards/07.11.atom')!, /\/standards\//);
    expect(own.length).to.be.greaterThan(0);
    expect(own.every((id) => id.startsWith(`${pub}/standards/07.11/versions/`))).to.equal(true);
  });

  it('answers 304 to a revalidation with its ETag (gzip too), and a fresh 200 once an event changes the feed', async () => {
    const a = await read('/feeds/proposals.atom');
    const nm = await request(t.app).get('/feeds/proposals.atom').set('If-None-Match', a.etag).expect(304);
    expect(nm.text).to.equal('');
    expect(nm.headers.etag).to.equal(a.etag);
    await request(t.app).get('/feeds/proposals.atom').set('If-None-Match', `W/${a.etag}`).expect(304);
    const gz = await request(t.app).get('/feeds/proposals.atom').set('Accept-Encoding', 'gzip').expect(200);
    expect(gz.headers['content-encoding']).to.equal('gzip');
    expect(gz.text).to.equal(a.text);
    // an event: a proposal circulated to the Board (its title has < & > " in it)
    const author = await bearerFor(t, 'stakeholder');
    const p = await propose(t, author, { title: NASTY });
    // submitted, not circulated: no entry yet, the same feed
    await request(t.app).get('/feeds/proposals.atom').set('If-None-Match', a.etag).expect(304);
    await circulate(t, sec, p.id, '2026-11-30T17:00:00Z');
    const fresh = await request(t.app).get('/feeds/proposals.atom').set('If-None-Match', a.etag).expect(200);
    expect(fresh.headers.etag).not.to.equal(a.etag);
    const b = await read('/feeds/proposals.atom');
    const entry = b.items.get(`${pub}/proposals/${p.id}#circulated`)!;
    expect(entry.title).to.equal(`Proposal circulated: ${NASTY}`);
    expect(entry.updated).to.equal('2026-11-23T12:00:00.000Z');
    expect(b.text).not.to.contain('<b>');
    expect(b.text).not.to.contain('<more>');
    // 07.11's feed has it too (an amendment of 07.11)
    expect((await read('/feeds/standards/07.11.atom')).items.has(`${pub}/proposals/${p.id}#circulated`)).to.equal(true);
    // one organisation supports it; the response date passes: the feed's own read freezes the decision
    expect((await respond(t, board.GICHD!, p.id, 'support')).status).to.equal(200);
    t.clock.set('2026-11-30T17:00:00.000Z');
    const c = await read('/feeds/proposals.atom');
    expect(c.etag).not.to.equal(b.etag);
    const decided = c.items.get(`${pub}/proposals/${p.id}#decided`)!;
    expect(decided.title).to.equal(`Proposal supported: ${NASTY}`);
    expect(decided.updated).to.equal('2026-11-30T17:00:00.000Z');
    expect(decided.description).to.match(/: supported\. 1 of 3 member organisations support it; 1 needed\.$/);
    expect((await t.db('proposals').where({ id: p.id }).first('decision')).decision).to.equal('supported');
    // the circulated entry did not change
    expect(c.items.get(`${pub}/proposals/${p.id}#circulated`)).to.deep.equal(entry);
  });

  it('a draft is in no feed until a consultation releases it; "opened", then "closing" seven days before the close', async () => {
    // now 2026-11-30T17:00Z. A new standard whose title needs escaping, a draft, a consultation scheduled for tomorrow
    await request(t.app).post('/api/v1/standards').set(...sec.auth).send({ type: 'IMAS', number: '07.99', title: STD_TITLE }).expect(201);
    await request(t.app).post('/api/v1/standards/07.99/versions').set(...sec.auth).send({ text: FIRST_DRAFT, label: 'Draft <1> & "one"' }).expect(201);
    const c = await request(t.app).post('/api/v1/standards/07.99/versions/1/consultations').set(...sec.auth).send({ opens_at: '2026-12-01T00:00:00Z', closes_at: '2026-12-12T12:00:00Z' }).expect(201);
    const id = c.body.id as number;
    const before = await read('/feeds/consultations.atom');
    const own = await read('/feeds/standards/07.99.atom');
    expect(own.items.size).to.equal(0);
    expect(own.feed.title).to.equal(`IMAS 07.99 ${STD_TITLE}`);
    for (const f of [before, own]) expect(f.text).not.to.contain('Draft &lt;1&gt;').and.not.to.contain('Draft <1>');
    expect(ids(before.items, new RegExp(`/consultations/${id}#`))).to.deep.equal([]);

    t.clock.set('2026-12-01T00:00:00.000Z');
    const opened = await read('/feeds/consultations.atom');
    expect(opened.etag).not.to.equal(before.etag);
    expect(ids(opened.items, new RegExp(`/consultations/${id}#`))).to.deep.equal([`${pub}/consultations/${id}#opened`]);
    const o = opened.items.get(`${pub}/consultations/${id}#opened`)!;
    expect(o.title).to.equal(`Consultation opened: IMAS 07.99 ${STD_TITLE} — Draft <1> & "one"`);
    expect(o.updated).to.equal('2026-12-01T00:00:00.000Z');
    expect((await read('/feeds/standards/07.99.atom')).items.has(o.id)).to.equal(true);

    // one millisecond before the seven days: no "closing"; from the instant: "closing", and a new ETag
    t.clock.set('2026-12-05T11:59:59.999Z');
    const early = await read('/feeds/consultations.atom');
    expect(early.items.has(`${pub}/consultations/${id}#closing`)).to.equal(false);
    t.clock.set('2026-12-02T09:00:00.000Z');
    const stillEarly = await read('/feeds/consultations.atom');
    expect(stillEarly.etag).to.equal(early.etag);
    t.clock.set('2026-12-05T12:00:00.000Z');
    const closing = await read('/feeds/consultations.atom');
    expect(closing.etag).not.to.equal(early.etag);
    await request(t.app).get('/feeds/consultations.atom').set('If-None-Match', early.etag).expect(200);
    const entry = closing.items.get(`${pub}/consultations/${id}#closing`)!;
    expect(entry.title).to.equal(`Consultation closing on 12 December 2026: IMAS 07.99 ${STD_TITLE} — Draft <1> & "one"`);
    expect(entry.updated).to.equal('2026-12-05T12:00:00.000Z');
    // read later in the week: the same entry, the same ETag (a 304)
    t.clock.set('2026-12-09T08:00:00.000Z');
    const later = await read('/feeds/consultations.atom');
    expect(later.items.get(entry.id)).to.deep.equal(entry);
    expect(later.etag).to.equal(closing.etag);
    await request(t.app).get('/feeds/consultations.atom').set('If-None-Match', closing.etag).expect(304);
    expect((await read('/feeds/standards/07.99.atom')).items.get(entry.id)).to.deep.equal(entry);

    // closed: "closing" goes, "opened" stays as it was
    t.clock.set('2026-12-12T12:00:00.000Z');
    const closed = await read('/feeds/consultations.atom');
    expect(closed.items.has(entry.id)).to.equal(false);
    expect(closed.items.get(o.id)).to.deep.equal(o);
  });

  it('a ballot is in no feed while open (its tally is not public); its result and frozen count once closed', async () => {
    // now 2026-12-12T12:00Z
    const b = await openBallot(t, sec, { closes_at: '2026-12-20T12:00:00Z' });
    expect((await vote(t, board.GICHD!, b.id, 'approve')).status).to.equal(200);
    expect((await vote(t, board.UNDP!, b.id, 'approve')).status).to.equal(200);
    expect((await vote(t, board.UNICEF!, b.id, 'disapprove', 'The buffer in <7.4> & its "reasons" are not justified.')).status).to.equal(200);
    const open = await read('/feeds/ballots.atom');
    expect(ids(open.items, new RegExp(`/ballots/${b.id}#`))).to.deep.equal([]);
    expect((await read('/feeds/standards/07.11.atom')).items.has(`${pub}/ballots/${b.id}#result`)).to.equal(false);

    await request(t.app).post(`/api/v1/ballots/${b.id}/close`).set(...sec.auth).expect(200);
    await request(t.app).get('/feeds/ballots.atom').set('If-None-Match', open.etag).expect(200);
    const closed = await read('/feeds/ballots.atom');
    const r = closed.items.get(`${pub}/ballots/${b.id}#result`)!;
    expect(r.title).to.equal(`Ballot result: IMAS 07.11 Land release — ${b.label}: rejected`);
    expect(r.updated).to.equal('2026-12-12T12:00:00.000Z');
    expect(r.url).to.equal(`${pub}/ballots/${b.id}`);
    expect(r.description).to.match(/\(ISO rule\): rejected\. Approve 2, disapprove 1, abstain 0, recuse 0, not voted \d+\.$/);
    expect((await read('/feeds/standards/07.11.atom')).items.get(r.id)).to.deep.equal(r);

    // a ballot that closes by its date, read first by the feed: the feed's read freezes its result
    const draft = await newDraft(t, 4);
    const b2 = await openBallot(t, sec, { closes_at: '2026-12-13T12:00:00Z' }, draft.n);
    t.clock.set('2026-12-13T12:00:00.000Z');
    const byDate = await read('/feeds/ballots.atom');
    const r2 = byDate.items.get(`${pub}/ballots/${b2.id}#result`)!;
    expect(r2.title).to.match(/: no quorum$/);
    expect(r2.updated).to.equal('2026-12-13T12:00:00.000Z');
    expect((await t.db('ballots').where({ id: b2.id }).first('result')).result).to.equal('no_quorum');
    expect(byDate.items.get(r.id)).to.deep.equal(r);
  });

  it('ids never change: every entry of the first reads is still there, with the same date and title, after all these events', async () => {
    for (const [path, items] of first) {
      const now = (await read(path)).items;
      for (const [id, item] of items) {
        if (id.endsWith('#closing')) continue;
        expect(now.get(id), `${path}: ${id}`).to.deep.equal(item);
      }
    }
  });

  it("a standard's feed: other spellings redirect to it, an unknown standard is 404, a T&EP's name is escaped", async () => {
    const r = await request(t.app).get('/feeds/standards/IMAS%2007.11.atom').expect(301);
    expect(r.headers.location).to.equal('/feeds/standards/07.11.atom');
    await request(t.app).get('/feeds/standards/99.98.atom').expect(404);
    const tep = (await t.db('standards').where({ type: 'T&EP' }).first('ref', 'number', 'title'));
    const f = await read(`/feeds/standards/${tep.ref}.atom`);
    expect(f.feed.title).to.equal(`T&EP ${tep.number} ${tep.title}`);
    expect(f.text).to.contain('<title>T&amp;EP ');
  });

  it('the pages link their feeds: <link rel="alternate"> in the head, and a visible link', async () => {
    const alt = (title: string, href: string) => `<link rel="alternate" type="application/atom+xml" title="${title}" href="${href}">`;
    const head = (html: string) => html.slice(0, html.indexOf('</head>'));
    const body = (html: string) => html.slice(html.indexOf('<body>'));
    const publications = alt('IMAS publications', '/feeds/publications.atom');
    for (const path of ['/', '/standards']) {
      const html = (await request(t.app).get(path).expect(200)).text;
      expect(head(html)).to.contain(publications);
      expect(body(html)).to.contain('<a href="/feeds/publications.atom" type="application/atom+xml">');
    }
    const pages: [string, string, string][] = [
      ['/consultations', 'IMAS consultations', '/feeds/consultations.atom'],
      ['/ballots', 'IMAS Review Board ballot results', '/feeds/ballots.atom'],
      ['/proposals', 'IMAS proposals', '/feeds/proposals.atom'],
    ];
    for (const [path, title, href] of pages) {
      const html = (await request(t.app).get(path).expect(200)).text;
      expect(head(html), path).to.contain(alt(title, href));
      expect(body(html), path).to.contain(`<a href="${href}" type="application/atom+xml">Atom feed</a>`);
    }
    // every page of a standard, the cached published pages (twice: rendered, then from the cache) and a draft
    const own = alt('IMAS 07.11: publications, consultations, ballots and proposals', '/feeds/standards/07.11.atom');
    for (const path of ['/standards/07.11', '/standards/07.11', '/standards/07.11/versions', '/standards/07.11/versions/4', '/standards/07.11/on/2020-06-30']) {
      const html = (await request(t.app).get(path).expect(200)).text;
      expect(head(html), path).to.contain(own);
      expect(body(html), path).to.contain('<a href="/feeds/standards/07.11.atom" type="application/atom+xml">Atom feed</a>');
    }
    // every page's footer names the four feeds
    const html = (await request(t.app).get('/privacy').expect(200)).text;
    for (const href of FEEDS.slice(0, 4)) expect(body(html)).to.contain(`<a href="${href}" type="application/atom+xml">`);
  });
});
