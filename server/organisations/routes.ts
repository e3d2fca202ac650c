import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps.ts';
import { allow, can, viewerOf } from '../auth/permissions.ts';
import { doneNotice } from '../http/done.ts';
import { errorsOf, formValues as keep, submitForm } from '../http/forms.ts';
import { parseOr422, pathId } from '../http/validation.ts';
import { NotFound } from '../errors.ts';
import * as service from './service.ts';
import { KINDS, STATUSES } from './names.ts';
import { t } from '../i18n/index.ts';
import { chairSchema, chairUpdateSchema, membershipSchema, membershipUpdateSchema, mergeSchema, organisationPatchSchema, organisationSchema } from './validation.ts';
import { langOf } from '../i18n/middleware.ts';

/** The notice after an action (`?done=`): its key in locales/<lng>/organisations.json. */
const notices: Record<string, string> = {
  created: 'organisations:notice.created',
  saved: 'organisations:notice.saved',
  confirmed: 'organisations:notice.confirmed',
  merged: 'organisations:notice.merged',
  dismissed: 'organisations:notice.dismissed',
  membership: 'organisations:notice.membership',
  deleted: 'organisations:notice.deleted',
  chair: 'organisations:notice.chair',
};
/** The `?done=` notice in the reader's language, or null. */
const noticeOf = (req: Request, res: Response): string | null => {
  const key = doneNotice(notices, req.query.done);
  return key && t(langOf(res), key);
};

const idOf = (s: unknown) => pathId(s, service.messages.noOrganisation);
const membershipIdOf = (s: unknown) => pathId(s, service.messages.noMembership);
const chairIdOf = (s: unknown) => pathId(s, service.messages.noChair);
const kinds = (lang: string, selected: unknown) => KINDS.map((k) => ({ value: k, label: t(lang, `organisations:kind_${k}`), selected: selected === k }));
const statuses = (lang: string, selected: unknown) => STATUSES.map((s) => ({ value: s, label: t(lang, `organisations:status.${s}`), selected: selected === s }));
const userLabel = (lang: string, u: { name: string; role: string; disabled_at?: string | null }) => t(lang, u.disabled_at ? 'organisations:userLabelDisabled' : 'organisations:userLabel', { name: u.name, role: u.role });
const options = (list: Array<{ id: number; name: string }>, selected: unknown) => list.map((o) => ({ value: String(o.id), label: o.name, selected: String(selected ?? '') === String(o.id) }));

