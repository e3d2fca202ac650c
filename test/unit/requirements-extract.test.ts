import { expect } from 'chai';
import { inheritKeys } from '../../server/diff/index.ts';
import { extractRequirements, sentences, verbOf, type Requirement } from '../../server/requirements/extract.ts';
import { classifySince } from '../../server/requirements/since.ts';
import { parseClausesOrThrow } from '../../server/versions/parse.ts';
import type { Clause } from '../../server/versions/clause.ts';

let n = 0;
const newKey = () => `k${++n}`;

/** Markdown → keyed clauses; with `basedOn`, keys inherited through the diff engine's alignment, as drafts get them. */
function version(markdown: string, basedOn?: Clause[]): Clause[] {
  const plain = parseClausesOrThrow(markdown).map(({ line: _line, ...c }) => c);
  return basedOn ? inheritKeys(basedOn, plain, newKey) : plain.map((c) => ({ ...c, key: newKey() }));
}

const extract = (markdown: string) => extractRequirements('07.11', version(markdown));
const summary = (rs: Requirement[]) => rs.map((r) => [r.clause_number, r.verb, r.text, r.in_note]);

describe('requirement extraction (ISO/IEC Directives Part 2 verbal forms)', () => {
  it('finds each verbal form, its negation, and the kind it states', () => {
    const rs = extract(`# 4 Marking

Signs shall be red. Signs shall not be placed on trees. Fences should be used. Wire should not be barbed. Teams may use paint. Teams need not use paint. Detectors can miss small items. Some items cannot be detected. The sky is blue.`);
    expect(rs.map((r) => [r.verb, r.kind])).to.deep.equal([
      ['shall', 'requirement'],
      ['shall not', 'requirement'],
      ['should', 'recommendation'],
      ['should not', 'recommendation'],
      ['may', 'permission'],
      ['need not', 'permission'],
      ['can', 'possibility'],
      ['cannot', 'possibility'],
    ]);
    expect(rs[1]!.text).to.equal('Signs shall not be placed on trees.');
  });

  it('"should be able to" is a recommendation, not a possibility; the strongest form of a sentence wins', () => {
    expect(verbOf('Every deminer should be able to give first aid.')).to.deep.equal({ family: 'should', verb: 'should' });
    expect(verbOf('Every deminer shall be able to give first aid.')).to.deep.equal({ family: 'shall', verb: 'shall' });
    expect(verbOf('Teams can rest, and should rest, but shall report.')).to.deep.equal({ family: 'shall', verb: 'shall' });
    expect(verbOf('The survey was completed in May 2020.')).to.equal(null);
  });

  it('a verbal form inside a quotation states nothing; one outside it does', () => {
    const rs = extract(`# 1 Scope

The word "shall" denotes a requirement. In this standard “should” denotes a recommendation. The \`may\` form is a permission.

# 4 Marking

Each sign shall read "DANGER MINES" in the local language.`);
    expect(summary(rs)).to.deep.equal([['4', 'shall', 'Each sign shall read "DANGER MINES" in the local language.', false]]);
  });

  it('does not split a sentence inside a quotation or after an abbreviation', () => {
    expect(sentences('Signs shall say "Stop. Mines." in two languages. Teams may use e.g. Paint or tape.')).to.deep.equal([
      'Signs shall say "Stop. Mines." in two languages.',
      'Teams may use e.g. Paint or tape.',
    ]);
  });

  it('leaves out the foreword and introduction; marks notes, examples, definitions and informative annexes as not requirements', () => {
    const rs = extract(`# Foreword

Users should check that they read the latest edition.

# Introduction

Organisations shall find this useful.

# 3 Terms and definitions

## 3.1 all reasonable effort

the effort that can sensibly be applied

# 5 Records

Records shall be kept for ten years.

NOTE The NMAA may keep them longer, and teams should keep copies.

EXAMPLE A record shall state the date, as in "12 May".

# Annex A (normative) Record content

## A.1 Fields

Each record shall state the area.

# Annex B (informative) A decision matrix

The matrix should be read row by row.`);
    expect(rs.some((r) => r.clause_ref === 'foreword' || r.clause_ref === 'introduction')).to.equal(false);
    expect(summary(rs)).to.deep.equal([
      ['3.1', 'can', 'the effort that can sensibly be applied', true],
      ['5', 'shall', 'Records shall be kept for ten years.', false],
      ['5', 'should', 'NOTE The NMAA may keep them longer, and teams should keep copies.', true],
      ['5', 'shall', 'EXAMPLE A record shall state the date, as in "12 May".', true],
      ['A.1', 'shall', 'Each record shall state the area.', false],
      ['Annex B', 'should', 'The matrix should be read row by row.', true],
    ]);
  });

  it('a list whose lead-in carries the verb: one requirement per item, each inheriting the verb; an item with a verb of its own takes the stronger', () => {
    const rs = extract(`# 4 Responsibilities

The NMAA is the authority. The NMAA shall:

1. keep a database;
2. accredit organisations;
3. publish its criteria, which organisations may comment on.

The NMAA should:

- ask donors for advice;
- keep records, which shall be signed.

Teams work in pairs.

- Signs shall be red.
- Fences are optional.`);
    expect(summary(rs)).to.deep.equal([
      ['4', 'shall', 'The NMAA shall: keep a database;', false],
      ['4', 'shall', 'The NMAA shall: accredit organisations;', false],
      ['4', 'shall', 'The NMAA shall: publish its criteria, which organisations may comment on.', false],
      ['4', 'should', 'The NMAA should: ask donors for advice;', false],
      ['4', 'shall', 'The NMAA should: keep records, which shall be signed.', false],
      ['4', 'shall', 'Signs shall be red.', false],
    ]);
  });

  it('reads table cells and skips code blocks', () => {
    const rs = extract(`# 7 Coverage

| Situation | Rule |
|---|---|
| Indirect evidence | Lanes shall be 1.5 m wide |

\`\`\`
teams shall ignore this
\`\`\``);
    expect(summary(rs)).to.deep.equal([['7', 'shall', 'Lanes shall be 1.5 m wide', false]]);
  });

  it('gives a repeated sentence of one clause distinct ids', () => {
    const rs = extract(`# 4 Marking

Signs shall be red.

Signs shall be red.`);
    expect(rs).to.have.length(2);
    expect(rs[1]!.id).to.equal(`${rs[0]!.id}.2`);
  });
});

