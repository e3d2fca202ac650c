import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import { NotFound } from '../errors.ts';
import { appendAudit } from '../audit/service.ts';
import { can } from '../auth/permissions.ts';
import type { Viewer } from '../auth/viewer.ts';
import { sha256, type UserRow } from './repo.ts';

/** API tokens: random, shown once, stored as sha256 (they are long and random, so no slow hash is needed). */
export interface ApiTokenRow {
  id: number;
  user_id: number;
  token_hash: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export const TOKEN_PREFIX = 'imas_';
interface Ctx {
  db: Knex;
  clock: Clock;
  logger?: Logger;
}

export async function createApiToken(ctx: Ctx, user: UserRow, name: string): Promise<{ token: string; row: ApiTokenRow }> {
  const token = TOKEN_PREFIX + crypto.randomBytes(32).toString('base64url');
  const now = ctx.clock.now().toISOString();
  return ctx.db.transaction(async (trx) => {
    const [ins] = await trx('api_tokens').insert({ user_id: user.id, token_hash: sha256(token), name, created_at: now }).returning('id');
    const id = typeof ins === 'object' ? (ins as { id: number }).id : (ins as number);
    await appendAudit(trx, ctx.clock, { actor_id: user.id, action: 'token.created', subject_type: 'api_token', subject_id: id, data: { user_id: user.id, name } }, ctx.logger);
    return { token, row: (await trx('api_tokens').where({ id }).first()) as ApiTokenRow };
  });
}

/** The live token and its user, or null (unknown, revoked, or the user is disabled). */
export async function userForToken(ctx: Ctx, token: string): Promise<{ tokenRow: ApiTokenRow; user: UserRow } | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  // One query for the token and its user: it runs on every API request.
  const joined = (await ctx.db('api_tokens as t')
    .join('users as u', 'u.id', 't.user_id')
    .where('t.token_hash', sha256(token))
    .whereNull('t.revoked_at')
    .first(
      'u.*',
      ...(['id', 'user_id', 'token_hash', 'name', 'created_at', 'last_used_at', 'revoked_at'] as const).map((c) => `t.${c} as token_${c}`),
    )) as (UserRow & Record<`token_${keyof ApiTokenRow}`, never>) | undefined;
  if (!joined || joined.disabled_at) return null;
  const fields: Record<string, unknown> = {};
  const userFields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(joined)) {
    if (k.startsWith('token_')) fields[k.slice(6)] = v;
    else userFields[k] = v;
  }
  const row = fields as unknown as ApiTokenRow;
  const user = userFields as unknown as UserRow;
  const now = ctx.clock.now();
  // Written at most once a minute: enough to show "last used" without a write per request.
  if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > 60_000) {
    await ctx.db('api_tokens').where({ id: row.id }).update({ last_used_at: now.toISOString() });
  }
  return { tokenRow: row, user };
}

export async function listApiTokens(db: Knex, userId: number): Promise<ApiTokenRow[]> {
  return db('api_tokens').where({ user_id: userId }).whereNull('revoked_at').orderBy('id', 'desc');
}

/** Revokes one of the actor's own tokens (the secretariat may revoke anyone's). */
export async function revokeApiToken(ctx: Ctx, actor: Viewer, tokenId: number): Promise<void> {
  await ctx.db.transaction(async (trx) => {
    const row = (await trx('api_tokens').where({ id: tokenId }).whereNull('revoked_at').first()) as ApiTokenRow | undefined;
    if (!row || (row.user_id !== actor.id && !can(actor, 'accounts.manage'))) throw new NotFound('There is no such token.');
    await trx('api_tokens').where({ id: tokenId }).update({ revoked_at: ctx.clock.now().toISOString() });
    await appendAudit(trx, ctx.clock, { actor_id: actor.id, action: 'token.revoked', subject_type: 'api_token', subject_id: tokenId, data: { user_id: row.user_id } }, ctx.logger);
  });
}

/** All of a user's tokens at once (the account is disabled). */
export async function revokeAllTokensOf(trx: Knex | Knex.Transaction, userId: number, now: Date): Promise<number> {
  return trx('api_tokens').where({ user_id: userId }).whereNull('revoked_at').update({ revoked_at: now.toISOString() });
}
