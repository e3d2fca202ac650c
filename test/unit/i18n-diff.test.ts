/**
 * The diff's words (issue 19): the English catalogue's `diff:html` keys hold exactly the texts the pure
 * renderer uses by itself (server/diff/html.ts DIFF_WORDS), so an English page reads the same either way;
 * a French summary is built from the same structured data, in French.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { DIFF_WORDS, diffVersions, englishWords, renderSummaryHtml } from '../../server/diff/index.ts';
import { diffWords } from '../../server/diff/service.ts';
import type { Clause } from '../../server/versions/clause.ts';

const en = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../locales/en/diff.json'), 'utf8')) as { html: Record<string, string> };

const clause = (ref: string, heading: string, text: string, position: number): Clause => ({ ref, heading, text, depth: ref.split('.').length, position, key: ref });

describe('i18n: the diff in the reader\'s language', () => {
  it('locales/en/diff.json html = DIFF_WORDS, key for key', () => {
    expect(en.html).to.deep.equal({ ...DIFF_WORDS });
  });

  it('English words from the catalogue and the built-in ones give the same summary; French translates it', () => {
    const a = [clause('7', 'Safety', 'Intro.', 0), clause('7.3', 'Medical support', 'A medic should be present. The vehicle shall be 50 m away.', 1)];
    const b = [clause('7', 'Safety', 'Intro.', 0), clause('7.3', 'Medical support', 'A medic shall be present.', 1), clause('7.4', 'Casualty evacuation', 'The vehicle shall be 100 m away.', 2)];
    const diff = diffVersions(a, b);
    const builtIn = renderSummaryHtml(diff);
    expect(renderSummaryHtml(diff, englishWords)).to.equal(builtIn);
    expect(diffWords('en')).to.equal(englishWords);
    expect(builtIn).to.include('Summary of changes');
    const fr = renderSummaryHtml(diff, diffWords('fr'));
    expect(fr).to.include('Résumé des modifications');
    expect(fr).to.not.include('Summary of changes');
    expect(fr).to.not.match(/clauses? changed/);
    // the same links, in the same order: only the words differ
    expect([...fr.matchAll(/href="([^"]+)"/g)].map((m) => m[1])).to.deep.equal([...builtIn.matchAll(/href="([^"]+)"/g)].map((m) => m[1]));
  });

  it('lists follow the language', () => {
    expect(englishWords.list(['7.3', '7.4', '7.5'])).to.equal('7.3, 7.4 and 7.5');
    expect(diffWords('fr').list(['7.3', '7.4'])).to.equal('7.3 et 7.4');
    expect(diffWords('es').list(['7.3', '7.4'])).to.equal('7.3 y 7.4');
  });
});
