import { expect } from 'chai';
import { digest, digestCutoff, render, retryDelayMs, single, when, type Notice } from '../../server/notifications/messages.ts';
import { unsubscribeToken, unsubscribeUrl, userOfToken } from '../../server/notifications/service.ts';

const PUBLIC = 'https://review.example.org/';
const SECRET = 'a session secret of at least thirty-two characters';

const ballot: Notice = { kind: 'ballot-closing', ballot_id: 7, designation: 'IMAS 07.11', title: 'Land release', label: 'Draft Edition 3', closes_at: '2026-12-01T12:00:00.000Z', organisation: 'Field NGO' };
const published: Notice = { kind: 'published', ref: 'tnma-12.10-01', n: 2, designation: 'TNMA 12.10/01', title: 'Medical', edition_label: 'Edition 1 Amendment 1', in_force_from: '2027-01-01' };

describe('notification messages (pure)', () => {
  it('each notice has an absolute link to the page it is about, under PUBLIC_URL', () => {
    expect(render(ballot, PUBLIC).link).to.equal('https://review.example.org/ballots/7');
    expect(render(published, PUBLIC).link).to.equal('https://review.example.org/standards/tnma-12.10-01/versions/2');
    expect(render({ kind: 'comment-disposed', comment_id: 12, reference: 'C-3-4', designation: 'IMAS 07.11', disposition: 'partially_accepted', response: 'Clause 5 reworded.' }, PUBLIC)).to.deep.include({
      subject: 'Your comment C-3-4 on IMAS 07.11: partially accepted',
      link: 'https://review.example.org/comments/12',
    });
  });

  it('times are said in UTC; a day alone as a day', () => {
    expect(when('2026-12-01T12:00:00.000Z')).to.equal('1 December 2026, 12:00 UTC');
    expect(when('2027-01-01')).to.equal('1 January 2027');
    expect(render(ballot, PUBLIC).subject).to.equal('Ballot on IMAS 07.11 closes 1 December 2026, 12:00 UTC: Field NGO has not voted');
  });

  it('a single mail and a digest end with the settings link and the unsubscribe link; a digest numbers its notices in order', () => {
    const link = unsubscribeUrl(PUBLIC, SECRET, 5);
    const one = single(ballot, PUBLIC, link);
    expect(one.text.trim().split('\n').slice(-2)).to.deep.equal([`Choose immediate mails, a daily digest or none: https://review.example.org/account/notifications`, `Unsubscribe from all these mails: ${link}`]);
    const d = digest([ballot, published], PUBLIC, link);
    expect(d.subject).to.equal('imas-review: 2 notices of the day');
    expect(d.text.indexOf('1. Ballot on')).to.be.lessThan(d.text.indexOf('2. Published: TNMA 12.10/01 Edition 1 Amendment 1'));
    expect(d.text).to.contain(link);
    expect(digest([published], PUBLIC, link).subject).to.equal('imas-review: 1 notice of the day');
  });

  it('the digest time: the latest 06:00 UTC at or before now', () => {
    expect(digestCutoff(new Date('2026-11-23T12:00:00Z')).toISOString()).to.equal('2026-11-23T06:00:00.000Z');
    expect(digestCutoff(new Date('2026-11-23T06:00:00Z')).toISOString()).to.equal('2026-11-23T06:00:00.000Z');
    expect(digestCutoff(new Date('2026-11-23T05:59:59Z')).toISOString()).to.equal('2026-11-22T06:00:00.000Z');
    expect(digestCutoff(new Date('2027-01-01T01:00:00Z')).toISOString()).to.equal('2026-12-31T06:00:00.000Z');
  });

  it('retries back off exponentially from one minute, capped at six hours', () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).to.deep.equal([60_000, 120_000, 240_000, 480_000]);
    expect(retryDelayMs(10)).to.equal(6 * 3_600_000);
    expect(retryDelayMs(1000)).to.equal(6 * 3_600_000);
  });

  it('an unsubscribe token names its user and only with our key; any change to it is refused', () => {
    const token = unsubscribeToken(SECRET, 42);
    expect(userOfToken(SECRET, token)).to.equal(42);
    expect(userOfToken('another secret of at least thirty-two characters', token)).to.equal(null);
    expect(userOfToken(SECRET, token.replace(/^42\./, '43.'))).to.equal(null);
    expect(userOfToken(SECRET, `${token}x`)).to.equal(null);
    expect(userOfToken(SECRET, token.slice(0, -1))).to.equal(null);
    expect(userOfToken(SECRET, '')).to.equal(null);
    expect(unsubscribeUrl(PUBLIC, SECRET, 42)).to.equal(`https://review.example.org/unsubscribe/${token}`);
  });
});
