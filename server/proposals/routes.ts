import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps.ts';
import { allow, can, viewerOf, type Action } from '../auth/permissions.ts';
import type { AppError } from '../errors.ts';
import { errorsOf, formValues as keep, submitForm } from '../http/forms.ts';
import { parseOr422, pathId } from '../http/validation.ts';
import { confirmed, renderConfirmation } from '../http/confirm.ts';
import { doneNotice } from '../http/done.ts';
import { t } from '../i18n/index.ts';
import { formatDateTime } from '../i18n/format.ts';
import { catalogue } from '../standards/service.ts';
import * as service from './service.ts';
import { POSITIONS, PROPOSAL_KINDS, STATUSES } from './rules.ts';
import { FEED_LINKS } from '../feeds/links.ts';
import { circulateSchema, dropSchema, listQuerySchema, proposalDraftSchema, proposalSchema, respondSchema, steeringGroupSchema } from './validation.ts';
import { langOf } from '../i18n/middleware.ts';

/** What a proposal's page says after an action that landed on it (`?done=`). */
/** What a proposal's page says after an action that landed on it (`?done=`): keys in locales/<lng>/proposals.json. */
export const doneMessages = {
  submitted: 'proposals:notice.submitted',
  edited: 'proposals:notice.edited',
  circulated: 'proposals:notice.circulated',
  responded: 'proposals:notice.responded',
  decided: 'proposals:notice.decided',
  'steering-group': 'proposals:notice.steeringGroup',
  dropped: 'proposals:notice.dropped',
} as const;

const idOf = (s: unknown): number => pathId(s, service.messages.noProposal);

