import type request from 'supertest';
import type { Db } from '../../server/db.ts';
import { FakeClock } from '../../server/clock.ts';
import { createVersion } from '../../server/versions/service.ts';
import { TEST_NOW } from './app.ts';

/** The sample consultation: IMAS 07.11 version 4 (Draft Edition 3), open 2026-10-01 → 2027-06-30T23:59:59Z. */
export const SAMPLE = { ref: '07.11', n: 4, opens_at: '2026-10-01T00:00:00.000Z', closes_at: '2027-06-30T23:59:59.000Z' };

export async function sampleConsultationId(db: Db): Promise<number> {
  const row = await db('consultations as c').join('versions as v', 'v.id', 'c.version_id').join('standards as s', 's.id', 'v.standard_id').where({ 's.ref': SAMPLE.ref, 'v.n': SAMPLE.n }).first('c.id');
  return row.id;
}

/**
 * A later draft of 07.11 based on version 4: a new clause 4.1 is inserted (so 4.1 → 4.2, 4.2 → 4.3, 4.3 → 4.4),
 * 7.4 Buffer zone gets new text, and 9.4 Liability is removed. Returns its n.
 */
export async function laterDraft(db: Db): Promise<{ n: number; id: number }> {
  const v4 = await db('versions as v').join('standards as s', 's.id', 'v.standard_id').where({ 's.ref': SAMPLE.ref, 'v.n': SAMPLE.n }).first('v.id', 'v.source', 'v.standard_id');
  let source: string = v4.source.replace(/^---[\s\S]*?---\n/, '');
  source = source
    .replace('## 4.3 Donors and partners', '## 4.4 Donors and partners')
    .replace('## 4.2 Mine action organisations', '## 4.3 Mine action organisations')
    .replace('## 4.1 National mine action authority', '## 4.1 Governments\n\nGovernments shall designate a national mine action authority and give it the means to regulate land release.\n\n## 4.2 National mine action authority');
  source = source.replace(/(## 7\.4 Buffer zone\n\n)/, '$1A buffer zone of at least 100 m shall be kept around every confirmed hazardous area where anti-vehicle mines are suspected. ');
  source = source.replace(/## 9\.4 Liability[\s\S]*?(?=\n# |\n## |$)/, '');
  return createVersion(db, new FakeClock(TEST_NOW), { standardId: v4.standard_id, source, label: 'Draft Edition 3, second draft', basedOn: v4.id, sample: true });
}

/** A supertest parser that keeps a binary body (an .xlsx download) as a Buffer. */
export const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};
