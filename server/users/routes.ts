import { t } from '../i18n/index.ts';
import { Router, type Request, type Response } from 'express';
import { NotFound } from '../errors.ts';
import { errorsOf, formValues as keep, submitForm } from '../http/forms.ts';
import { parseOr422, pathId } from '../http/validation.ts';
import { doneNotice } from '../http/done.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import type { Auth } from '../auth/middleware.ts';
import { createApiToken, listApiTokens, revokeApiToken } from '../accounts/tokens.ts';
import { chainHead, listAudit, readableAudit, verifyChain } from '../audit/service.ts';
import { isEnrolled } from '../twofactor/service.ts';
import { requiresTwoFactor } from '../twofactor/totp.ts';
import * as service from '../accounts/service.ts';
import { findUserById, listUsers, type UserRow } from '../accounts/repo.ts';
import { confirmed, renderConfirmation } from '../http/confirm.ts';
import { choiceView } from '../organisations/service.ts';
import { adminUpdateSchema, createUserSchema, passwordChangeSchema, profileSchema, tokenNameSchema } from './validation.ts';

export const messages = {
  profileSaved: 'Your details are saved.',
  passwordChanged: 'Your password has been changed. Your other sessions have been signed out and your API tokens revoked: make new ones below if you need them.',
  tokenRevoked: 'The token has been revoked.',
  verificationSent: 'We have sent you a new link to confirm your address.',
  userCreated: (u: UserRow) => `Account created for ${u.name}.`,
  userSaved: 'The account is saved.',
} as const;

const ROLES = ['stakeholder', 'board', 'secretariat'] as const;
const idOf = (s: unknown): number => pathId(s, service.messages.noSuchUser);

