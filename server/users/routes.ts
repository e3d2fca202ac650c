import { Router, type Request, type Response } from 'express';
import { doneNotice } from '../http/done.ts';
import { AppError, NotFound } from '../errors.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import type { Auth } from '../auth/middleware.ts';
import { createApiToken, listApiTokens, revokeApiToken } from '../accounts/tokens.ts';
import { chainHead, listAudit, readableAudit, verifyChain } from '../audit/service.ts';
import { isEnrolled } from '../twofactor/service.ts';
import { requiresTwoFactor } from '../twofactor/totp.ts';
import * as service from '../accounts/service.ts';
import { findUserById, listUsers, type UserRow } from '../accounts/repo.ts';
import { adminUpdateSchema, createUserSchema, fieldsOf, passwordChangeSchema, profileSchema, tokenNameSchema } from './validation.ts';

export const messages = {
  profileSaved: 'Your details are saved.',
  passwordChanged: 'Your password has been changed. Your other sessions have been signed out and your API tokens revoked: make new ones below if you need them.',
  tokenRevoked: 'The token has been revoked.',
  verificationSent: 'We have sent you a new link to confirm your address.',
  userCreated: (u: UserRow) => `Account created for ${u.name}.`,
  userSaved: 'The account is saved.',
} as const;

const ROLES = ['stakeholder', 'board', 'secretariat'] as const;
const keep = (body: unknown, ...names: string[]) => {
  const b = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(names.filter((n) => typeof b[n] === 'string').map((n) => [n, b[n]]));
};
const idOf = (s: unknown): number => {
  const id = Number(s);
  if (!Number.isInteger(id) || id < 1) throw new NotFound(service.messages.noSuchUser);
  return id;
};

