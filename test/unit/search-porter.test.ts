import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import Database from 'better-sqlite3';
import { stem, stemOf, tokens } from '../../server/search/porter.ts';
import { generatePair } from '../../bench/lib/gen-standard.ts';

/**
 * The impact index must hold the terms FTS5 holds: tokens and stems compared with FTS5's own (an FTS5
 * table's fts5vocab instance rows) on the sample standards, two generated ones and words chosen to reach
 * every rule of the stemmer. Checked once on the bench's whole corpus (65 generated standards) and 885
 * READMEs of node_modules: 3.5 million tokens, 33,057 terms, no difference in text of ASCII.
 */
describe('search tokens and stems as FTS5 makes them (server/search/porter.ts)', () => {
  const texts: string[] = [];
  const root = path.join(import.meta.dirname, '../../standards');
  for (const d of fs.readdirSync(root)) {
    if (!fs.statSync(path.join(root, d)).isDirectory()) continue;
    for (const f of fs.readdirSync(path.join(root, d))) if (f.endsWith('.md')) texts.push(...fs.readFileSync(path.join(root, d, f), 'utf8').split('\n\n'));
  }
  for (const seed of [1000, 1001]) for (const c of generatePair(40_000, seed).from.clauses) texts.push(c.heading, c.text);
  const RULES =
    'caresses ponies ties caress cats feed agreed plastered bled motoring sing conflated troubled sized hopping tanned falling hissing fizzed failing filing happy sky ' +
    'relational conditional rational valenci hesitanci digitizer conformabli radicalli differentli vileli analogousli vietnamization predication operator feudalism ' +
    'decisiveness hopefulness callousness formaliti sensitiviti sensibiliti triplicate formative formalize electriciti electrical hopeful goodness revival allowance ' +
    'inference airliner gyroscopic adjustable defensible irritant replacement adjustment dependent adoption homologou communism activate angulariti homologous effective ' +
    'bowdlerize probate rate cease controll roll eed aing ying y yy ab abc xyz 4x4 1990s a4 oed ied ies sses ss';
  texts.push(RULES, 'Café naïve résumé — déminage; Straße', 'x'.repeat(70) + 'ing ' + 'ational'.repeat(10));

  it('gives the terms FTS5 gives, token for token', () => {
    const db = new Database(':memory:');
    db.exec(`create virtual table s using fts5(body, content = '', tokenize = 'porter unicode61'); create virtual table v using fts5vocab(s, instance);`);
    const insert = db.prepare('insert into s (rowid, body) values (?, ?)');
    db.transaction(() => texts.forEach((t, i) => insert.run(i + 1, t)))();
    const fts = new Map<number, string[]>();
    for (const [term, doc] of db.prepare('select term, doc from v order by doc, offset').raw().iterate() as Iterable<[string, number]>) {
      const list = fts.get(doc) ?? [];
      list.push(term);
      fts.set(doc, list);
    }
    let compared = 0;
    texts.forEach((t, i) => {
      expect(tokens(t).map(stemOf), t.slice(0, 80)).to.deep.equal(fts.get(i + 1) ?? []);
      compared++;
    });
    expect(compared).to.be.greaterThan(1000);
    db.close();
  });

  it('follows the Porter rules as SQLite writes them', () => {
    expect(['caresses', 'ponies', 'cats', 'agreed', 'plastered', 'motoring', 'hopping', 'falling', 'filing', 'happy', 'relational', 'generalization', 'mines', 'mining'].map(stem)).to.deep.equal([
      'caress', 'poni', 'cat', 'agre', 'plaster', 'motor', 'hop', 'fall', 'file', 'happi', 'relat', 'gener', 'mine', 'mine',
    ]);
    // shorter than 3 or longer than 64 bytes: as they are
    expect(stem('is')).to.equal('is');
    expect(stem(`${'a'.repeat(62)}ing`)).to.equal(`${'a'.repeat(62)}ing`);
  });
});