const EDITION_1 = `# Foreword

Nothing here.

# 1 Scope

This standard covers marking.

# 2 Marking

## 2.1 Signs

Signs shall be red. Signs should be placed every 25 m, as set out in 2.2.

## 2.2 Fences

Fences may be used where livestock graze.

# 3 Records

Records shall be kept for ten years.`;

// A new clause 2 renumbers everything after it; the cross-reference "2.2" becomes "3.2".
const EDITION_2 = `# Foreword

Nothing here.

# 1 Scope

This standard covers marking.

# 2 Responsibilities

The NMAA shall accredit organisations.

# 3 Marking

## 3.1 Signs

Signs shall be red. Signs should be placed every 25 m, as set out in 3.2.

## 3.2 Fences

Fences shall be used where livestock graze.

# 4 Records

Records shall be kept for ten years. Records shall be stored in a dry place.`;

describe('requirement identifiers and the comparison with an earlier edition', () => {
  const v1 = version(EDITION_1);
  const v2 = version(EDITION_2, v1);
  const r1 = extractRequirements('07.11', v1);
  const r2 = extractRequirements('07.11', v2);

  it('ids are built on the clause key and stay the same across a renumbering, cross-references included', () => {
    const id = (rs: Requirement[], text: string) => rs.find((r) => r.text.startsWith(text))!;
    for (const text of ['Signs shall be red.', 'Signs should be placed', 'Records shall be kept']) {
      const a = id(r1, text);
      const b = id(r2, text);
      expect(a.clause_number).to.not.equal(b.clause_number);
      expect(b.id, text).to.equal(a.id);
      expect(a.id).to.match(new RegExp(`^07\\.11-R-${a.clause_key}-[0-9a-f]{8}$`));
    }
  });

  it('classifies new, changed, unchanged and removed since the earlier edition', () => {
    const { status, removed } = classifySince(r1, r2, v1, v2);
    const of = (text: string) => status.get(r2.find((r) => r.text.startsWith(text))!.id)!;
    expect(of('The NMAA shall accredit').status).to.equal('new');
    expect(of('Records shall be stored').status).to.equal('new');
    expect(of('Signs shall be red.').status).to.equal('unchanged');
    expect(of('Records shall be kept').status).to.equal('unchanged');
    // the cross-reference was renumbered: the same id, the text differs
    expect(of('Signs should be placed').status).to.equal('changed');
    // may → shall: a new id (new words), paired through the aligned clause
    const fences = of('Fences shall be used');
    expect(fences.status).to.equal('changed');
    expect(fences.previous!.text).to.equal('Fences may be used where livestock graze.');
    expect(removed).to.deep.equal([]);

    const back = classifySince(r2, r1, v2, v1);
    expect(back.removed.map((r) => r.text)).to.have.members(['The NMAA shall accredit organisations.', 'Records shall be stored in a dry place.']);
  });
});

