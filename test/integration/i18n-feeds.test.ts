/**
 * The Atom feeds in the reader's language (issue 19): a feed reader fetches without the reader's cookie,
 * so the language is in the feed's address (?lang=fr), which the pages in that language link; English
 * without it, as before. Parsed back with a real feed parser.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { parseFeed } from '@rowanmanning/feed-parser';
import { testApp } from '../helpers/app.ts';
import { ballotEntry, ENGLISH_WORDS, FEED_WORDS } from '../../server/feeds/entries.ts';
import { feedWords } from '../../server/feeds/service.ts';

type App = Awaited<ReturnType<typeof testApp>>;

describe('i18n: the Atom feeds', () => {
  let t: App;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  it('?lang=fr: the feed, its entries and their dates in French, with its own id; English without the parameter; a language we lack is refused', async () => {
    const en = await request(t.app).get('/feeds/consultations.atom').expect(200);
    expect(en.text).to.contain('<feed xmlns="http://www.w3.org/2005/Atom">').and.contain('<title>IMAS consultations</title>');
    expect(en.text).to.contain('is open for comment from 1 October 2026, 00:00 UTC until 30 June 2027, 23:59 UTC.');
    const fr = await request(t.app).get('/feeds/consultations.atom?lang=fr').set('Cookie', 'lang=ar').expect(200);
    expect(fr.headers['content-type']).to.equal('application/atom+xml; charset=utf-8');
    expect(fr.text).to.contain('<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">');
    const feed = parseFeed(fr.text);
    expect(feed.title).to.equal('Consultations sur les IMAS');
    expect(feed.self).to.match(/\/feeds\/consultations\.atom\?lang=fr$/);
    const opened = feed.items.find((i) => i.id?.endsWith('#opened'))!;
    expect(opened.title).to.equal('Consultation ouverte : IMAS 07.11 Land release — Projet d’édition 3 soumis à consultation');
    expect(opened.description).to.contain('est soumis à observations du 1 octobre 2026, 00:00 UTC au 30 juin 2027, 23:59 UTC.');
    expect(fr.text).not.to.match(/open for comment|October|Draft Edition/);
    // the entry is the same event in every language: the same id
    expect(parseFeed(en.text).items.map((i) => i.id)).to.deep.equal(feed.items.map((i) => i.id));
    await request(t.app).get('/feeds/consultations.atom?lang=de').expect(400);
    const ar = await request(t.app).get('/feeds/standards/07.11.atom?lang=ar').expect(200);
    expect(parseFeed(ar.text).description).to.equal('المنشورات والمشاورات ونتائج الاقتراعات والمقترحات المتعلقة بـ IMAS 07.11 Land release.');
  });

  it('the pages link the feeds in their own language', async () => {
    const en = await request(t.app).get('/consultations').set('Cookie', 'lang=en').expect(200);
    expect(en.text).to.contain('<a href="/feeds/consultations.atom" type="application/atom+xml">Atom feed</a> (IMAS consultations)');
    const fr = await request(t.app).get('/consultations').set('Cookie', 'lang=fr').expect(200);
    expect(fr.text).to.contain('<a href="/feeds/consultations.atom?lang=fr" type="application/atom+xml">Flux Atom</a> (Consultations sur les IMAS)');
    expect(fr.text).to.contain('<link rel="alternate" type="application/atom+xml" title="Consultations sur les IMAS" href="/feeds/consultations.atom?lang=fr">');
    const std = await request(t.app).get('/standards/07.11').set('Cookie', 'lang=ar').expect(200);
    expect(std.text).to.contain('href="/feeds/standards/07.11.atom?lang=ar"');
    // the home page's sentence about feeds too (its links are inside the translated sentence)
    const home = await request(t.app).get('/').set('Cookie', 'lang=fr').expect(200);
    expect(home.text.match(/<p class="feed-links">.*<\/p>/)![0]).to.contain('href="/feeds/publications.atom?lang=fr"').and.not.match(/\.atom"/);
  });

  it('a ballot result in Arabic: result, rule and count in the words of the language; English as the table', () => {
    const b = { id: 3, ref: '07.11', designation: 'IMAS 07.11', title: 'Land release', label: 'Draft Edition 3', rule: 'iso', closes_at: '2026-12-01T12:00:00.000Z', result: 'no_quorum' as const, tally: { approve: 1, disapprove: 0, abstain: 0, recuse: 1, not_voted: 4, outdated: 2 } };
    expect(ballotEntry('https://x', b, feedWords('en'))).to.deep.equal(ballotEntry('https://x', b));
    expect(feedWords('en')).to.equal(ENGLISH_WORDS);
    const ar = ballotEntry('https://x', b, feedWords('ar'));
    expect(ar.title).to.equal('نتيجة الاقتراع: IMAS 07.11 Land release — Draft Edition 3: لم يكتمل النصاب');
    expect(ar.summary).to.equal('أُغلق اقتراع مجلس الاستعراض بشأن IMAS 07.11 Draft Edition 3 في 1 ديسمبر 2026, 12:00 UTC (قاعدة ISO): لم يكتمل النصاب. موافقة: 1؛ اعتراض: 0؛ امتناع: 0؛ تنحٍّ: 1؛ لم تصوّت: 4؛ أصوات متقادمة: 2.');
    // locales/en/feeds.json is the table itself (the other languages' keys are checked against it by i18n.test.ts)
    expect(JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../locales/en/feeds.json'), 'utf8'))).to.deep.equal({ ...FEED_WORDS });
  });
});
