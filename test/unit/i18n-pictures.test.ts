/**
 * The pictures' words (issue 19): each pure picture module's English table is what locales/en/pictures.json
 * holds, key for key, so an English picture reads the same either way; in French the words change and the
 * drawing (its marks, links and numbers) does not.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { AGE_WORDS, ageSvg } from '../../server/pictures/age.ts';
import { HEAT_WORDS, heatSvg } from '../../server/pictures/heat.ts';
import { TIMELINE_WORDS, timelineSvg, type TimelineInput } from '../../server/pictures/timeline.ts';
import { pictureWords } from '../../server/pictures/words.ts';
import { TALLY_WORDS, tallySvg } from '../../server/pictures/tally.ts';
import { MARK_WORDS } from '../../server/standards/timeline.ts';

const en = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../locales/en/pictures.json'), 'utf8')) as Record<string, Record<string, string>>;

const timeline: TimelineInput = {
  id: 't',
  name: 'IMAS 07.11',
  today: '2026-11-23',
  marks: [
    { kind: 'edition', label: 'Edition 1', start: '2019-03-01', href: '/standards/07.11/versions/1' },
    { kind: 'consultation', label: 'Consultation C-1 on version 4', start: '2026-10-01', end: '2027-06-30', href: '/consultations/1' },
    { kind: 'draft', label: 'Draft', start: '2026-11-23', href: null },
  ],
};
const drawing = (svg: string) => [...svg.matchAll(/<(?:circle|rect|path|line)\b[^>]*>|href="[^"]*"/g)].map((m) => m[0]);

describe('i18n: the pictures in the reader\'s language', () => {
  it('locales/en/pictures.json = the modules\' English tables', () => {
    expect(en.timeline).to.deep.equal({ ...TIMELINE_WORDS });
    expect(en.age).to.deep.equal({ ...AGE_WORDS });
    expect(en.heat).to.deep.equal({ ...HEAT_WORDS });
    expect(en.marks).to.deep.equal({ ...MARK_WORDS });
    expect(en.tally).to.deep.equal({ ...TALLY_WORDS });
  });

  it('English words from the catalogue give the same bytes; French changes the words only', () => {
    const builtIn = timelineSvg(timeline);
    expect(timelineSvg(timeline, pictureWords('en', 'timeline', TIMELINE_WORDS))).to.equal(builtIn);
    expect(builtIn).to.include('Timeline of IMAS 07.11').and.include('>Editions<').and.include('(this page)');
    const fr = timelineSvg(timeline, pictureWords('fr', 'timeline', TIMELINE_WORDS));
    expect(fr).to.include('Chronologie de la norme IMAS 07.11').and.include('>Éditions<').and.include('(cette page)').and.include('aujourd’hui');
    expect(fr).to.not.include('Timeline of').and.not.include('In date order');
    expect(drawing(fr)).to.deep.equal(drawing(builtIn));
  });

  it('age and heat pictures: titles and descriptions translated, plurals by language', () => {
    const rows = [{ label: 'IMAS 07.11', href: '/standards/07.11', lastEdition: '2019-03-01', years: 3 }];
    const age = { id: 'a', name: '07 Management', today: '2026-11-23', rows };
    expect(ageSvg(age, pictureWords('en', 'age', AGE_WORDS))).to.equal(ageSvg(age));
    const ru = ageSvg(age, pictureWords('ru', 'age', AGE_WORDS));
    expect(ru).to.include('пересмотр каждые 3 года').and.include('просрочен');
    const heat = { id: 'h', name: 'IMAS 07.11', general: 1, bands: [{ label: '4.2 Marking', count: 2, weight: 10, href: '#c-4.2', major: true, short: '4' }, { label: '4.3 Records', count: 0, weight: 10, href: '#c-4.3', major: false, short: '' }] };
    expect(heatSvg(heat, pictureWords('en', 'heat', HEAT_WORDS))).to.equal(heatSvg(heat));
    expect(heatSvg(heat)).to.include('2 comments on 1 clause of 2, and 1 general comment.');
    const es = heatSvg(heat, pictureWords('es', 'heat', HEAT_WORDS));
    expect(es).to.include('2 observaciones sobre 1 cláusula de 2, y 1 observación general.');
    expect(drawing(es)).to.deep.equal(drawing(heatSvg(heat)));
  });

  it('the tally picture: the rule and the quorum in the reader\'s words', () => {
    const input = { id: 'tp', name: 'ballot 3', rule: 'iso' as const, quorum: 0.5, tally: { approve: 3, disapprove: 1, abstain: 1 }, counts: { electorate: 8, positions: 5, votes_cast: 4, quorum_required: 4 }, closed: false };
    expect(tallySvg(input, pictureWords('en', 'tally', TALLY_WORDS))).to.equal(tallySvg(input));
    expect(tallySvg(input)).to.include('4 votes cast: 3 approve, 1 disapprove; the ISO rule asks');
    const ru = tallySvg(input, pictureWords('ru', 'tally', TALLY_WORDS));
    expect(ru).to.include('подано 4 голоса').and.include('Кворум').and.not.include('Votes cast');
    expect(drawing(ru)).to.deep.equal(drawing(tallySvg(input)));
  });
});