describe('register filters', () => {
  it('a clause filter takes the clause and its subclauses, in numbers as printed or refs', async () => {
    const { inClause } = await import('../../server/requirements/service.ts');
    const at = (clause_ref: string, clause_number: string) => ({ clause_ref, clause_number });
    expect(inClause(at('4', '4'), '4')).to.equal(true);
    expect(inClause(at('4.2.1', '4.2.1'), '4')).to.equal(true);
    expect(inClause(at('40.1', '40.1'), '4')).to.equal(false);
    expect(inClause(at('4.2', '4.2'), 'Clause 4.2')).to.equal(true);
    expect(inClause(at('annex-a.1', 'A.1'), 'A.1')).to.equal(true);
    expect(inClause(at('annex-a.1.2', 'A.1.2'), 'a.1')).to.equal(true);
    expect(inClause(at('annex-a.1', 'A.1'), 'Annex A')).to.equal(true);
    expect(inClause(at('annex-b', 'Annex B'), 'Annex A')).to.equal(false);
    expect(inClause(at('scope', 'Scope'), 'scope')).to.equal(true);
  });

  it('words: every word, case and accents aside', async () => {
    const { hasWords } = await import('../../server/requirements/service.ts');
    expect(hasWords('A buffer zone of at least 50 m shall be searched.', 'Zone BUFFER')).to.equal(true);
    expect(hasWords('A buffer zone of at least 50 m shall be searched.', 'buffer fence')).to.equal(false);
    expect(hasWords('Le déminage doit être vérifié.', 'deminage')).to.equal(true);
  });
});

describe('the fingerprint of a sentence', () => {
  it('leaves out punctuation, case and cross-references, keeps the other words and numbers', async () => {
    const { fingerprintWords } = await import('../../server/requirements/extract.ts');
    expect(fingerprintWords('Signs shall be placed every 25 m, as in Clause 5.2 and Annex A (see Table 1).')).to.equal('signs shall be placed every 25 m as in and see');
    expect(fingerprintWords('As set out in 3.2, lanes shall be 1.5 m wide.')).to.equal(fingerprintWords('As set out in 4.2, lanes shall be 2.5 m wide.'));
    expect(fingerprintWords('Records shall be kept for 10 years.')).to.not.equal(fingerprintWords('Records shall be kept for 15 years.'));
    expect(fingerprintWords('Le déminage doit être vérifié.')).to.equal('le déminage doit être vérifié');
  });
});
