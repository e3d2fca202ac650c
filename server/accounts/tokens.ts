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

/** How long a token's lookup is remembered: the bound on what another instance's revocation or disabling takes to refuse it. */
export const TOKEN_CACHE_MS = 1000;
const TOKEN_CACHE_MAX = 10_000;
// A statement that changes an account or a token (knex quotes names with ` on SQLite, " on PostgreSQL).
const WRITES_ACCOUNTS = /^\s*(?:update|insert\s+into|delete\s+from)\s+[`"]?(?:users|api_tokens)[`"]?[\s(]/i;
const ENDS_TX = /^\s*(?:commit|rollback)\b/i;
// ...except the "last used" time of a token, which changes nothing about who may use it.
const ONLY_LAST_USED = /^\s*update\s+[`"]?api_tokens[`"]?\s+set\s+[`"]?last_used_at[`"]?\s*=\s*(?:\?|\$\d+)\s+where/i;

type Found = Awaited<ReturnType<typeof userForToken>>;
type Pending = { generation: number; at: number; read: Promise<Found> };

/**
 * userForToken remembered briefly (issue 17 item 3): an API call with a token costs no query while its
 * lookup is less than TOKEN_CACHE_MS old (real time) and this instance has written no account or
 * token since (seen in the app's query events, before and after each statement, and again at the
 * COMMIT of a transaction that wrote one: a lookup that raced a revocation is dropped when it commits).
 * So a revoked token or a disabled account is refused at once on the instance that did it, and within
 * TOKEN_CACHE_MS on the others. Unknown tokens are never remembered.
 */
export class TokenCache {
  private readonly entries = new Map<string, { found: NonNullable<Found>; generation: number; at: number }>();
  private readonly reading = new Map<string, Pending>();
  private generation = 0;
  private readonly dirty = new Set<string>();

  constructor(db: Knex) {
    const seen = (q: { sql?: string; __knexTxId?: string }) => {
      const sql = q?.sql;
      if (!sql) return;
      if (WRITES_ACCOUNTS.test(sql) && !ONLY_LAST_USED.test(sql)) {
        this.generation++;
        if (q.__knexTxId) this.dirty.add(q.__knexTxId);
      } else if (q.__knexTxId && this.dirty.has(q.__knexTxId) && ENDS_TX.test(sql)) {
        this.generation++;
      }
    };
    db.on('query', seen);
    db.on('query-response', (_r: unknown, q: { sql?: string; __knexTxId?: string }) => {
      seen(q);
      // After its COMMIT or ROLLBACK has run, the transaction is done.
      if (q?.__knexTxId && q.sql && ENDS_TX.test(q.sql)) this.dirty.delete(q.__knexTxId);
    });
    db.on('query-error', (_e: unknown, q: { sql?: string; __knexTxId?: string }) => {
      if (q?.__knexTxId && this.dirty.has(q.__knexTxId)) this.generation++;
    });
  }

  /**
   * As userForToken, remembered. The calls that find no fresh entry while a read of the same token is
   * under way share it, if no account was written since it began and it began less than TOKEN_CACHE_MS
   * ago (under load every request in flight read the token when its entry expired).
   */
  async lookup(ctx: Ctx, token: string): Promise<Found> {
    const e = this.entries.get(token);
    const now = Date.now();
    if (e && e.generation === this.generation && now - e.at < TOKEN_CACHE_MS) return e.found;
    const pending = this.reading.get(token);
    if (pending && pending.generation === this.generation && now - pending.at < TOKEN_CACHE_MS) return pending.read;
    // Counted before the read: a write during it makes the answer stale at once.
    const generation = this.generation;
    const done = (r: Pending) => void (this.reading.get(token) === r && this.reading.delete(token));
    const r: Pending = {
      generation,
      at: now,
      read: userForToken(ctx, token).then(
        (found) => {
          done(r);
          if (this.entries.size >= TOKEN_CACHE_MAX) this.entries.clear();
          if (found) this.entries.set(token, { found, generation, at: now });
          else this.entries.delete(token);
          return found;
        },
        (err: unknown) => {
          done(r);
          throw err;
        },
      ),
    };
    if (this.reading.size >= TOKEN_CACHE_MAX) this.reading.clear();
    this.reading.set(token, r);
    return r.read;
  }
}
