import { Router } from 'express';
import { Forbidden, Unauthorized } from '../errors.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import type { Auth } from '../auth/middleware.ts';
import { createApiToken, listApiTokens, revokeApiToken, type ApiTokenRow } from '../accounts/tokens.ts';
import * as users from '../accounts/service.ts';
import { parseOr422 as parse } from '../http/validation.ts';
import { registerSchema, tokenRequestSchema } from '../users/validation.ts';
import { userJson } from '../accounts/repo.ts';
import { messages as authMessages } from './routes.ts';
import * as twoFactor from '../twofactor/service.ts';
import type { TwoFactorCtx } from '../twofactor/service.ts';
import { requiresTwoFactor } from '../twofactor/totp.ts';

const tokenJson = (t: ApiTokenRow) => ({ id: t.id, name: t.name, created_at: t.created_at, last_used_at: t.last_used_at });

/** API tokens and registration (design.md §6). */
export function signinApi(auth: Auth, deps: TwoFactorCtx): Router {
  const r = Router();
  const { ctx } = auth;

  r.post('/tokens', allow('auth.sign-in'), async (req, res) => {
    const input = parse(tokenRequestSchema, req.body);
    const ip = req.ip ?? 'unknown';
    await auth.limiters.check(res, ip, input.email);
    const result = await users.authenticate(ctx, { email: input.email, password: input.password, ip, via: 'api' });
    if (!result.ok) {
      await auth.limiters.failed(ip, input.email);
      throw new Unauthorized(users.messages.wrongCredentials);
    }
    // A token is as good as a signed-in session: issued only after the second factor (auth.second-factor).
    const code = typeof req.body?.code === 'string' ? req.body.code.trim().slice(0, 200) : '';
    if (await twoFactor.isEnrolled(ctx, result.user.id)) {
      if (!code) throw new Unauthorized(twoFactor.messages.codeNeeded);
      if (!(await twoFactor.checkSecondFactor(deps, result.user.id, code, { ip, via: 'api' })).ok) {
        await auth.limiters.failed(ip, input.email);
        throw new Unauthorized(twoFactor.messages.wrongCode);
      }
    } else if (requiresTwoFactor(result.user.role)) {
      throw new Forbidden(twoFactor.messages.enrolFirst);
    }
    await auth.limiters.succeeded(ip, input.email);
    const { token, row } = await createApiToken(ctx, result.user, input.name || `API token ${ctx.clock.now().toISOString().slice(0, 10)}`);
    res.status(201).json({ token, token_id: row.id, user: userJson(result.user) });
  });

  r.get('/tokens', allow('tokens.own'), async (_req, res) => {
    res.json({ tokens: (await listApiTokens(ctx.db, viewerOf(res)!.id)).map(tokenJson) });
  });

  // The token this request came with (a session has none to revoke here).
  r.delete('/tokens/current', allow('tokens.own'), async (req, res) => {
    if (!req.apiTokenId) throw new Unauthorized('This request was not made with an API token.');
    await revokeApiToken(ctx, viewerOf(res)!, req.apiTokenId);
    res.status(204).end();
  });

  r.delete('/tokens/:id', allow('tokens.own'), async (req, res) => {
    const id = Number(req.params.id);
    await revokeApiToken(ctx, viewerOf(res)!, Number.isInteger(id) ? id : -1);
    res.status(204).end();
  });

  // The same answer whether or not the address has an account (see users.register).
  r.post('/register', allow('auth.register'), async (req, res) => {
    await auth.limiters.check(res, req.ip ?? 'unknown');
    await users.register(ctx, parse(registerSchema, req.body));
    res.status(202).json({ message: authMessages.registered });
  });

  return r;
}
