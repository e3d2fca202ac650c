import { expect } from 'chai';
import { parseFeed } from '@rowanmanning/feed-parser';
import {
  ballotEntry,
  CLOSING_NOTICE_MS,
  closingFrom,
  consultationEntries,
  FEED_SIZE,
  feedModel,
  proposalEntries,
  publicationEntry,
  trimBase,
  type ConsultationFacts,
  type FeedEntry,
} from '../../server/feeds/entries.ts';
import { renderAtom } from '../../server/feeds/atom.ts';

const BASE = 'https://review.example.org';
const consultation = (over: Partial<ConsultationFacts> = {}): ConsultationFacts => ({
  id: 7,
  ref: '07.11',
  designation: 'IMAS 07.11',
  title: 'Land release',
  label: 'Draft Edition 3',
  opens_at: '2026-10-01T00:00:00.000Z',
  closes_at: '2026-12-10T12:00:00.000Z',
  cancelled_at: null,
  ...over,
});
const at = (s: string) => new Date(s);
const kinds = (es: FeedEntry[]) => es.map((e) => e.kind);

describe('feeds: entries (pure)', () => {
  it('trims the public URL to a base without a trailing slash', () => {
    expect(trimBase('https://x.org/')).to.equal('https://x.org');
    expect(trimBase('https://x.org/imas//')).to.equal('https://x.org/imas');
  });

  it('a consultation: nothing while scheduled; "opened" from its opening, dated by it', () => {
    const c = consultation({ opens_at: '2026-11-24T00:00:00.000Z' });
    expect(consultationEntries(BASE, c, at('2026-11-23T23:59:59.999Z'))).to.deep.equal([]);
    const [opened] = consultationEntries(BASE, c, at('2026-11-24T00:00:00.000Z'));
    expect(opened).to.deep.include({ id: `${BASE}/consultations/7#opened`, kind: 'consultation-opened', ref: '07.11', link: `${BASE}/consultations/7`, updated: '2026-11-24T00:00:00.000Z' });
    expect(opened!.title).to.equal('Consultation opened: IMAS 07.11 Land release — Draft Edition 3');
  });

  it('"closing" exactly from seven days before the close, while open; gone once closed; "opened" stays', () => {
    const c = consultation();
    expect(kinds(consultationEntries(BASE, c, at('2026-12-03T11:59:59.999Z')))).to.deep.equal(['consultation-opened']);
    const closing = consultationEntries(BASE, c, at('2026-12-03T12:00:00.000Z'));
    expect(kinds(closing)).to.deep.equal(['consultation-opened', 'consultation-closing']);
    expect(closing[1]).to.deep.include({ id: `${BASE}/consultations/7#closing`, updated: '2026-12-03T12:00:00.000Z' });
    expect(closing[1]!.title).to.equal('Consultation closing on 10 December 2026: IMAS 07.11 Land release — Draft Edition 3');
    // the same entry, byte for byte, whenever it is read during the week
    expect(consultationEntries(BASE, c, at('2026-12-10T11:59:59.999Z'))).to.deep.equal(closing);
    expect(kinds(consultationEntries(BASE, c, at('2026-12-10T12:00:00.000Z')))).to.deep.equal(['consultation-opened']);
    expect(consultationEntries(BASE, c, at('2027-01-01T00:00:00.000Z'))[0]).to.deep.equal(closing[0]);
  });

  it('a consultation shorter than seven days is "closing" from its opening', () => {
    const c = consultation({ opens_at: '2026-12-08T00:00:00.000Z' });
    expect(closingFrom(c)).to.equal('2026-12-08T00:00:00.000Z');
    expect(Date.parse(consultation().closes_at) - Date.parse(closingFrom(consultation()))).to.equal(CLOSING_NOTICE_MS);
    expect(kinds(consultationEntries(BASE, c, at('2026-12-08T00:00:00.000Z')))).to.deep.equal(['consultation-opened', 'consultation-closing']);
  });

  it('cancelled before it opened: never in a feed; cancelled once open: "opened" says so, no "closing"', () => {
    expect(consultationEntries(BASE, consultation({ opens_at: '2026-12-01T00:00:00.000Z', cancelled_at: '2026-11-30T00:00:00.000Z' }), at('2026-12-09T00:00:00.000Z'))).to.deep.equal([]);
    const es = consultationEntries(BASE, consultation({ cancelled_at: '2026-12-05T00:00:00.000Z' }), at('2026-12-09T00:00:00.000Z'));
    expect(kinds(es)).to.deep.equal(['consultation-opened']);
    expect(es[0]!.summary).to.match(/It was cancelled on 5 December 2026, 00:00 UTC\.$/);
  });

  it('a ballot result: the frozen count, dated by the close', () => {
    const e = ballotEntry(BASE, {
      id: 3, ref: '07.11', designation: 'IMAS 07.11', title: 'Land release', label: 'Draft Edition 3', rule: 'iso', closes_at: '2026-12-01T12:00:00.000Z', result: 'no_quorum',
      tally: { approve: 1, disapprove: 0, abstain: 0, recuse: 1, not_voted: 4, outdated: 0 },
    });
    expect(e).to.deep.include({ id: `${BASE}/ballots/3#result`, kind: 'ballot-result', updated: '2026-12-01T12:00:00.000Z', title: 'Ballot result: IMAS 07.11 Land release — Draft Edition 3: no quorum' });
    expect(e.summary).to.equal("The Review Board's ballot on IMAS 07.11 Draft Edition 3 closed on 1 December 2026, 12:00 UTC (ISO rule): no quorum. Approve 1, disapprove 0, abstain 0, recuse 1, not voted 4.");
  });

  it('a proposal: "circulated", then "decided" with its count; neither before circulation', () => {
    const p = { id: 9, title: 'Clarify marking', kind_label: 'Amendment of an existing document', standard: { ref: '07.11', designation: 'IMAS 07.11' }, circulated_at: null, response_due_at: null, decision: null, decided_at: null, tally: null };
    expect(proposalEntries(BASE, p)).to.deep.equal([]);
    const circulated = { ...p, circulated_at: '2026-11-23T12:00:00.000Z', response_due_at: '2026-12-07T17:00:00.000Z' };
    expect(kinds(proposalEntries(BASE, circulated))).to.deep.equal(['proposal-circulated']);
    const decided = proposalEntries(BASE, { ...circulated, decision: 'not_supported', decided_at: '2026-12-07T17:00:00.000Z', tally: { electorate: 29, supports: 3, needed: 8 } });
    expect(decided[0]).to.deep.equal(proposalEntries(BASE, circulated)[0]);
    expect(decided[1]).to.deep.include({ id: `${BASE}/proposals/9#decided`, ref: '07.11', title: 'Proposal not supported: Clarify marking', updated: '2026-12-07T17:00:00.000Z' });
    expect(decided[1]!.summary).to.match(/: not supported\. 3 of 29 member organisations support it; 8 needed\.$/);
  });

  it('a feed: newest first, ties by id, at most FEED_SIZE; its date is the latest entry, never the clock', () => {
    const e = (i: number, updated: string): FeedEntry => ({ id: `${BASE}/x/${i}`, kind: 'publication', ref: null, title: `t${i}`, link: `${BASE}/x/${i}`, updated, summary: '' });
    const many = Array.from({ length: FEED_SIZE + 5 }, (_, i) => e(i, new Date(Date.UTC(2020, 0, 1) + i * 1000).toISOString()));
    const m = feedModel({ self: `${BASE}/f.atom`, title: 'f', subtitle: 's', alternate: `${BASE}/` }, [e(900, '2030-01-01T00:00:00.000Z'), e(901, '2030-01-01T00:00:00.000Z'), ...many]);
    expect(m.entries).to.have.length(FEED_SIZE);
    expect(m.entries.slice(0, 2).map((x) => x.id)).to.deep.equal([`${BASE}/x/900`, `${BASE}/x/901`]);
    expect(m.updated).to.equal('2030-01-01T00:00:00.000Z');
    expect(feedModel({ self: `${BASE}/f.atom`, title: 'f', subtitle: 's', alternate: `${BASE}/` }, []).updated).to.equal('1970-01-01T00:00:00.000Z');
  });

  it('the Atom document reads back with a feed parser: text with < & > " and ]]> exactly, ids, links and dates', () => {
    const nasty = 'Fences <b>&amp;</b> "markers" ]]> & more';
    const entry = publicationEntry(BASE, { ref: 'tep-07.31-01-2022', designation: 'T&EP 07.31/01/2022', title: nasty, n: 2, edition_label: 'Edition 1', published_at: '2026-11-24T09:00:00.000Z', summary: `A <script>alert(1)</script> & ${nasty}` });
    const m = feedModel({ self: `${BASE}/feeds/x.atom`, title: 'T&EP <feed>', subtitle: 'a & b < c', alternate: `${BASE}/` }, [entry]);
    const xml = renderAtom(m);
    expect(xml).not.to.contain('<b>');
    expect(xml).not.to.contain('<script>');
    expect(renderAtom(m)).to.equal(xml);
    const f = parseFeed(xml);
    expect(f.meta.type).to.equal('atom');
    expect(f.title).to.equal('T&EP <feed>');
    expect(f.description).to.equal('a & b < c');
    expect(f.self).to.equal(`${BASE}/feeds/x.atom`);
    expect(f.updated?.toISOString()).to.equal('2026-11-24T09:00:00.000Z');
    const [item] = f.items;
    expect(item!.id).to.equal(`${BASE}/standards/tep-07.31-01-2022/versions/2`);
    expect(item!.title).to.equal(`T&EP 07.31/01/2022 ${nasty} — Edition 1`);
    expect(item!.description).to.equal(`A <script>alert(1)</script> & ${nasty}`);
    expect(item!.url).to.equal(`${BASE}/standards/tep-07.31-01-2022/versions/2`);
    expect(item!.updated?.toISOString()).to.equal('2026-11-24T09:00:00.000Z');
  });
});
