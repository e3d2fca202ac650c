import type { ClauseRow } from '../versions/repo.ts';
import type { ConsultationFull } from './repo.ts';

const CLAUSE_VERSIONS = 16;
const CONSULTATION_MS = 1000;

/**
 * The consultations' in-memory caches, one object per app (`deps.caches.consultations`) rather than
 * module state, so that another feature that changes a consultation can clear them, and each app (each
 * test) has its own. They spare a comment submission its reads; what they hold is checked again in the
 * transaction that writes.
 */
export class ConsultationCaches {
  private readonly clauses = new Map<number, ClauseRow[]>();
  private readonly consultations = new Map<number, { at: number; c: ConsultationFull }>();
  private readonly loading = new Map<number, Promise<ConsultationFull | null>>();

  /**
   * A version's clauses never change once saved: kept in memory per version (a few versions are under
   * consultation at a time), so a comment costs no read of its draft.
   */
  async clausesOf(versionId: number, load: (versionId: number) => Promise<ClauseRow[]>): Promise<ClauseRow[]> {
    let clauses = this.clauses.get(versionId);
    if (!clauses) {
      clauses = await load(versionId);
      if (this.clauses.size >= CLAUSE_VERSIONS) this.clauses.delete(this.clauses.keys().next().value!);
      this.clauses.set(versionId, clauses);
    }
    return clauses;
  }

  /**
   * The consultation as a submission first sees it, reused for a second; null when there is none (not
   * kept). The submissions that find it expired together share one read (under load, every client's
   * request in flight did its own: measured 0.11 reads a comment at 50 clients on PostgreSQL).
   */
  async consultation(id: number, load: (id: number) => Promise<ConsultationFull | null>): Promise<ConsultationFull | null> {
    const t = Date.now();
    const hit = this.consultations.get(id);
    if (hit && t - hit.at <= CONSULTATION_MS) return hit.c;
    const pending = this.loading.get(id);
    if (pending) return pending;
    const read = load(id).then(
      (c) => {
        // Kept only if nothing forgot the consultation while it was read.
        if (this.loading.get(id) === read) {
          this.loading.delete(id);
          if (c) this.consultations.set(id, { at: t, c });
        }
        return c;
      },
      (err: unknown) => {
        if (this.loading.get(id) === read) this.loading.delete(id);
        throw err;
      },
    );
    this.loading.set(id, read);
    return read;
  }

  /** After a change to the consultation's dates. */
  forgetConsultation(id: number): void {
    this.consultations.delete(id);
    this.loading.delete(id);
  }

  clear(): void {
    this.clauses.clear();
    this.consultations.clear();
    this.loading.clear();
  }
}
