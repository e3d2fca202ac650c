import { expect } from 'chai';
import { draftChoices, isSuperseded } from '../../server/drafts/choices.ts';
import type { VersionRow } from '../../server/versions/repo.ts';

const v = (id: number, n: number, state: VersionRow['state'], based_on: number | null = null, standard_id = 1) =>
  ({ id, standard_id, n, state, based_on, label: `v${n}`, ref: standard_id === 1 ? '07.11' : '08.10' }) as VersionRow;

describe('draft choices: newest first, superseded marked (issue 11 item 8)', () => {
  it('a draft is superseded by a later version based on it, or by a later published edition, of its own standard only', () => {
    const all = [v(1, 1, 'published'), v(2, 2, 'draft', 1), v(3, 3, 'draft', 2), v(4, 4, 'draft', 1), v(5, 1, 'draft', null, 2)];
    expect(isSuperseded(all[1]!, all)).to.equal(true); // version 3 is based on it
    expect(isSuperseded(all[2]!, all)).to.equal(false);
    expect(isSuperseded(all[3]!, all)).to.equal(false);
    expect(isSuperseded(v(6, 1, 'draft'), [v(6, 1, 'draft'), v(7, 2, 'published')])).to.equal(true); // an edition after it
    expect(isSuperseded(all[4]!, all)).to.equal(false); // another standard's versions do not count
    const choices = draftChoices([all[1]!, all[2]!, all[4]!], all, '07.11|3');
    expect(choices.map((c) => c.value)).to.deep.equal(['08.10|1', '07.11|3', '07.11|2']);
    expect(choices.map((c) => c.superseded)).to.deep.equal([false, false, true]);
    expect(choices[2]!.label).to.equal('07.11 version 2: v2 (superseded)');
    expect(choices.find((c) => c.selected)!.value).to.equal('07.11|3');
  });
});