/** The account page of every user, and the secretariat's account administration. */
export function usersRoutes(auth: Auth): Router {
  const r = Router();
  const { ctx } = auth;

  async function renderAccount(req: Request, res: Response, extra: Record<string, unknown> = {}) {
    const viewer = viewerOf(res)!;
    const user = (await findUserById(ctx.db, viewer.id))!;
    res.render('account/index', {
      title: 'Your account',
      user,
      values: { name: user.name, organisation: user.organisation },
      tokens: await listApiTokens(ctx.db, user.id),
      // Their own record without the secretariat's links to accounts.
      history: (await readableAudit(ctx.db, await listAudit(ctx.db, { actorOrSubjectUser: user.id, limit: 20 }))).map((e) => ({
        ...e,
        who: e.who && { name: e.who.name, href: null },
        subject: e.subject && { text: e.subject.text, href: e.subject.href?.startsWith('/admin/') ? null : e.subject.href },
      })),
      ...extra,
    });
  }

  r.get('/me', allow('account.own'), (_req, res) => res.redirect(303, '/account'));
  r.get('/account', allow('account.own'), (req, res) => renderAccount(req, res, { notice: doneMessage(req.query.done) }));

  r.post('/account', allow('account.own'), async (req, res) => {
    const parsed = profileSchema.safeParse(req.body ?? {});
    if (!parsed.success) return renderAccount(req, res.status(422), { values: keep(req.body, 'name', 'organisation'), errors: fieldsOf(parsed.error) });
    try {
      await service.updateProfile(ctx, viewerOf(res)!, parsed.data);
    } catch (err) {
      if (err instanceof AppError && err.status < 500 && err.fields) return renderAccount(req, res.status(err.status), { values: keep(req.body, 'name', 'organisation'), errors: err.fields });
      throw err;
    }
    res.redirect(303, '/account?done=profile');
  });

  r.post('/account/password', allow('account.own'), async (req, res) => {
    const parsed = passwordChangeSchema.safeParse(req.body ?? {});
    if (!parsed.success) return renderAccount(req, res.status(422), { passwordErrors: fieldsOf(parsed.error) });
    try {
      await service.changePassword(ctx, viewerOf(res)!, { current: parsed.data.current_password, next: parsed.data.new_password }, req.sessionID);
    } catch (err) {
      if (err instanceof AppError && err.status === 422) return renderAccount(req, res.status(422), { passwordErrors: err.fields });
      throw err;
    }
    res.redirect(303, '/account?done=password');
  });

  r.post('/account/verify-email', allow('account.own'), async (_req, res) => {
    await service.resendVerification(ctx, viewerOf(res)!);
    res.redirect(303, '/account?done=verification');
  });

  r.post('/account/tokens', allow('tokens.own'), async (req, res) => {
    const parsed = tokenNameSchema.safeParse(req.body ?? {});
    if (!parsed.success) return renderAccount(req, res.status(422), { tokenErrors: fieldsOf(parsed.error), tokenValues: keep(req.body, 'name') });
    const user = (await findUserById(ctx.db, viewerOf(res)!.id))!;
    const { token, row } = await createApiToken(ctx, user, parsed.data.name);
    // Shown once, on this response only (not through a redirect that would put it in a URL).
    res.set('Cache-Control', 'no-store');
    await renderAccount(req, res.status(201), { newToken: { token, name: row.name } });
  });

  r.post('/account/tokens/:id/revoke', allow('tokens.own'), async (req, res) => {
    await revokeApiToken(ctx, viewerOf(res)!, Number(req.params.id) || -1);
    res.redirect(303, '/account?done=token');
  });

  // — secretariat —
  const renderNew = (res: Response, extra: Record<string, unknown> = {}) =>
    res.render('admin/user-new', { title: 'New account', roles: ROLES, values: { role: 'stakeholder' }, ...extra });

  // The secretariat's desk: every task it runs, one click away.
  r.get('/admin', allow('accounts.manage'), (_req, res) => res.render('admin/index', { title: 'Secretariat desk' }));

  r.get('/admin/users', allow('accounts.manage'), async (req, res) => {
    res.render('admin/users', { title: 'Accounts', users: await listUsers(ctx.db), notice: doneMessage(req.query.done) });
  });

  r.get('/admin/users/new', allow('accounts.manage'), (_req, res) => renderNew(res));

  r.post('/admin/users', allow('accounts.manage'), async (req, res) => {
    const values = keep(req.body, 'name', 'email', 'organisation', 'role');
    const parsed = createUserSchema.safeParse(req.body ?? {});
    if (!parsed.success) return renderNew(res.status(422), { values, errors: fieldsOf(parsed.error) });
    try {
      await service.createUser(ctx, viewerOf(res), parsed.data);
    } catch (err) {
      if (err instanceof AppError && err.status === 409) return renderNew(res.status(409), { values, errors: { email: err.message } });
      throw err;
    }
    res.redirect(303, '/admin/users?done=created');
  });

  async function renderUser(res: Response, id: number, extra: Record<string, unknown> = {}) {
    const user = await findUserById(ctx.db, id);
    if (!user) throw new NotFound(service.messages.noSuchUser);
    res.render('admin/user', {
      title: `Account: ${user.name}`,
      user,
      roles: ROLES,
      values: { name: user.name, organisation: user.organisation, role: user.role },
      history: await readableAudit(ctx.db, await listAudit(ctx.db, { actorOrSubjectUser: user.id, limit: 50 })),
      twoFactor: await isEnrolled(ctx, user.id),
      twoFactorRequired: requiresTwoFactor(user.role),
      ...extra,
    });
  }

  r.get('/admin/users/:id', allow('accounts.manage'), async (req, res) => renderUser(res, idOf(req.params.id), { notice: doneMessage(req.query.done) }));

  r.post('/admin/users/:id', allow('accounts.manage'), async (req, res) => {
    const id = idOf(req.params.id);
    const parsed = adminUpdateSchema.safeParse(req.body ?? {});
    if (!parsed.success) return renderUser(res.status(422), id, { values: keep(req.body, 'name', 'organisation', 'role'), errors: fieldsOf(parsed.error) });
    try {
      await service.adminUpdate(ctx, viewerOf(res)!, id, { name: parsed.data.name, organisation: parsed.data.organisation, role: parsed.data.role });
    } catch (err) {
      if (err instanceof AppError && err.status === 409) return renderUser(res.status(409), id, { error: err.message });
      throw err;
    }
    res.redirect(303, `/admin/users/${id}?done=saved`);
  });

  for (const [action, disabled] of [['disable', true], ['enable', false]] as const) {
    r.post(`/admin/users/:id/${action}`, allow('accounts.manage'), async (req, res) => {
      const id = idOf(req.params.id);
      try {
        await service.adminUpdate(ctx, viewerOf(res)!, id, { disabled });
      } catch (err) {
        if (err instanceof AppError && err.status === 409) return renderUser(res.status(409), id, { error: err.message });
        throw err;
      }
      res.redirect(303, `/admin/users/${id}?done=saved`);
    });
  }

  r.get('/admin/audit', allow('audit.read-all'), async (_req, res) => {
    const [events, chain, head] = await Promise.all([listAudit(ctx.db, { limit: 200 }).then((e) => readableAudit(ctx.db, e)), verifyChain(ctx.db), chainHead(ctx.db)]);
    res.render('admin/audit', { title: 'Audit record', events, chain, head });
  });

  return r;
}

/** The confirmation of the action that landed on an account page (`?done=`). */
const doneMessages: Record<string, string> = {
  profile: messages.profileSaved,
  password: messages.passwordChanged,
  token: messages.tokenRevoked,
  verification: messages.verificationSent,
  created: 'The account has been created.',
  saved: messages.userSaved,
  closed: 'The account is closed: its personal data is erased.',
  'two-factor-off': 'Two-factor sign-in is off for this account.',
};
const doneMessage = (done: unknown): string | null => doneNotice(doneMessages, done);