/** The account page of every user, and the secretariat's account administration. */
export function usersRoutes(auth: Auth): Router {
  const r = Router();
  const { ctx } = auth;

  async function renderAccount(req: Request, res: Response, extra: Record<string, unknown> = {}) {
    const viewer = viewerOf(res)!;
    const user = (await findUserById(ctx.db, viewer.id))!;
    res.render('account/index', {
      title: t(res.locals.lang, 'account:titles.account'),
      user,
      values: { name: user.name },
      choice: await choiceView(ctx.db, { all: false, currentId: user.organisation_id, values: extra.values as Record<string, unknown> | undefined, errors: extra.errors as Record<string, string> | undefined }),
      tokens: await listApiTokens(ctx.db, user.id),
      twoFactorEnabled: await isEnrolled(ctx, user.id),
      // Their own record without the secretariat's links to accounts.
      history: (await readableAudit(ctx.db, await listAudit(ctx.db, { actorOrSubjectUser: user.id, limit: 20 }))).map((e) => ({
        ...e,
        who: e.who && { name: e.who.name, href: null },
        subject: e.subject && { text: e.subject.text, href: e.subject.href?.startsWith('/admin/') ? null : e.subject.href },
      })),
      ...extra,
    });
  }

  r.get('/account', allow('account.own'), (req, res) => renderAccount(req, res, { notice: doneMessage(req.query.done) }));

  r.post('/account', allow('account.own'), async (req, res) => {
    await submitForm(res, async () => {
      await service.updateProfile(ctx, viewerOf(res)!, parseOr422(profileSchema, req.body));
      res.redirect(303, '/account?done=profile');
    }, (err) => renderAccount(req, res, { values: keep(req.body, 'name', 'organisation', 'organisation_id', 'organisation_other'), errors: errorsOf(err) }));
  });

  r.post('/account/password', allow('account.own'), async (req, res) => {
    // (passwords are never put back in the page)
    await submitForm(res, async () => {
      const input = parseOr422(passwordChangeSchema, req.body);
      await service.changePassword(ctx, viewerOf(res)!, { current: input.current_password, next: input.new_password }, req.sessionID);
      res.redirect(303, '/account?done=password');
    }, (err) => renderAccount(req, res, { passwordErrors: errorsOf(err) }));
  });

  r.post('/account/verify-email', allow('account.own'), async (_req, res) => {
    await service.resendVerification(ctx, viewerOf(res)!);
    res.redirect(303, '/account?done=verification');
  });

  r.post('/account/tokens', allow('tokens.own'), async (req, res) => {
    await submitForm(res, async () => {
      const { name } = parseOr422(tokenNameSchema, req.body);
      const user = (await findUserById(ctx.db, viewerOf(res)!.id))!;
      const { token, row } = await createApiToken(ctx, user, name);
      // Shown once, on this response only (not through a redirect that would put it in a URL).
      res.set('Cache-Control', 'no-store');
      await renderAccount(req, res.status(201), { newToken: { token, name: row.name } });
    }, (err) => renderAccount(req, res, { tokenErrors: errorsOf(err), tokenValues: keep(req.body, 'name') }));
  });

  r.post('/account/tokens/:id/revoke', allow('tokens.own'), async (req, res) => {
    await revokeApiToken(ctx, viewerOf(res)!, Number(req.params.id) || -1);
    res.redirect(303, '/account?done=token');
  });

  // — secretariat —
  const renderNew = async (res: Response, extra: Record<string, unknown> = {}) =>
    res.render('admin/user-new', {
      title: t(res.locals.lang, 'admin:titles.newUser'), roles: ROLES, values: { role: 'stakeholder' },
      choice: await choiceView(ctx.db, { all: true, values: extra.values as Record<string, unknown> | undefined, errors: extra.errors as Record<string, string> | undefined }),
      ...extra,
    });

  // The secretariat's desk: every task it runs, one click away.
  // /admin, the secretariat's desk, is its queue: server/mywork/routes.ts.

  r.get('/admin/users', allow('accounts.manage'), async (req, res) => {
    res.render('admin/users', { title: t(res.locals.lang, 'admin:titles.users'), users: await listUsers(ctx.db), notice: doneMessage(req.query.done) });
  });

  r.get('/admin/users/new', allow('accounts.manage'), (_req, res) => renderNew(res));

  r.post('/admin/users', allow('accounts.manage'), async (req, res) => {
    const values = keep(req.body, 'name', 'email', 'organisation', 'organisation_id', 'organisation_other', 'role');
    await submitForm(res, async () => {
      await service.createUser(ctx, viewerOf(res), parseOr422(createUserSchema, req.body));
      res.redirect(303, '/admin/users?done=created');
    }, (err) => renderNew(res, { values, errors: err.status === 409 ? { email: err.message } : errorsOf(err) }));
  });

  async function renderUser(res: Response, id: number, extra: Record<string, unknown> = {}) {
    const user = await findUserById(ctx.db, id);
    if (!user) throw new NotFound(service.messages.noSuchUser);
    res.render('admin/user', {
      title: t(res.locals.lang, 'admin:titles.user', { name: user.name }),
      user,
      roles: ROLES,
      values: { name: user.name, role: user.role },
      choice: await choiceView(ctx.db, { all: true, currentId: user.organisation_id, values: extra.values as Record<string, unknown> | undefined, errors: extra.errors as Record<string, string> | undefined }),
      history: await readableAudit(ctx.db, await listAudit(ctx.db, { actorOrSubjectUser: user.id, limit: 50 })),
      twoFactor: await isEnrolled(ctx, user.id),
      twoFactorRequired: requiresTwoFactor(user.role),
      ...extra,
    });
  }

  r.get('/admin/users/:id', allow('accounts.manage'), async (req, res) => renderUser(res, idOf(req.params.id), { notice: doneMessage(req.query.done) }));

  r.post('/admin/users/:id', allow('accounts.manage'), async (req, res) => {
    const id = idOf(req.params.id);
    await submitForm(res, async () => {
      const { name, organisation, organisation_id, organisation_other, role } = parseOr422(adminUpdateSchema, req.body);
      await service.adminUpdate(ctx, viewerOf(res)!, id, { name, organisation, organisation_id, organisation_other, role });
      res.redirect(303, `/admin/users/${id}?done=saved`);
    }, (err) => renderUser(res, id, { values: keep(req.body, 'name', 'organisation', 'organisation_id', 'organisation_other', 'role'), errors: err.fields, error: err.fields ? undefined : err.message }));
  });

  /** Disabling ends someone's access at once: a page says what will happen first (issue 11 item 7). */
  async function confirmDisable(res: Response, id: number) {
    const user = await findUserById(ctx.db, id);
    if (!user) throw new NotFound(service.messages.noSuchUser);
    if (user.disabled_at) return res.redirect(303, `/admin/users/${id}`);
    const lang = String(res.locals.lang);
    renderConfirmation(res, {
      title: t(res.locals.lang, 'admin:titles.disable', { name: user.name }),
      what: [
        t(lang, 'admin:disable.noSignIn', { name: user.name, email: user.email, organisation: user.organisation }),
        t(lang, 'admin:disable.sessions'),
        t(lang, 'admin:disable.records'),
        ...(id === viewerOf(res)?.id ? [t(lang, 'admin:disable.own')] : []),
      ],
      undo: t(lang, 'admin:disable.undo'),
      action: `/admin/users/${id}/disable`,
      button: t(lang, 'admin:disable.button'),
      back: { href: `/admin/users/${id}`, label: t(lang, 'admin:disable.back', { name: user.name }) },
    });
  }

  r.get('/admin/users/:id/disable/confirm', allow('accounts.manage'), (req, res) => confirmDisable(res, idOf(req.params.id)));

  for (const [action, disabled] of [['disable', true], ['enable', false]] as const) {
    r.post(`/admin/users/:id/${action}`, allow('accounts.manage'), async (req, res) => {
      const id = idOf(req.params.id);
      if (disabled && !confirmed(req.body)) return confirmDisable(res, id);
      await submitForm(res, async () => {
        await service.adminUpdate(ctx, viewerOf(res)!, id, { disabled });
        res.redirect(303, `/admin/users/${id}?done=saved`);
      }, (err) => renderUser(res, id, { error: err.message }));
    });
  }

  r.get('/admin/audit', allow('audit.read-all'), async (_req, res) => {
    const [events, chain, head] = await Promise.all([listAudit(ctx.db, { limit: 200 }).then((e) => readableAudit(ctx.db, e)), verifyChain(ctx.db), chainHead(ctx.db)]);
    res.render('admin/audit', { title: t(res.locals.lang, 'admin:titles.audit'), events, chain, head });
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
