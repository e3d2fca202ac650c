import { expect } from 'chai';
import { ConsultationCaches } from '../../server/consultations/caches.ts';
import type { ConsultationFull } from '../../server/consultations/repo.ts';
import type { ClauseRow } from '../../server/versions/repo.ts';

describe('consultations: the caches in deps.caches', () => {
  it('loads a version’s clauses once, keeping the last 16 versions', async () => {
    const caches = new ConsultationCaches();
    const loads: number[] = [];
    const load = async (v: number) => (loads.push(v), [{ ref: String(v) } as unknown as ClauseRow]);
    expect(await caches.clausesOf(1, load)).to.deep.equal([{ ref: '1' }]);
    await caches.clausesOf(1, load);
    expect(loads).to.deep.equal([1]);
    for (let v = 2; v <= 17; v++) await caches.clausesOf(v, load);
    await caches.clausesOf(1, load); // the oldest went when the 17th came
    expect(loads.filter((v) => v === 1)).to.have.length(2);
  });

  it('reuses a consultation for a moment, forgets it on a change, keeps no miss, and clears', async () => {
    const caches = new ConsultationCaches();
    let loads = 0;
    const c = { id: 7 } as ConsultationFull;
    const load = async (id: number) => (loads++, id === 7 ? c : null);
    await caches.consultation(7, load);
    await caches.consultation(7, load);
    expect(loads).to.equal(1);
    caches.forgetConsultation(7);
    await caches.consultation(7, load);
    expect(loads).to.equal(2);
    expect(await caches.consultation(8, load)).to.equal(null);
    expect(await caches.consultation(8, load)).to.equal(null);
    expect(loads).to.equal(4);
    caches.clear();
    await caches.consultation(7, load);
    expect(loads).to.equal(5);
  });
});
