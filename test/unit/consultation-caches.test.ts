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

describe('consultations: one read for the submissions that find the consultation expired together', () => {
  it('shares a read in flight, keeps no failure, and keeps no read that began before the consultation was forgotten', async () => {
    const caches = new ConsultationCaches();
    let loads = 0;
    let release!: (c: ConsultationFull | null) => void;
    const old = { id: 7, closes_at: 'old' } as unknown as ConsultationFull;
    const slow = (_id: number) => (loads++, new Promise<ConsultationFull | null>((r) => (release = r)));
    const together = [caches.consultation(7, slow), caches.consultation(7, slow), caches.consultation(7, slow)];
    release(old);
    expect(await Promise.all(together)).to.deep.equal([old, old, old]);
    expect(loads).to.equal(1);

    caches.forgetConsultation(7);
    const before = caches.consultation(7, slow);
    caches.forgetConsultation(7); // the dates changed while it was read
    const changed = { id: 7, closes_at: 'new' } as unknown as ConsultationFull;
    const fresh = caches.consultation(7, async () => (loads++, changed));
    release(old);
    expect(await before).to.equal(old);
    expect(await fresh).to.equal(changed);
    expect(await caches.consultation(7, slow)).to.equal(changed);
    expect(loads).to.equal(3);

    caches.clear();
    let failed: unknown = null;
    await caches.consultation(7, async () => Promise.reject(new Error('gone'))).catch((e: unknown) => void (failed = e));
    expect(String(failed)).to.match(/gone/);
    expect(await caches.consultation(7, async () => changed)).to.equal(changed);
  });
});
