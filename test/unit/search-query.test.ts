import { expect } from 'chai';
import { MAX_QUERY_CHARS, messages, parseDesignation, parseQuery, toFts5, toPgTsquery, type TextQuery } from '../../server/search/query.ts';
import { markWords, markedHtml, START, STOP } from '../../server/search/snippet.ts';

const text = (q: string): TextQuery => {
  const p = parseQuery(q);
  if (p.kind !== 'text') throw new Error(`${q}: ${JSON.stringify(p)}`);
  return p;
};

describe('search queries (server/search/query.ts)', () => {
  it('reads designations and clauses', () => {
    expect(parseDesignation('07.11')).to.deep.equal({ ref: '07.11', clause: null });
    expect(parseDesignation('IMAS 07.11')).to.deep.equal({ ref: '07.11', clause: null });
    expect(parseDesignation('imas 07-11')).to.deep.equal({ ref: '07.11', clause: null });
    expect(parseDesignation('tnma 12.10/01')).to.deep.equal({ ref: 'tnma-12.10-01', clause: null });
    expect(parseDesignation('T&EP 07.31/01/2022')).to.deep.equal({ ref: 'tep-07.31-01-2022', clause: null });
    expect(parseDesignation('07.11 4.2')).to.deep.equal({ ref: '07.11', clause: '4.2' });
    expect(parseDesignation('IMAS 07.11 clause 6.2.4')).to.deep.equal({ ref: '07.11', clause: '6.2.4' });
    expect(parseDesignation('07.11 Annex A.1')).to.deep.equal({ ref: '07.11', clause: 'annex-a.1' });
    expect(parseDesignation('07.11 buffer')).to.equal(null);
    expect(parseDesignation('tnma 07.11/01/2022')).to.equal(null);
    expect(parseQuery('07.11 4.2')).to.include({ kind: 'designation', ref: '07.11', clause: '4.2' });
  });

  it('words are all required, stems left to the engines', () => {
    const q = text('buffer zone');
    expect(q.all).to.deep.equal([[{ tokens: ['buffer'], prefix: false }], [{ tokens: ['zone'], prefix: false }]]);
    expect(toFts5(q)).to.equal('("buffer" AND "zone")');
    expect(toPgTsquery(q)).to.deep.equal({ sql: "(phraseto_tsquery('english', ?) && phraseto_tsquery('english', ?))", bindings: ['buffer', 'zone'] });
  });

  it('quoted phrases, prefixes, exclusions and OR', () => {
    expect(toFts5(text('"Buffer Zone"'))).to.equal('"buffer zone"');
    expect(toFts5(text('demin*'))).to.equal('"demin"*');
    expect(toPgTsquery(text('demin*'))).to.deep.equal({ sql: "to_tsquery('english', ?)", bindings: ['demin:*'] });
    expect(toFts5(text('"anti vehic"*'))).to.equal('"anti vehic"*');
    expect(toFts5(text('mines -vehicle'))).to.equal('"mines" NOT "vehicle"');
    expect(toFts5(text('mines NOT vehicle'))).to.equal('"mines" NOT "vehicle"');
    expect(toFts5(text('mines -"anti vehicle"'))).to.equal('"mines" NOT "anti vehicle"');
    expect(toPgTsquery(text('mines -vehicle')).sql).to.equal("phraseto_tsquery('english', ?) && !!phraseto_tsquery('english', ?)");
    expect(toFts5(text('marking OR fencing survey'))).to.equal('(("marking" OR "fencing") AND "survey")');
    expect(toPgTsquery(text('marking OR fencing')).sql).to.equal("(phraseto_tsquery('english', ?) || phraseto_tsquery('english', ?))");
    // English stop words are left out of loose words (PostgreSQL never indexes them), kept in phrases
    expect(toFts5(text('the buffer of a zone'))).to.equal('("buffer" AND "zone")');
    expect(toFts5(text('"buffer of the zone"'))).to.equal('"buffer of the zone"');
    expect(parseQuery('the of and')).to.deep.equal({ kind: 'invalid', message: messages.onlyCommon });
    // a word with punctuation inside is the phrase of its parts
    expect(toFts5(text('anti-vehicle'))).to.equal('"anti vehicle"');
  });

  it('any text at all becomes a safe expression or a clear message', () => {
    const nasty = ['"', '"""', '*', '-', '--', 'NEAR', 'NEAR(a b)', 'a NEAR/2 b', '((buffer', 'buffer)', 'a" OR "b', "'; drop table clauses; --", 'col:buffer', '^buffer', '{heading}:x', 'AND', 'OR OR', 'a OR', 'x*y', '\u0000\u0002buffer\u0003', 'ÉCOLE naïve', '中文 العربية', '%_\\'];
    for (const q of nasty) {
      const p = parseQuery(q);
      if (p.kind === 'invalid') {
        expect(p.message, q).to.be.a('string').and.not.equal('');
        continue;
      }
      const t = p.kind === 'text' ? p : p.fallback!;
      const fts = toFts5(t);
      // only quoted runs of letters and digits, the operators written here, and brackets of our own
      expect(fts.replace(/"[\p{L}\p{N} ]+"\*?/gu, '').replace(/\b(AND|OR|NOT)\b/g, '').replace(/[() ]/g, ''), q).to.equal('');
      for (const b of toPgTsquery(t).bindings) expect(b, q).to.match(/^[\p{L}\p{N} ]+$|^[\p{L}\p{N}]+( <-> [\p{L}\p{N}]+)*:\*$/u);
    }
    expect(parseQuery('"')).to.deep.equal({ kind: 'invalid', message: messages.nothingToFind });
    expect(parseQuery('   ')).to.deep.equal({ kind: 'invalid', message: messages.empty });
    expect(parseQuery('-mines')).to.deep.equal({ kind: 'invalid', message: messages.onlyExcluded });
    expect(parseQuery('a'.repeat(10_000))).to.deep.equal({ kind: 'invalid', message: messages.tooLong });
    expect(parseQuery('x'.repeat(MAX_QUERY_CHARS))).to.have.property('kind', 'text');
    expect(parseQuery(Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '))).to.deep.equal({ kind: 'invalid', message: messages.tooMany });
    // unbalanced quote: the phrase runs to the end
    expect(toFts5(text('"buffer zone'))).to.equal('"buffer zone"');
    expect(toFts5(text('NEAR (buffer'))).to.equal('("near" AND "buffer")');
  });
});

describe('search snippets (server/search/snippet.ts)', () => {
  it('escapes the text, then marks the hits: markup in a clause stays text', () => {
    expect(markedHtml(`a <b>${START}bold${STOP}</b> & "q" <script>alert(1)</script>`)).to.equal(
      'a &lt;b&gt;<mark>bold</mark>&lt;/b&gt; &amp; &quot;q&quot; &lt;script&gt;alert(1)&lt;/script&gt;',
    );
    expect(markedHtml(`${START}open`)).to.equal('<mark>open</mark>');
    expect(markedHtml(`close${STOP}${STOP}`)).to.equal('close');
  });

  it('marks words and their longer forms in comments, around the first hit', () => {
    const long = `${'x '.repeat(200)}the Mines <i>here</i> and mine`;
    const m = markWords(long, ['mine']);
    expect(markedHtml(m)).to.contain('<mark>Mines</mark> &lt;i&gt;here&lt;/i&gt; and <mark>mine</mark>');
    expect(m.startsWith('…')).to.equal(true);
  });
});
