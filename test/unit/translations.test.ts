import { expect } from 'chai';
import { parseClauses } from '../../server/versions/parse.ts';
import { htmlToMarkdown } from '../../server/drafts/docx.ts';
import { latestTranslated, matchClauses, mismatchMessage, staleness, translationHeadingReader, type EditionLike } from '../../server/translations/rules.ts';
import { renderTranslation, sideBySide } from '../../server/translations/render.ts';
import { renderClauses } from '../../server/versions/render.ts';
import { localise } from '../../server/i18n/messages.ts';
import { messages as validation } from '../../server/translations/validation.ts';

const ENGLISH = `# Foreword

A sample.

# Introduction

Why.

# 1 Scope

This standard applies.

## 1.1 Limits

It does not apply elsewhere.

# Annex A (normative) Records

## A.1 Forms

Forms shall be kept.

# Bibliography

- IMAS 04.10
`;

const FRENCH = `# Avant-propos

Un exemple.

# Introduction

Pourquoi.

# 1 Domaine d’application

La présente norme s’applique.

## 1.1 Limites

Elle ne s’applique pas ailleurs.

# Annexe A (normative) Registres

## A.1 Formulaires

Les formulaires doivent être conservés.

# Bibliographie

- IMAS 04.10
`;

const english = parseClauses(ENGLISH).clauses.map((c, i) => ({ ...c, key: `k${i}` }));
const named = english.filter((c) => c.depth === 1 && !/^\d/.test(c.ref) && !c.ref.startsWith('annex-')).map((c) => c.ref);

function translate(text: string) {
  const reader = translationHeadingReader(named);
  const parsed = parseClauses(text, 0, { readHeading: reader.read });
  expect(parsed.problems).to.deep.equal([]);
  return matchClauses(english, parsed.clauses, reader.labels);
}

const ed = (n: number, over: Partial<EditionLike & { in_force_from: string | null }> = {}): EditionLike & { in_force_from: string | null } => ({
  n, state: 'published', edition: 2, amendment: n - 1 || null, label: `v${n}`, is_current: false, is_upcoming: false, in_force_from: `202${n}-01-01`, ...over,
});