/** The proposal log, the Justification Form and a proposal's page with the Board's and the secretariat's forms. */
export function proposalsRoutes(deps: Deps): Router {
  const r = Router();
  const { db, clock } = deps;

  r.get('/proposals', allow('proposals.read'), async (req, res) => {
    const lang = langOf(res);
    const query = listQuerySchema.parse(req.query ?? {});
    const { proposals, total, years } = await service.listProposals(db, clock, query);
    const choices = <T extends string | number>(all: readonly T[], labels: (v: T) => string, selected: T | undefined) => all.map((v) => ({ value: v, label: labels(v), selected: v === selected }));
    res.render('proposals/log', {
      title: t(lang, 'proposals:log.title'),
      feeds: [FEED_LINKS.proposals],
      proposals,
      total,
      shown: proposals.length,
      filtered: Object.values(query).some((v) => v !== undefined),
      q: query.q ?? '',
      standard: query.standard ?? null,
      statuses: choices(STATUSES, (s) => t(lang, `proposals:status_${s}`), query.status),
      kinds: choices(PROPOSAL_KINDS, (k) => t(lang, `proposals:kind_${k}`), query.kind),
      years: choices(years, String, query.year),
      decisions: choices(['supported', 'not_supported', 'pending'] as const, (d) => t(lang, `proposals:decision_${d}`), query.decision),
      canPropose: can(viewerOf(res), 'proposals.create'),
    });
  });

  // — the Justification Form —

  /** The form's heading and button are keys (proposals:form.…), with the proposal's id for a change. */
  async function renderForm(res: Response, extra: { values: Record<string, string>; errors?: Record<string, string>; action: string; heading: string; button: string; cancel: string; id?: number }) {
    const cat = await catalogue(db, clock);
    const v = extra.values;
    const lang = langOf(res);
    const { id, ...rest } = extra;
    const heading = t(lang, extra.heading, { id });
    res.render('proposals/form', {
      title: heading,
      ...rest,
      heading,
      button: t(lang, extra.button),
      kinds: PROPOSAL_KINDS.map((k) => ({ value: k, label: t(lang, `proposals:kind_${k}`), checked: v.kind === k })),
      standards: cat.standards.filter((s) => !s.withdrawn_on).map((s) => ({ value: s.ref, label: `${s.designation} ${s.title}`, selected: s.ref === v.standard })),
      substantialYes: v.substantial === 'yes' || v.substantial === 'true',
      substantialNo: v.substantial === 'no' || v.substantial === 'false',
    });
  }

  const FIELDS = ['kind', 'standard', 'proposed_number', 'title', 'rationale', 'scope', 'substantial'];

  r.get('/proposals/new', allow('proposals.create'), async (req, res) => {
    const standard = typeof req.query.standard === 'string' ? req.query.standard.slice(0, 64) : '';
    await renderForm(res, { values: standard ? { kind: 'amendment', standard } : {}, action: '/proposals', heading: 'proposals:form.newHeading', button: 'proposals:form.submit', cancel: '/proposals' });
  });

  r.post('/proposals', allow('proposals.create'), async (req, res) => {
    const values = keep(req.body, ...FIELDS);
    await submitForm(res, async () => {
      const id = await service.submitProposal(db, clock, viewerOf(res)!, parseOr422(proposalSchema, req.body));
      res.redirect(303, `/proposals/${id}?done=submitted`);
    }, (err) => renderForm(res, { values, errors: errorsOf(err), action: '/proposals', heading: 'proposals:form.newHeading', button: 'proposals:form.submit', cancel: '/proposals' }));
  });

  // — a proposal —

  async function renderPage(req: Request, res: Response, id: number, extra: Record<string, unknown> = {}) {
    const viewer = viewerOf(res);
    const p = await service.getProposal(db, clock, id, viewer);
    const actions = await service.actionsFor(db, clock, p, viewer);
    const own = actions.respond ? p.responses?.find((x) => x.organisation.id === actions.respond!.id) ?? null : null;
    const respondValues = (extra.respondValues as Record<string, string> | undefined) ?? (own ? { position: own.position, comment: own.comment ?? '' } : {});
    const lang = langOf(res);
    const due = p.response_due_at ? formatDateTime(lang, p.response_due_at) : null;
    const done = doneNotice(doneMessages, req.query.done);
    res.render('proposals/show', {
      title: t(lang, 'proposals:show.pageTitle', { id: p.id, title: p.title }),
      p,
      actions,
      own,
      responses: p.responses ?? null,
      // dates and numbers only: the view prints it as it is
      circulated: p.board && p.circulated_at ? t(lang, p.board.responses_open ? 'proposals:show.board.circulatedOpen' : 'proposals:show.board.circulatedClosed', { on: formatDateTime(lang, p.circulated_at), count: p.board.electorate, due }) : null,
      // who has not answered yet, where the responses are shown
      notResponded: p.responses && p.electorate ? p.electorate.filter((m) => !p.responses!.some((x) => x.organisation.id === m.id)).map((m) => m.name) : [],
      positions: POSITIONS.map((v) => ({ value: v, label: t(lang, `proposals:response_${v}`), checked: respondValues.position === v })),
      respondValues,
      due,
      done: done && t(lang, done),
      circulateValues: {},
      sgValues: { approved_on: clock.now().toISOString().slice(0, 10) },
      dropValues: {},
      ...extra,
    });
  }

  r.get('/proposals/:id', allow('proposals.read'), async (req, res) => {
    await renderPage(req, res, idOf(req.params.id));
  });

  r.get('/proposals/:id/edit', allow('proposals.edit'), async (req, res) => {
    const id = idOf(req.params.id);
    const p = await service.getProposal(db, clock, id, viewerOf(res));
    const actions = await service.actionsFor(db, clock, p, viewerOf(res));
    if (!actions.edit) return res.redirect(303, `/proposals/${id}`);
    const values = { kind: p.kind, standard: p.standard?.ref ?? '', proposed_number: p.proposed_number ?? '', title: p.title, rationale: p.rationale, scope: p.scope, substantial: p.substantial ? 'yes' : 'no' };
    await renderForm(res, { values, action: `/proposals/${id}/edit`, heading: 'proposals:form.editHeading', id, button: 'proposals:form.save', cancel: `/proposals/${id}` });
  });

  r.post('/proposals/:id/edit', allow('proposals.edit'), async (req, res) => {
    const id = idOf(req.params.id);
    const values = keep(req.body, ...FIELDS);
    await submitForm(res, async () => {
      // The whole form comes back: it is checked as a whole, then saved as a change.
      const input = parseOr422(proposalSchema, req.body);
      await service.updateProposal(db, clock, viewerOf(res)!, id, input);
      res.redirect(303, `/proposals/${id}?done=edited`);
    }, (err) => renderForm(res, { values, errors: errorsOf(err), action: `/proposals/${id}/edit`, heading: 'proposals:form.editHeading', id, button: 'proposals:form.save', cancel: `/proposals/${id}` }));
  });

  /** A form on the proposal page: on a refusal the page comes back with the message at that form and the input kept. */
  function pageForm(path: string, action: Action, form: string, run: (req: Request, res: Response, id: number) => Promise<string | void>, keepFields: string[] = []) {
    r.post(`/proposals/:id/${path}`, allow(action), async (req, res) => {
      const id = idOf(req.params.id);
      const values = keep(req.body, ...keepFields);
      await submitForm(res, async () => {
        const done = await run(req, res, id);
        if (done) res.redirect(303, `/proposals/${id}?done=${done}#${form}`);
      }, (err: AppError) => renderPage(req, res, id, { [`${form}Values`]: values, [`${form}Errors`]: errorsOf(err), formFailed: form }));
    });
  }

  pageForm('circulate', 'proposals.manage', 'circulate', async (req, res, id) => {
    await service.circulateProposal(db, clock, deps.config.proposalSupportPercent, viewerOf(res)!, id, parseOr422(circulateSchema, req.body));
    return 'circulated';
  }, ['response_due_at']);

  pageForm('response', 'proposals.respond', 'respond', async (req, res, id) => {
    await service.respond(db, clock, viewerOf(res)!, id, parseOr422(respondSchema, req.body));
    return 'responded';
  }, ['position', 'comment']);

  pageForm('decision', 'proposals.manage', 'decide', async (_req, res, id) => {
    await service.decideProposal(db, clock, viewerOf(res)!, id);
    return 'decided';
  });

  pageForm('steering-group', 'proposals.manage', 'sg', async (req, res, id) => {
    await service.approveBySteeringGroup(db, clock, viewerOf(res)!, id, parseOr422(steeringGroupSchema, req.body));
    return 'steering-group';
  }, ['approved_on']);

  pageForm('drop', 'proposals.manage', 'drop', async (req, res, id) => {
    const input = parseOr422(dropSchema, req.body);
    // Dropping cannot be undone: the form leads to a page that says what will happen (issue 11 item 7).
    if (!confirmed(req.body)) {
      const p = await service.checkDrop(db, id);
      const lang = langOf(res);
      renderConfirmation(res, {
        title: t(lang, 'proposals:confirm.title', { id }),
        what: [t(lang, 'proposals:confirm.what', { id, title: p.title }), t(lang, 'proposals:confirm.stays')],
        undo: t(lang, 'proposals:confirm.undo'),
        action: `/proposals/${id}/drop`,
        fields: { reason: input.reason },
        button: t(lang, 'proposals:confirm.button', { id }),
        back: { href: `/proposals/${id}`, label: t(lang, 'proposals:confirm.back', { id }) },
      });
      return;
    }
    await service.dropProposal(db, clock, viewerOf(res)!, id, input);
    return 'dropped';
  }, ['reason']);

  // — a draft from the proposal —

  async function renderDraft(res: Response, id: number, extra: { values?: Record<string, string>; errors?: Record<string, string> } = {}) {
    const start = await service.draftStart(db, clock, id);
    const values = { text: start.text, number: start.number, title: start.title, ...extra.values };
    res.render('proposals/draft', {
      title: t(langOf(res), 'proposals:draft.pageTitle', { id }),
      p: { id, title: start.proposal.title, kind: start.proposal.kind },
      standard: start.standard,
      newStandard: !start.standard,
      docType: start.type,
      basedOn: start.basedOn,
      values,
      errors: extra.errors,
    });
  }

  r.get('/proposals/:id/draft', allow('proposals.manage'), async (req, res) => {
    const id = idOf(req.params.id);
    // No form that cannot be sent: the proposal's page says where it stands.
    const p = await service.getProposal(db, clock, id, viewerOf(res));
    if (!(await service.actionsFor(db, clock, p, viewerOf(res))).draft) return res.redirect(303, `/proposals/${id}`);
    await renderDraft(res, id);
  });

  r.post('/proposals/:id/draft', allow('proposals.manage'), async (req, res) => {
    const id = idOf(req.params.id);
    const values = keep(req.body, 'text', 'label', 'number', 'title');
    await submitForm(res, async () => {
      const saved = await service.createDraftFromProposal(db, clock, viewerOf(res)!, id, parseOr422(proposalDraftSchema, req.body));
      // The standard's admin page, with the next steps for the new draft (as after any draft).
      res.redirect(303, `/admin/standards/${encodeURIComponent(saved.ref)}?done=draft&n=${saved.n}`);
    }, (err) => renderDraft(res, id, { values, errors: errorsOf(err) }));
  });

  return r;
}