/** The public Board and organisation pages, and the secretariat's register and Board pages. */
export function organisationsRoutes(deps: Deps): Router {
  const r = Router();
  const { db, clock } = deps;

  // — public —

  r.get('/board', allow('board.read'), async (req, res) => {
    const b = await service.board(db, clock.now().toISOString());
    const seat = (o: { id: number; name: string; short_name: string | null }) => ({ ...o, since: b.since[o.id] });
    res.render('organisations/board', {
      title: t(langOf(res), 'organisations:board.title'),
      members: b.members.map(seat),
      observers: b.observers.map(seat),
      chair: b.chair ? { ...b.chair, since: b.chair_since, representative: b.representative_name } : null,
      manages: can(viewerOf(res), 'board.manage'),
    });
  });

  r.get('/organisations', allow('organisations.read'), async (_req, res) => {
    res.render('organisations/index', { title: t(langOf(res), 'organisations:index.title'), organisations: await service.listOrganisations(db, false) });
  });

  r.get('/organisations/:id', allow('organisations.read'), async (req, res) => {
    const viewer = viewerOf(res);
    const id = idOf(req.params.id);
    // A record merged into another: its page is the other's now.
    const into = await service.mergedInto(db, id);
    if (into !== null) return res.redirect(301, `/organisations/${into}`);
    const page = await service.organisationPage(db, clock, id, can(viewer, 'organisations.manage'));
    res.render('organisations/show', { title: page.organisation.name, ...page, manages: can(viewer, 'organisations.manage') });
  });

  // — the register (secretariat) —

  async function renderRegister(req: Request, res: Response, extra: Record<string, unknown> = {}) {
    const all = await service.listOrganisations(db, true);
    const unconfirmed = all.filter((o) => !o.confirmed);
    res.render('organisations/admin-index', {
      title: t(langOf(res), 'organisations:register.title'),
      notice: noticeOf(req, res),
      notices: await service.openNotices(db),
      unconfirmed: unconfirmed.map((o) => ({ ...o, targets: options(all.filter((x) => x.id !== o.id && x.confirmed), '') })),
      organisations: all,
      kinds: kinds(langOf(res), (extra.values as Record<string, string> | undefined)?.kind),
      values: {},
      ...extra,
    });
  }

  r.get('/admin/organisations', allow('organisations.manage'), (req, res) => renderRegister(req, res));

  r.post('/admin/organisations', allow('organisations.manage'), async (req, res) => {
    await submitForm(res, async () => {
      const o = await service.createOrganisation(db, clock, viewerOf(res)!, parseOr422(organisationSchema, { ...req.body, confirmed: 'true' }));
      res.redirect(303, `/admin/organisations/${o.id}?done=created`);
    }, (err) => renderRegister(req, res, { values: keep(req.body, 'name', 'short_name', 'kind'), errors: errorsOf(err) }));
  });

  r.post('/admin/organisations/notices/:id/dismiss', allow('organisations.manage'), async (req, res) => {
    await service.dismissNotice(db, clock, viewerOf(res)!, pathId(req.params.id));
    res.redirect(303, '/admin/organisations?done=dismissed');
  });

  async function renderOrganisation(req: Request, res: Response, id: number, extra: Record<string, unknown> = {}) {
    const o = await service.getOrganisation(db, id, true);
    const values = (extra.values as Record<string, string> | undefined) ?? { name: o.name, short_name: o.short_name ?? '', kind: o.kind ?? '' };
    const all = await service.listOrganisations(db, true);
    res.render('organisations/admin-show', {
      title: t(langOf(res), 'organisations:adminShow.pageTitle', { name: o.name }),
      organisation: service.organisationView(o),
      notice: noticeOf(req, res),
      values,
      kinds: kinds(langOf(res), values.kind),
      targets: options(all.filter((x) => x.id !== o.id), (extra.mergeValues as Record<string, string> | undefined)?.into),
      users: await service.usersOf(db, id),
      memberships: await service.memberships(db, id),
      ...extra,
    });
  }

  r.get('/admin/organisations/:id', allow('organisations.manage'), (req, res) => renderOrganisation(req, res, idOf(req.params.id)));

  r.post('/admin/organisations/:id', allow('organisations.manage'), async (req, res) => {
    const id = idOf(req.params.id);
    await submitForm(res, async () => {
      const input = parseOr422(organisationPatchSchema, { name: req.body?.name, short_name: req.body?.short_name ?? '', kind: req.body?.kind ?? '' });
      await service.updateOrganisation(db, clock, viewerOf(res)!, id, input);
      res.redirect(303, `/admin/organisations/${id}?done=saved`);
    }, (err) => renderOrganisation(req, res, id, { values: keep(req.body, 'name', 'short_name', 'kind'), errors: errorsOf(err) }));
  });

  r.post('/admin/organisations/:id/confirm', allow('organisations.manage'), async (req, res) => {
    const id = idOf(req.params.id);
    await submitForm(res, async () => {
      await service.confirmOrganisation(db, clock, viewerOf(res)!, id);
      res.redirect(303, `/admin/organisations?done=confirmed`);
    }, (err) => renderOrganisation(req, res, id, { error: err.message }));
  });

  r.post('/admin/organisations/:id/merge', allow('organisations.manage'), async (req, res) => {
    const id = idOf(req.params.id);
    await submitForm(res, async () => {
      const { into } = parseOr422(mergeSchema, req.body);
      const target = await service.mergeOrganisation(db, clock, viewerOf(res)!, id, into);
      res.redirect(303, `/admin/organisations/${target.id}?done=merged`);
    }, (err) => renderOrganisation(req, res, id, { mergeValues: keep(req.body, 'into'), mergeErrors: errorsOf(err) }));
  });

  // — the Board (secretariat) —

  async function renderBoard(req: Request, res: Response, extra: Record<string, unknown> = {}) {
    const confirmed = await service.listOrganisations(db, false);
    const mv = (extra.membershipValues as Record<string, string> | undefined) ?? { status: 'member', from: clock.now().toISOString().slice(0, 10) };
    const cv = (extra.chairValues as Record<string, string> | undefined) ?? { from: clock.now().toISOString().slice(0, 10) };
    res.render('organisations/admin-board', {
      title: t(langOf(res), 'organisations:adminBoard.pageTitle'),
      notice: noticeOf(req, res),
      board: await service.board(db, clock.now().toISOString()),
      memberships: await service.memberships(db),
      chairs: await service.chairs(db),
      membershipValues: mv,
      chairValues: cv,
      membershipOrganisations: options(confirmed, mv.organisation_id),
      chairOrganisations: options(confirmed, cv.organisation_id),
      statuses: statuses(langOf(res), mv.status),
      ...extra,
    });
  }

  r.get('/admin/board', allow('board.manage'), (req, res) => renderBoard(req, res));

  r.post('/admin/board/memberships', allow('board.manage'), async (req, res) => {
    await submitForm(res, async () => {
      const id = await service.addMembership(db, clock, viewerOf(res)!, parseOr422(membershipSchema, req.body));
      // The voters are accounts of the organisation: chosen on the membership's page, now that it is known.
      res.redirect(303, `/admin/board/memberships/${id}?done=membership`);
    }, (err) => renderBoard(req, res, { membershipValues: keep(req.body, 'organisation_id', 'status', 'from', 'until'), membershipErrors: errorsOf(err) }));
  });

  async function renderMembership(req: Request, res: Response, id: number, extra: Record<string, unknown> = {}) {
    const m = await service.membership(db, id);
    if (!m) throw new NotFound(service.messages.noMembership);
    const values = (extra.values as { status?: string; from?: string; until?: string; principal_user_id?: string; alternates?: string[] } | undefined) ?? {
      status: m.status, from: m.from_date, until: m.until_date ?? '', principal_user_id: m.principal_user_id === null ? '' : String(m.principal_user_id), alternates: m.alternates.map((a) => String(a.id)),
    };
    const users = await service.usersOf(db, m.organisation_id);
    res.render('organisations/admin-membership', {
      title: t(langOf(res), 'organisations:adminMembership.pageTitle', { name: m.organisation_name }),
      membership: m,
      notice: noticeOf(req, res),
      values,
      statuses: statuses(langOf(res), values.status),
      principals: users.map((u) => ({ value: String(u.id), label: userLabel(langOf(res), u), selected: values.principal_user_id === String(u.id) })),
      alternates: users.map((u) => ({ value: String(u.id), label: userLabel(langOf(res), u), checked: (values.alternates ?? []).includes(String(u.id)) })),
      ...extra,
    });
  }

  r.get('/admin/board/memberships/:id', allow('board.manage'), (req, res) => renderMembership(req, res, membershipIdOf(req.params.id)));

  r.post('/admin/board/memberships/:id', allow('board.manage'), async (req, res) => {
    const id = membershipIdOf(req.params.id);
    await submitForm(res, async () => {
      await service.updateMembership(db, clock, viewerOf(res)!, id, parseOr422(membershipUpdateSchema, req.body));
      res.redirect(303, `/admin/board/memberships/${id}?done=membership`);
    }, (err) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      const alternates = (Array.isArray(b.alternates) ? b.alternates : [b.alternates]).filter((x): x is string => typeof x === 'string');
      return renderMembership(req, res, id, { values: { ...keep(req.body, 'status', 'from', 'until', 'principal_user_id'), alternates }, errors: errorsOf(err) });
    });
  });

  r.post('/admin/board/memberships/:id/delete', allow('board.manage'), async (req, res) => {
    const id = membershipIdOf(req.params.id);
    await submitForm(res, async () => {
      await service.deleteMembership(db, clock, viewerOf(res)!, id);
      res.redirect(303, '/admin/board?done=deleted');
    }, (err) => renderMembership(req, res, id, { error: err.message }));
  });

  r.post('/admin/board/chairs', allow('board.manage'), async (req, res) => {
    await submitForm(res, async () => {
      const id = await service.setChair(db, clock, viewerOf(res)!, parseOr422(chairSchema, { ...req.body, representative_user_id: '' }));
      res.redirect(303, `/admin/board/chairs/${id}?done=chair`);
    }, (err) => renderBoard(req, res, { chairValues: keep(req.body, 'organisation_id', 'from', 'until'), chairErrors: errorsOf(err) }));
  });

  async function renderChair(req: Request, res: Response, id: number, extra: Record<string, unknown> = {}) {
    const c = await service.chair(db, id);
    if (!c) throw new NotFound(service.messages.noChair);
    const values = (extra.values as Record<string, string> | undefined) ?? { from: c.from_date, until: c.until_date ?? '', representative_user_id: c.representative_user_id === null ? '' : String(c.representative_user_id) };
    const users = await service.usersOf(db, c.organisation_id);
    res.render('organisations/admin-chair', {
      title: t(langOf(res), 'organisations:adminChair.title', { name: c.organisation_name }),
      chair: c,
      notice: noticeOf(req, res),
      values,
      representatives: users.map((u) => ({ value: String(u.id), label: u.name, selected: values.representative_user_id === String(u.id) })),
      ...extra,
    });
  }

  r.get('/admin/board/chairs/:id', allow('board.manage'), (req, res) => renderChair(req, res, chairIdOf(req.params.id)));

  r.post('/admin/board/chairs/:id', allow('board.manage'), async (req, res) => {
    const id = chairIdOf(req.params.id);
    await submitForm(res, async () => {
      await service.updateChair(db, clock, viewerOf(res)!, id, parseOr422(chairUpdateSchema, req.body));
      res.redirect(303, `/admin/board/chairs/${id}?done=chair`);
    }, (err) => renderChair(req, res, id, { values: keep(req.body, 'from', 'until', 'representative_user_id'), errors: errorsOf(err) }));
  });

  return r;
}
