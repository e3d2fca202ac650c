import request from 'supertest';
import { expect } from 'chai';
import type { testApp } from './app.ts';
import { bearerFor, createUser, type TestUser } from './auth.ts';
import { createVersion } from '../../server/versions/service.ts';

type App = Awaited<ReturnType<typeof testApp>>;
export interface Member {
  user: TestUser;
  auth: [string, string];
}

/** One board account (the principal) per organisation, each with an API token. */
export async function boardOf(t: App, organisations: string[]): Promise<Record<string, Member>> {
  const out: Record<string, Member> = {};
  for (const organisation of organisations) {
    const user = await createUser(t.db, { role: 'board', organisation, name: `Delegate of ${organisation}` });
    out[organisation] = { user, auth: (await bearerFor(t, user)).auth };
  }
  return out;
}

export async function secretariat(t: App): Promise<Member> {
  const { user, auth } = await bearerFor(t, 'secretariat');
  return { user, auth };
}

/**
 * The reason the helper gives to open a ballot out of order (issue 12 item 5): in the sample data the
 * consultation on 07.11 version 4 is still open, which holds any ballot on it back. Tests of the ballot
 * order itself (test/integration/ballot-order.test.ts) call the API without it.
 */
export const SAMPLE_OVERRIDE = 'Test: the sample consultation on the draft is still open.';

/** Opens a ballot on 07.11 version n (4: the draft of Edition 3 in the sample data) through the API. */
export async function openBallot(t: App, sec: Member, body: Record<string, unknown> = {}, n = 4, ref = '07.11') {
  const res = await request(t.app)
    .post(`/api/v1/standards/${ref}/versions/${n}/ballots`)
    .set(...sec.auth)
    .send({ closes_at: '2026-12-01T12:00:00Z', override_reason: SAMPLE_OVERRIDE, ...body });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body as { id: number; [k: string]: unknown };
}

export async function vote(t: App, m: Member, id: number, position: string, reason?: string) {
  return request(t.app).put(`/api/v1/ballots/${id}/vote`).set(...m.auth).send({ position, ...(reason ? { reason } : {}) });
}

/** A new draft of 07.11 based on version `basedOn` (its text with a changed sentence). */
export async function newDraft(t: App, basedOn = 4): Promise<{ id: number; n: number }> {
  const std = await t.db('standards').where({ ref: '07.11' }).first('id');
  const parent = await t.db('versions').where({ standard_id: std.id, n: basedOn }).first('id', 'source');
  const source = String(parent.source).replace(/\bshall\b/, 'must');
  return createVersion(t.db, t.clock, { standardId: std.id, source: source === parent.source ? `${source}\n\nAn added sentence.\n` : source, label: 'Draft Edition 3, revised after consultation', basedOn: parent.id });
}
