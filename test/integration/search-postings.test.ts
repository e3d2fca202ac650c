import { expect } from 'chai';
import { testDb, TEST_NOW } from '../helpers/app.ts';
import { onPostgres } from '../helpers/postgres.ts';
import { insertVersion } from '../../server/versions/repo.ts';
import { engineFor, plainWords } from '../../server/search/engine.ts';
import { parseQuery, STOP_WORDS, toFts5, type TextQuery } from '../../server/search/query.ts';
import type { Db } from '../../server/db.ts';

/** SQLite's impact-ordered index (server/search/postings.ts) beside FTS5's, on the sample standards. */
describe('search: the impact-ordered index on SQLite (issue 15 item 5)', () => {
  let db: Db;
  before(async function () {
    if (onPostgres()) this.skip();
    db = await testDb();
  });
  after(async () => db?.destroy());

  it('plain word searches find exactly the clauses FTS5 matches, best first', async () => {
    const clauses: { id: number; version_id: number; text: string }[] = await db('clauses').select('id', 'version_id', 'text');
    const versions = [...new Set(clauses.map((c) => c.version_id))];
    // words of the sample texts, frequent and rare, alone and in pairs
    const freq = new Map<string, number>();
    for (const c of clauses) for (const w of c.text.toLowerCase().match(/[a-z]{3,}/g) ?? []) if (!STOP_WORDS.has(w)) freq.set(w, (freq.get(w) ?? 0) + 1);
    const byFreq = [...freq.keys()].sort((a, b) => freq.get(b)! - freq.get(a)! || (a < b ? -1 : 1));
    const words = [...byFreq.slice(0, 12), ...byFreq.slice(Math.floor(byFreq.length / 2), Math.floor(byFreq.length / 2) + 6), ...byFreq.slice(-4)];
    const queries = [...words, ...words.slice(0, 10).flatMap((a, i) => words.slice(i + 1, i + 8).map((b) => `${a} ${b}`)), 'mine mines mining', 'buffer zone'];
    const engine = engineFor(db);
    let nonEmpty = 0;
    for (const text of queries) {
      const q = parseQuery(text) as TextQuery;
      expect(plainWords(q), text).to.not.equal(null);
      const hits = await engine.search(db, q, versions, 100_000, 0, 0);
      const matched: number[] = (await db.raw(`select rowid as id from clause_search where clause_search match ?`, [toFts5(q)])).map((r: { id: number }) => r.id);
      expect(hits.map((h) => h.clause_id).sort((a, b) => a - b), text).to.deep.equal(matched.sort((a, b) => a - b));
      for (let i = 1; i < hits.length; i++) {
        const [a, b] = [hits[i - 1]!, hits[i]!];
        expect(a.rank > b.rank || (a.rank === b.rank && a.clause_id < b.clause_id), `${text}: order at ${i}`).to.equal(true);
      }
      if (hits.length) nonEmpty++;
    }
    expect(nonEmpty).to.be.greaterThan(queries.length / 2);
  });

  it('keeps the index in step: a new version is found at once and its lists go with it', async () => {
    const s = await db('standards').first('id');
    const row = { standard_id: s.id, label: 'x', state: 'draft' as const, source: '', based_on: null, edition: null, amendment: null, published_at: null, in_force_from: null, summary: null, sha256: 'x', imported: false, sample: false, word_count: 1, created_by: null, created_at: TEST_NOW, proposal_id: null };
    const { id } = await db.transaction((trx) => insertVersion(trx, row, [{ ref: '1', heading: 'Axolotl marking', text: 'The axolotl lanes are marked.', depth: 1, position: 0, key: 'k1' }]));
    const engine = engineFor(db);
    const q = parseQuery('axolotls marks') as TextQuery;
    expect((await engine.search(db, q, [id], 10)).map((h) => h.heading)).to.deep.equal(['Axolotl marking']);
    const before = Number((await db('clause_postings').where({ term: '' }).sum('clauses as n').first())?.n);
    await db('versions').where({ id }).del();
    expect(await db('clause_postings').where({ version_id: id }).count('* as n').first()).to.deep.equal({ n: 0 });
    expect(Number((await db('clause_postings').where({ term: '' }).sum('clauses as n').first())?.n)).to.equal(before - 1);
    expect(await engine.search(db, q, [id], 10)).to.deep.equal([]);
  });
});
