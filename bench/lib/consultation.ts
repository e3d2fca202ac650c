import type { Db } from '../../server/db.ts';

/**
 * A consultation open now, whatever today is, on the sample draft of 07.11 (the newest draft loaded from
 * standards/), replacing any it had: the benches' comments go there. Its id and the draft's version.
 */
export async function openConsultationOnSampleDraft(db: Db, extra: Record<string, unknown> = {}): Promise<{ id: number; versionId: number; n: number }> {
  const v = await db('versions as v').join('standards as s', 's.id', 'v.standard_id').where({ 's.ref': '07.11', 'v.state': 'draft' }).orderBy('v.n', 'desc').first('v.id', 'v.n');
  await db('consultations').where({ version_id: v.id }).del();
  const now = Date.now();
  const at = (ms: number) => new Date(now + ms).toISOString();
  const [ins] = await db('consultations').insert({ version_id: v.id, opens_at: at(-86_400_000), closes_at: at(30 * 86_400_000), instructions: 'bench', created_at: at(0), ...extra }).returning('id');
  return { id: Number(typeof ins === 'object' ? ins.id : ins), versionId: Number(v.id), n: Number(v.n) };
}