describe('translations: the pure rules (server/translations/rules.ts)', () => {
  it('matches every translated clause to the English one of the same ref, with its key; named headings in order; annexes in the language', () => {
    const m = translate(FRENCH);
    if (!('clauses' in m)) throw new Error(JSON.stringify(m));
    expect(m.clauses.map((c) => c.ref)).to.deep.equal(english.map((c) => c.ref));
    expect(m.clauses.map((c) => c.key)).to.deep.equal(english.map((c) => c.key));
    const byRef = Object.fromEntries(m.clauses.map((c) => [c.ref, c]));
    expect(byRef.foreword!.heading).to.equal('Avant-propos');
    expect(byRef.bibliography!.heading).to.equal('Bibliographie');
    expect(byRef['annex-a']).to.include({ label: 'Annexe A', heading: '(normative) Registres' });
    expect(byRef['annex-a.1']!.label).to.equal('A.1');
    expect(byRef['1.1']).to.include({ label: '1.1', heading: 'Limites' });
  });

  it('reads Arabic and Chinese headings (no Latin letters to make a ref of) and {#ref} by hand', () => {
    const ar = translate(FRENCH.replace('# Avant-propos', '# تمهيد').replace('# Annexe A (normative)', '# الملحق A (معياري)').replace('# Bibliographie', '# المراجع {#bibliography}'));
    expect('clauses' in ar && ar.clauses.find((c) => c.ref === 'annex-a')!.label).to.equal('الملحق A');
    const zh = translate(FRENCH.replace('# Avant-propos', '# 前言').replace('# Annexe A (normative)', '# 附录A（规范性）'));
    expect('clauses' in zh && zh.clauses.find((c) => c.ref === 'annex-a')!.label).to.equal('附录 A');
    const byHand = translate(FRENCH.replace('# Introduction', '# Présentation {#introduction}'));
    expect('clauses' in byHand && byHand.clauses.find((c) => c.ref === 'introduction')!.heading).to.equal('Présentation');
  });

  it('names the clauses on one side only: an English clause not translated, a translated clause the English lacks', () => {
    const m = translate(FRENCH.replace('## 1.1 Limites', '## 1.2 Limites').replace('# Bibliographie\n\n- IMAS 04.10\n', '# Bibliographie\n\n- IMAS 04.10\n\n# Glossaire\n\nMots.\n'));
    expect(m).to.have.property('mismatch');
    if (!('mismatch' in m)) return;
    expect(m.mismatch.missing).to.deep.equal(['1.1']);
    expect(m.mismatch.extra).to.deep.equal(['1.2 (line 13)', '‘Glossaire’ (line 27)']);
    const message = mismatchMessage(m.mismatch, 'IMAS 99.99 version 1');
    expect(message).to.contain('"1.1"').and.to.contain('1.2 (line 13), ‘Glossaire’ (line 27)');
    // the pages show it in the reader's language: the whole message has a translation with its values put back
    expect(localise('fr', message)).to.contain('Il manque à la traduction').and.to.contain('‘Glossaire’ (line 27)');
    expect(localise('ar', validation.english)).to.not.equal(validation.english);
  });

  it('stale: a published edition older than the current one; not the current, not one to come, not a draft, not without a current', () => {
    const current = ed(3, { is_current: true });
    expect(staleness(current, current)).to.deep.equal({ stale: false, matches: 'Edition 2 Amendment 2', currentN: null });
    expect(staleness(ed(2), current)).to.deep.equal({ stale: true, matches: 'Edition 2 Amendment 1', currentN: 3 });
    expect(staleness(ed(4, { is_upcoming: true }), current).stale).to.equal(false);
    expect(staleness(ed(5, { state: 'draft', edition: null, amendment: null, label: 'Draft Edition 3' }), current)).to.deep.equal({ stale: false, matches: 'Draft Edition 3', currentN: null });
    expect(staleness(ed(2), null).stale).to.equal(false);
  });

  it('the latest translation: the current edition’s, else the last in force before it, else the newest of the rest', () => {
    const vs = [ed(1), ed(2), ed(3, { is_current: true }), ed(4, { is_upcoming: true }), ed(5, { state: 'draft' })];
    expect(latestTranslated(vs, (v) => [1, 2, 3, 4, 5].includes(v.n))!.n).to.equal(3);
    expect(latestTranslated(vs, (v) => [1, 2, 4, 5].includes(v.n))!.n).to.equal(2);
    expect(latestTranslated(vs, (v) => [4, 5].includes(v.n))!.n).to.equal(5);
    expect(latestTranslated(vs, () => false)).to.equal(null);
  });

  it('renders the same anchors as the English page; side by side pairs each clause with its English one', () => {
    const m = translate(FRENCH);
    if (!('clauses' in m)) throw new Error('no match');
    const ids = (html: string) => [...html.matchAll(/ id="([^"]+)"/g)].map((x) => x[1]);
    const fr = renderTranslation(m.clauses, { linkTitle: 'Lien vers cet article' });
    expect(ids(fr)).to.deep.equal(ids(renderClauses(english)));
    expect(fr).to.contain('<span class="clause-number">Annexe A</span> (normative) Registres');
    const rows = sideBySide(m.clauses, english, { linkTitle: 'x' });
    expect(rows.map((r) => r.anchor)).to.deep.equal(english.map((c) => `clause-${c.ref}`));
    expect(rows[3]!.translated).to.contain('Limites').and.to.contain('Elle ne s’applique pas ailleurs.');
    expect(rows[3]!.english).to.contain('Limits').and.to.contain('It does not apply elsewhere.').and.not.to.contain(' id=');
  });

  it('Word: translated named headings stay unnumbered and "Annexe A" starts an annex, as "Foreword" and "Annex A" do', async () => {
    const html = '<h1>Avant-propos</h1><p>Un exemple.</p><h1>Introduction</h1><p>Pourquoi.</p><h1>Domaine d’application</h1><p>Texte.</p><h2>Limites</h2><p>Texte.</p><h1>Annexe A (normative) Registres</h1><h2>Formulaires</h2><p>Texte.</p><h1>Bibliographie</h1><p>IMAS 04.10</p>';
    const { markdown } = await htmlToMarkdown(html);
    expect(markdown).to.contain('# Avant-propos\n').and.to.contain('# 1 Domaine d’application').and.to.contain('## 1.1 Limites').and.to.contain('# Annexe A (normative) Registres').and.to.contain('## A.1 Formulaires').and.to.contain('# Bibliographie');
    expect('clauses' in translate(markdown)).to.equal(true);
    // English documents convert as before
    expect((await htmlToMarkdown('<h1>Annex B Forms</h1><h2>Use</h2><h1>Annexes overview</h1>')).markdown).to.equal('# Annex B Forms\n\n## B.1 Use\n\n# 1 Annexes overview\n');
  });
});
