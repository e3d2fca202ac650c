import { Router } from 'express';
import { NotFound, Validation } from '../errors.ts';
import { allow, can, viewerOf } from '../auth/permissions.ts';
import type { Auth } from '../auth/middleware.ts';
import * as service from '../accounts/service.ts';
import { findUserById, listUsers, userJson } from '../accounts/repo.ts';
import { parseOr422 as parse, pathId } from '../http/validation.ts';
import { adminUpdateSchema, createUserSchema, selfUpdateSchema } from './validation.ts';
import { listAudit } from '../audit/service.ts';

const idOf = (s: unknown): number => pathId(s, service.messages.noSuchUser);

/** Accounts in the API: the secretariat manages them; everyone reads and changes their own. */
export function usersApi(auth: Auth): Router {
  const r = Router();
  const { ctx } = auth;

  r.get('/me', allow('account.own'), async (_req, res) => {
    res.json({ user: userJson((await findUserById(ctx.db, viewerOf(res)!.id))!) });
  });

  r.get('/users', allow('accounts.manage'), async (_req, res) => {
    res.json({ users: (await listUsers(ctx.db)).map(userJson) });
  });

  r.post('/users', allow('accounts.manage'), async (req, res) => {
    const user = await service.createUser(ctx, viewerOf(res), parse(createUserSchema, req.body));
    res.status(201).location(`/api/v1/users/${user.id}`).json({ user: userJson(user) });
  });

  r.get('/users/:id', allow('account.own'), async (req, res) => {
    const id = idOf(req.params.id);
    service.assertSelfOrSecretariat(viewerOf(res)!, id);
    const user = await findUserById(ctx.db, id);
    if (!user) throw new NotFound(service.messages.noSuchUser);
    res.json({ user: userJson(user) });
  });

  r.patch('/users/:id', allow('account.own'), async (req, res) => {
    const viewer = viewerOf(res)!;
    const id = idOf(req.params.id);
    service.assertSelfOrSecretariat(viewer, id);
    const manages = can(viewer, 'accounts.manage');
    if (manages && id !== viewer.id) {
      const user = await service.adminUpdate(ctx, viewer, id, parse(adminUpdateSchema.strict(), req.body));
      return res.json({ user: userJson(user) });
    }
    // One's own account: name and organisation; the password with the current one. The secretariat
    // may also change role and the rest of its own account through the admin fields.
    const body = (req.body ?? {}) as Record<string, unknown>;
    const own = manages ? parse(adminUpdateSchema.extend(selfUpdateSchema.shape).strict(), body) : parse(selfUpdateSchema, body);
    if (own.password !== undefined) {
      if (!own.current_password) throw new Validation('Give your current password to change it.', { current_password: 'Enter your current password.' });
      await service.changePassword(ctx, viewer, { current: own.current_password, next: own.password }, req.authVia === 'session' ? req.sessionID : undefined);
    }
    let user = await service.updateProfile(ctx, viewer, { name: own.name, language: own.language, organisation: own.organisation, organisation_id: own.organisation_id, organisation_other: own.organisation_other });
    if ('role' in own || 'disabled' in own) {
      const o = own as { role?: 'secretariat' | 'board' | 'stakeholder'; disabled?: boolean };
      user = await service.adminUpdate(ctx, viewer, id, { role: o.role, disabled: o.disabled });
    }
    res.json({ user: userJson(user) });
  });

  r.get('/audit', allow('audit.read-all'), async (req, res) => {
    const limit = Math.min(Math.max(Number(req.query.limit) || 100, 1), 1000);
    const events = await listAudit(ctx.db, { limit });
    res.json({ events: events.map((e) => ({ ...e, data: JSON.parse(e.data) })) });
  });

  return r;
}
