import { expect } from 'chai';
import { buildPostings, decode, encode, entries, idf, impact, lengthOf, topK, type Hit, type PostingList } from '../../server/search/postings.ts';
import { plainWords } from '../../server/search/engine.ts';
import { parseQuery, type TextQuery } from '../../server/search/query.ts';
import { rng } from '../../bench/lib/gen-standard.ts';

/** Every clause holding all the terms, scored in term order as topK does, best first (then lowest id). */
function bruteForce(lists: PostingList[][], weight: number[], k: number): Hit[] {
  const maps = lists.map((perVersion) => {
    const m = new Map<number, number>();
    for (const p of perVersion) for (const [id, i] of entries(p)) m.set(id, i);
    return m;
  });
  const out: Hit[] = [];
  for (const id of maps[0]!.keys()) {
    let score = 0;
    let holds = true;
    for (let t = 0; t < maps.length; t++) {
      const i = maps[t]!.get(id);
      if (i === undefined) {
        holds = false;
        break;
      }
      score += weight[t]! * i;
    }
    if (holds) out.push({ id, score });
  }
  return out.sort((a, b) => b.score - a.score || a.id - b.id).slice(0, k);
}

describe('search postings: the impact-ordered index and its top-k walk (server/search/postings.ts)', () => {
  it('the threshold walk gives exactly the brute-force ranking on random lists, ties included', () => {
    const r = rng(15);
    const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
    for (let run = 0; run < 400; run++) {
      const terms = int(1, 4);
      const versions = int(1, 6);
      // a few impact levels make many ties; some runs draw them freely
      const levels = run % 3 === 0 ? 0 : int(1, 5);
      const draw = () => (levels ? impact(int(1, levels), 100) : impact(1 + r() * 30, int(1, 400)));
      let next = 1;
      const lists: PostingList[][] = Array.from({ length: terms }, () => []);
      for (let v = 0; v < versions; v++) {
        // ids in 16 bits above the lowest, and sometimes not
        const clauses = Array.from({ length: int(1, 80) }, () => (next += run % 5 === 0 ? 70_000 : 1));
        for (let t = 0; t < terms; t++) {
          // each term in a share of the version's clauses (ascending ids, as buildPostings gives them)
          const share = r();
          const ids = clauses.filter(() => r() < share);
          if (!ids.length) ids.push(clauses[int(0, clauses.length - 1)]!);
          lists[t]!.push(decode(encode(ids, ids.map(draw))));
        }
      }
      const weight = Array.from({ length: terms }, () => (r() < 0.2 ? 1e-6 : r() * 5));
      for (const k of [1, 3, 21, 1000]) {
        expect(topK(lists, weight, k), `run ${run}, k ${k}`).to.deep.equal(bruteForce(lists, weight, k));
      }
    }
  });

  it('a list holds each clause once, by impact and by id, and reads back from a stored copy at any byte offset', () => {
    const lists = buildPostings([
      { id: 3, heading: 'Marking', text: 'Mines are marked. The marking of mines.' },
      { id: 7, heading: 'Records', text: 'A mine is recorded: one mine.' },
      { id: 9, heading: '', text: '' },
    ]);
    expect([...lists.keys()].sort()).to.deep.equal(['a', 'ar', 'is', 'mark', 'mine', 'of', 'on', 'record', 'the']);
    const mine = decode(lists.get('mine')!);
    expect(mine.n).to.equal(2);
    // by impact, then ascending ids: both clauses hold "mine" twice in the body; clause 7 is shorter
    expect(entries(mine)).to.deep.equal([[7, impact(2, 7)], [3, impact(2, 8)]]);
    expect([...mine.byId]).to.deep.equal([1, 0]);
    // a heading hit weighs ten: "mark" in clause 3's heading and twice in its text
    expect(entries(decode(lists.get('mark')!))).to.deep.equal([[3, impact(12, 8)]]);
    const stored = lists.get('record')!;
    const shifted = Buffer.alloc(stored.length + 1);
    stored.copy(shifted, 1);
    expect(entries(decode(shifted.subarray(1)))).to.deep.equal(entries(decode(stored)));
    // ids spanning more than 16 bits: stored as int32
    const wide = encode([5, 70_000, 200_000], [impact(1, 50), impact(3, 50), impact(1, 50)]);
    expect(lengthOf(wide)).to.equal(3);
    expect(entries(decode(wide))).to.deep.equal([[70_000, impact(3, 50)], [5, impact(1, 50)], [200_000, impact(1, 50)]]);
  });

  it('IDF as FTS5 computes it, never zero or below', () => {
    expect(idf(1000, 10)).to.be.closeTo(Math.log(990.5 / 10.5), 1e-12);
    expect(idf(1000, 600)).to.equal(1e-6);
  });

  it('only queries of plain ASCII words take the impact path, stemmed as FTS5 stems them', () => {
    const q = (s: string) => plainWords(parseQuery(s) as TextQuery);
    expect(q('buffer zones')).to.deep.equal(['buffer', 'zone']);
    expect(q('mine mines mining')).to.deep.equal(['mine', 'mine', 'mine']);
    for (const s of ['"buffer zone"', 'demin*', 'mines -vehicle', 'mines OR vehicles', 'café']) expect(q(s), s).to.equal(null);
  });
});
