import request from 'supertest';
import { expect } from 'chai';
import type { testApp } from './app.ts';
import { bearerFor, createUser, type TestUser } from './auth.ts';

/** The Board as dated facts (the organisations register) and proposals through the API, for the proposals tests. */

type App = Awaited<ReturnType<typeof testApp>>;
export interface Voter {
  user: TestUser;
  auth: [string, string];
  organisationId: number;
}

const insertId = (r: unknown) => (typeof r === 'object' ? (r as { id: number }).id : (r as number));
const AT = '2020-01-01T00:00:00.000Z';

/** An organisation record (or the existing one of that name). */
export async function organisation(t: App, name: string): Promise<number> {
  const key = name.trim().toLowerCase().replace(/\s+/g, ' ');
  const found = await t.db('organisations').where({ name_key: key }).first('id');
  if (found) return Number(found.id);
  const [r] = await t.db('organisations').insert({ name, name_key: key, confirmed: true, created_at: AT }).returning('id');
  return insertId(r);
}

/** A user of an organisation record (users.organisation_id), with an API token. */
export async function userOf(t: App, organisationName: string, role: 'board' | 'stakeholder' | 'secretariat' = 'board', name?: string): Promise<Voter> {
  // createUser matches the name to its record (or makes one); the Board's facts are written by the callers.
  const user = await createUser(t.db, { role, organisation: organisationName, name: name ?? `${role} of ${organisationName}`, boardMember: false });
  const organisationId = user.organisation_id ?? (await organisation(t, organisationName));
  if (user.organisation_id == null) await t.db('users').where({ id: user.id }).update({ organisation_id: organisationId });
  return { user: { ...user, organisation_id: organisationId }, auth: (await bearerFor(t, user)).auth, organisationId };
}

/**
 * Board seats from `from` (until `until`): one principal voter per organisation, each with a token.
 * status 'observer' seats an observer.
 */
export async function seat(t: App, names: string[], opts: { from?: string; until?: string | null; status?: 'member' | 'observer' } = {}): Promise<Record<string, Voter & { membershipId: number }>> {
  const out: Record<string, Voter & { membershipId: number }> = {};
  for (const name of names) {
    const v = await userOf(t, name, 'board', `Delegate of ${name}`);
    const [r] = await t.db('board_memberships').insert({ organisation_id: v.organisationId, status: opts.status ?? 'member', from_date: opts.from ?? '2020-01-01', until_date: opts.until ?? null, principal_user_id: v.user.id, created_at: AT }).returning('id');
    out[name] = { ...v, membershipId: insertId(r) };
  }
  return out;
}

/** An alternate of a seated organisation. */
export async function alternate(t: App, seated: Voter & { membershipId: number }, organisationName: string): Promise<Voter> {
  const v = await userOf(t, organisationName, 'board', `Alternate of ${organisationName}`);
  await t.db('board_alternates').insert({ membership_id: seated.membershipId, user_id: v.user.id });
  return v;
}

export async function chair(t: App, name: string): Promise<Voter> {
  const v = await userOf(t, name, 'board', `Chair from ${name}`);
  await t.db('board_chairs').insert({ organisation_id: v.organisationId, representative_user_id: v.user.id, from_date: '2020-01-01', until_date: null, created_at: AT });
  return v;
}

export const AMENDMENT = {
  kind: 'amendment',
  standard: '07.11',
  title: 'Clarify the marking of cancelled areas',
  rationale: 'Operators read clause 5 differently when an area is cancelled after non-technical survey.',
  scope: 'Clause 5 and Annex B of IMAS 07.11.',
  substantial: false,
};

export async function propose(t: App, who: { auth: [string, string] }, body: Record<string, unknown> = {}) {
  const res = await request(t.app).post('/api/v1/proposals').set(...who.auth).send({ ...AMENDMENT, ...body });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body as { id: number; [k: string]: unknown };
}

export async function circulate(t: App, sec: { auth: [string, string] }, id: number, due = '2026-12-07T17:00:00Z') {
  const res = await request(t.app).post(`/api/v1/proposals/${id}/circulate`).set(...sec.auth).send({ response_due_at: due });
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  return res.body as Record<string, unknown>;
}

export const respond = (t: App, who: { auth: [string, string] }, id: number, position: string, comment?: string) =>
  request(t.app).put(`/api/v1/proposals/${id}/response`).set(...who.auth).send({ position, ...(comment ? { comment } : {}) });
