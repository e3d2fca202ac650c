import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps.ts';
import { allow, can, viewerOf } from '../auth/permissions.ts';
import { AppError, Validation } from '../errors.ts';
import { errorsOf, formValues as keep, submitForm } from '../http/forms.ts';
import { parseOr422, pathId } from '../http/validation.ts';
import { longDateTime } from '../time.ts';
import { clauseAnchor, renderClauses } from '../versions/render.ts';
import { clauseBands, heatSvg } from '../pictures/heat.ts';
import { allVersionMetas, draftVersions } from '../versions/repo.ts';
import { draftChoices } from '../drafts/choices.ts';
import { resolveStandard, standardDetail } from '../standards/service.ts';
import { clauseNumber } from '../versions/parse.ts';
import { nestContents } from './contents.ts';
import * as service from './service.ts';
import type { CommentView, ConsultationView } from './service.ts';
import { clauseLabel, DISPOSITION_LABELS, MAX_SHEET_ROWS, MAX_SHEET_UNPACKED, TYPE_CODES } from './sheets.ts';
import { MAX_SHEET_BYTES, rowsOfUpload, uploadSheet } from './upload.ts';
import { mb } from '../uploads/zip.ts';
import { csrfFromBody } from '../auth/csrf.ts';
import { matrixQuery, versionParam } from './api.ts';
import { MATRIX_SORTS, SORT_LABELS } from './matrix.ts';
import { checkChange } from './state.ts';
import { confirmed, renderConfirmation } from '../http/confirm.ts';
import { FEED_LINKS } from '../feeds/links.ts';
import {
  COMMENT_TYPES, DISPOSITIONS, commentCreateSchema, commentPatchSchema, consultationCreateSchema, consultationPatchSchema, matrixFilterOf, matrixSortOf,
} from './validation.ts';

const messages = {
  received: (ref: string) => `Thank you: your comment was received. Its reference is ${ref}.`,
  saved: 'Your changes are saved.',
  withdrawn: 'The comment is withdrawn. It stays in the record, marked withdrawn.',
  disposed: 'The disposition is recorded.',
  chooseDraft: 'Choose the draft to consult on.',
  imported: (added: number, updated: number, unchanged: number) =>
    `The sheet is imported: ${added} comment${added === 1 ? '' : 's'} added, ${updated} updated, ${unchanged} unchanged.`,
  changed: 'The consultation is updated.',
  opened: 'The consultation is set up.',
} as const;

/** Of one's own comments, the consultation page lists the first this many; the matrix has them all. */
const MINE_SHOWN = 50;
const TYPE_LABELS = { general: 'General (ge)', technical: 'Technical (te)', editorial: 'Editorial (ed)' } as const;
const typeChoices = (selected?: string) => COMMENT_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t], selected: t === selected }));
const dispositionChoices = (selected?: string | null) => DISPOSITIONS.map((d) => ({ value: d, label: DISPOSITION_LABELS[d], selected: d === selected }));
// Shown to people as on the ballot and account pages: 30 June 2027, 23:59 UTC
const utc = (s: string) => longDateTime(s);
const idOf = (req: Request) => pathId(req.params.id, service.messages.noConsultation);
const withQuery = (path: string, query: string) => (query ? `${path}?${query}` : path);
const commentIdOf = (req: Request) => pathId(req.params.id, service.messages.noComment);

/** What the views show of a comment. */
function commentModel(c: CommentView, viewer: ReturnType<typeof viewerOf>, open: boolean) {
  const own = Boolean(viewer && (c.author_id === viewer.id || c.entered_by === viewer.id));
  return {
    ...c,
    clause_label: clauseLabel(c.clause_ref),
    type_code: TYPE_CODES[c.type],
    disposition_label: c.disposition ? DISPOSITION_LABELS[c.disposition] : null,
    own,
    editable: own && open && !c.withdrawn && !c.disposition,
    submitted: utc(c.submitted_at),
    edited: c.edited_at ? utc(c.edited_at) : null,
  };
}

function consultationModel(c: ConsultationView, viewer: ReturnType<typeof viewerOf>) {
  return {
    ...c,
    opens: utc(c.opens_at),
    closes: utc(c.closes_at),
    isOpen: c.state === 'open',
    isScheduled: c.state === 'scheduled',
    isClosed: c.state === 'closed',
    isCancelled: c.state === 'cancelled',
    manage: can(viewer, 'consultations.manage') && (c.state === 'open' || c.state === 'scheduled'),
    closesValue: c.closes_at.slice(0, 16),
  };
}

/** HTML pages of consultations (design.md §6): lists, the draft with a form per clause, the matrix, receipts. */
export function consultationsRoutes(deps: Deps): Router {
  const r = Router();
  const ctx: service.Ctx = { db: deps.db, clock: deps.clock, states: deps.states, caches: deps.caches, logger: deps.logger };

  r.get('/consultations', allow('public'), async (_req, res) => {
    const viewer = viewerOf(res);
    const all = (await service.listConsultations(ctx, viewer)).map((c) => consultationModel(c, viewer));
    res.render('consultations/list', {
      title: 'Consultations',
      feeds: [FEED_LINKS.consultations],
      open: all.filter((c) => c.isOpen),
      scheduled: all.filter((c) => c.isScheduled),
      past: all.filter((c) => c.isClosed || c.isCancelled),
      canOpen: can(viewer, 'consultations.manage'),
    });
  });

  // The draft is chosen from a list, newest first, superseded ones marked (issue 11 item 8).
  const renderNew = async (res: Response, values: Record<string, string>, errors?: Record<string, string>, error?: string) => {
    const [drafts, all] = await Promise.all([draftVersions(deps.db), allVersionMetas(deps.db)]);
    const chosen = values.version || (values.ref && values.n ? `${values.ref}|${values.n}` : '');
    res.render('consultations/new', { title: 'Open a consultation', values, errors: errors && (errors.ref || errors.n) ? { ...errors, version: errors.ref ?? errors.n } : errors, error, drafts: draftChoices(drafts, all, chosen) });
  };

  r.get('/consultations/new', allow('consultations.manage'), (req, res) => {
    const q = req.query as Record<string, unknown>;
    return renderNew(res, { ref: typeof q.ref === 'string' ? q.ref : '', n: typeof q.n === 'string' ? q.n : '', opens_at: deps.clock.now().toISOString().slice(0, 16), closes_at: '', instructions: '' });
  });

  r.post('/consultations', allow('consultations.manage'), async (req, res) => {
    const body = keep(req.body);
    const { _csrf: _t, version = '', ...fields } = body;
    // "ref|n" from the list of drafts; ref and n separately still work (links, older clients).
    const [vref, vn] = version ? version.split('|') : [];
    const { ref = vref ?? '', n = vn ?? '', ...rest } = fields;
    await submitForm(res, async () => {
      if (!ref.trim()) throw new Validation(messages.chooseDraft, { version: messages.chooseDraft });
      const c = await service.openConsultation(ctx, viewerOf(res)!, ref.trim(), Number(n), parseOr422(consultationCreateSchema, rest));
      res.redirect(303, `/consultations/${c.id}?done=opened`);
    }, (err) => renderNew(res, body, errorsOf(err)));
  });

  /** The diff of the current edition against this draft, when there is a current edition and the viewer may see both. */
  async function changesAgainstCurrent(c: ConsultationView, viewer: ReturnType<typeof viewerOf>) {
    const detail = standardDetail(await resolveStandard(deps.states, c.standard_ref), viewer, deps.clock.now());
    const current = detail.current;
    if (!current || current.n === c.n || !detail.versions.some((v) => v.n === c.n)) return null;
    return { label: current.edition_label || current.label, href: `/standards/${encodeURIComponent(detail.standard.ref)}/diff/${current.n}..${c.n}` };
  }

  /** The consultation page: instructions, deadline, the draft clause by clause with a count and a form each. */
  async function renderPage(req: Request, res: Response, extra: { errors?: Record<string, string>; values?: Record<string, string>; notice?: string; sheetError?: string; sheetErrors?: Array<{ row: string; message: string }>; changeError?: string; changeValues?: Record<string, string> } = {}) {
    const viewer = viewerOf(res);
    const c = await service.getConsultation(ctx, viewer, idOf(req));
    // Per-clause counts from one grouped query; the viewer's own comments a page of them, with their number
    // (the secretariat may have entered thousands on others' behalf): the rest are in the matrix (?mine=1).
    const [clauses, counts, mineFirst, earlier] = await Promise.all([
      service.draftClauses(ctx, c), service.clauseCounts(ctx, c),
      viewer ? service.matrixPage(ctx, viewer, c.id, { filter: { mine: true }, sort: 'reference', limit: MINE_SHOWN, counts: true }) : null,
      service.earlierConsultations(ctx, viewer, c),
    ]);
    const mine = mineFirst?.comments ?? [];
    const open = c.state === 'open';
    const failedRef = extra.values ? extra.values.clause ?? '' : null;
    const canComment = can(viewer, 'comments.create');
    const onBehalf = can(viewer, 'comments.on-behalf');
    // Who may read the comments reads them in the matrix; the public, once the report is public, in the report.
    const commentsPage = viewer ? 'comments' : c.reportPublic ? 'report' : null;
    const commentsOf = (ref: string) => (commentsPage ? `/consultations/${c.id}/${commentsPage}?clause=${encodeURIComponent(ref)}` : null);
    const counted = (cl: { key: string; ref: string }) => {
      const count = counts.get(cl.key) ?? 0;
      return { count, commentsLink: count ? commentsOf(cl.ref) : null };
    };
    const changes = clauses.length ? await changesAgainstCurrent(c, viewer) : null;
    // One form per clause; the one that failed is open again with the input and the messages.
    const form = (clause: string) => {
      const failed = failedRef === clause;
      return {
        consultationId: c.id, clause, prefix: clause ? `c-${clause}` : 'general', open: failed, onBehalf,
        values: failed ? extra.values : {}, errors: failed ? extra.errors : {}, types: typeChoices(failed ? extra.values?.type : undefined),
      };
    };
    res.render('consultations/page', {
      title: `Consultation on ${c.designation} ${c.label}`,
      consultation: consultationModel(c, viewer),
      generalCount: counts.get('') ?? 0,
      contents: nestContents(clauses, (cl) => ({ ref: cl.ref, num: clauseNumber(cl.ref), heading: cl.heading, ...counted(cl) })),
      changes,
      // where the draft is contested, as a strip along its text: each band links to its clause below
      heat: clauses.length ? heatSvg({ id: 'comment-heat', name: `${c.designation} ${c.label}`, general: counts.get('') ?? 0, bands: clauseBands(clauses, counts, (ref) => `#${clauseAnchor(ref)}`) }) : null,
      clauses: clauses.map((cl) => ({
        ref: cl.ref,
        label: clauseNumber(cl.ref) || cl.heading,
        // markdown-it with raw HTML off, headings escaped: HTML we produced
        html: renderClauses([cl]),
        ...counted(cl),
        form: canComment && open ? form(cl.ref) : null,
      })),
      generalForm: form(''),
      failedForm: failedRef === null ? null : failedRef ? `c-${failedRef}` : 'general',
      open,
      canComment: open && canComment,
      needsSignIn: open && !viewer,
      needsVerify: open && Boolean(viewer) && !canComment,
      canRead: Boolean(viewer) || c.reportPublic,
      earlier: earlier.map((e) => ({ id: e.id, label: e.label, state: e.state, link: viewer || e.reportPublic ? `/consultations/${e.id}/comments?version=${c.n}` : null })),
      mine: mine.map((m) => commentModel(m, viewer, open)),
      mineCount: mineFirst?.counts?.matching ?? 0,
      mineMore: mineFirst?.next ? `/consultations/${c.id}/comments?mine=1` : null,
      // The CSRF token goes in the form's body (a hidden field), never in this URL: logs and Referer keep URLs.
      uploadAction: `/consultations/${c.id}/comments/sheet`,
      // The blank template and the export (whose rows, uploaded again, update the comments they name).
      sheets: {
        templateCsv: `/api/v1/consultations/${c.id}/template.csv`, templateXlsx: `/api/v1/consultations/${c.id}/template.xlsx`,
        exportCsv: `/api/v1/consultations/${c.id}/comments.csv`, exportXlsx: `/api/v1/consultations/${c.id}/comments.xlsx`, exportDocx: `/api/v1/consultations/${c.id}/comments.docx`,
      },
      sheetLimits: { rows: MAX_SHEET_ROWS.toLocaleString('en'), file: mb(MAX_SHEET_BYTES), unpacked: mb(MAX_SHEET_UNPACKED) },
      ...extra,
    });
  }

  r.get('/consultations/:id', allow('public'), async (req, res) => {
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    await renderPage(req, res, { notice: done === 'imported' ? messages.imported(...(['added', 'updated', 'unchanged'] as const).map((k) => Number(req.query[k]) || 0) as [number, number, number]) : done === 'changed' ? messages.changed : done === 'opened' ? messages.opened : undefined });
  });

  r.post('/consultations/:id/comments', allow('comments.create'), async (req, res) => {
    const body = keep(req.body);
    const { _csrf: _t, on_behalf_of = '', on_behalf_name = '', ...fields } = body;
    const input = { ...fields, ...(on_behalf_of.trim() ? { on_behalf_of: { organisation: on_behalf_of, name: on_behalf_name } } : {}) };
    await submitForm(res, async () => {
      const saved = await service.submitComment(ctx, viewerOf(res)!, idOf(req), parseOr422(commentCreateSchema, input));
      res.redirect(303, `/comments/${saved.id}?done=received`);
    }, (err) => renderPage(req, res, { errors: errorsOf(err), values: body }));
  });

  r.post('/consultations/:id/comments/sheet', allow('comments.create'), uploadSheet, csrfFromBody, async (req, res) => {
    await submitForm(res, async () => {
      const rows = await rowsOfUpload(req.file);
      const done = await service.importSheet(ctx, viewerOf(res)!, idOf(req), rows);
      res.redirect(303, `/consultations/${idOf(req)}?done=imported&added=${done.added.length}&updated=${done.updated.length}&unchanged=${done.unchanged}`);
    }, (err) => {
      // A sheet refused (rows that cannot be placed, too many rows, too large once unpacked): the form again, with why.
      // Rows in error are listed by number; a refusal of the whole file is the message itself.
      const sheetErrors = Object.entries(err.fields ?? {}).filter(([k]) => k !== 'sheet').map(([row, message]) => ({ row, message }));
      return renderPage(req, res, { sheetError: err.message, sheetErrors });
    });
  });

  /** Cancelling cannot be undone: a page says what will happen first (issue 11 item 7). */
  async function confirmCancel(req: Request, res: Response) {
    const c = await service.getConsultation(ctx, viewerOf(res), idOf(req));
    const verdict = checkChange(c, { kind: 'cancel' }, deps.clock.now());
    if (!verdict.ok) throw new AppError(409, 'conflict', verdict.reason);
    renderConfirmation(res, {
      title: `Cancel consultation C-${c.id}?`,
      what: [
        c.state === 'scheduled'
          ? `The consultation on ${c.designation} ${c.label}, due to open on ${utc(c.opens_at)}, will not open.`
          : `The consultation on ${c.designation} ${c.label} ends now, before ${utc(c.closes_at)}: it takes no more comments, and the comments received are published as its report.`,
        `The ${c.comments} comment${c.comments === 1 ? '' : 's'} received stay${c.comments === 1 ? 's' : ''} in the record; the draft stays a draft.`,
      ],
      undo: 'This cannot be undone: to consult on the draft again, open a new consultation.',
      action: `/consultations/${c.id}/change`,
      fields: { action: 'cancel' },
      button: 'Cancel the consultation',
      back: { href: `/consultations/${c.id}`, label: `Back to consultation C-${c.id}` },
    });
  }

  r.get('/consultations/:id/cancel/confirm', allow('consultations.manage'), confirmCancel);

  r.post('/consultations/:id/change', allow('consultations.manage'), async (req, res) => {
    const body = keep(req.body);
    if (body.action === 'cancel' && !confirmed(req.body)) return confirmCancel(req, res);
    const patch = body.action === 'close' ? { close: true } : body.action === 'cancel' ? { cancel: true } : { closes_at: body.closes_at };
    await submitForm(res, async () => {
      await service.changeConsultation(ctx, viewerOf(res)!, idOf(req), parseOr422(consultationPatchSchema, patch));
      res.redirect(303, `/consultations/${idOf(req)}?done=changed`);
    }, (err) => renderPage(req, res, { changeError: err.fields?.closes_at ?? err.message, changeValues: body.action === 'extend' ? { closes_at: body.closes_at ?? '' } : undefined }));
  });

  /** The comment matrix (signed-in users; the public report after the close is the same page). */
  type FailedDisposition = { id: number; errors: Record<string, string>; values: Record<string, string> };
  /** `at`: the matrix a refused disposition came from (its consultation and query), shown again with that form open. */
  async function renderMatrix(req: Request, res: Response, report: boolean, at?: { id: number; query: Record<string, string>; failed: FailedDisposition }) {
    const viewer = viewerOf(res);
    const q = at?.query ?? (req.query as Record<string, unknown>);
    const filter = matrixFilterOf(q);
    const sort = matrixSortOf(q);
    const paging = service.pagingOf(q);
    const version = report || at ? undefined : versionParam(req);
    const id = at?.id ?? idOf(req);
    const m = await service.matrixPage(ctx, viewer, id, { filter, sort, version, ...paging, counts: true });
    const c = m.consultation;
    const counts = m.counts!;
    const open = c.state === 'open';
    const canDispose = can(viewer, 'comments.dispose') && c.state !== 'scheduled';
    const orgs = await service.organisations(ctx, c.id);
    // The filters and order as a query, kept by every link of the page: the exports, the next page, the forms' way back.
    const query = matrixQuery(filter, sort);
    const limit = paging.limit;
    const pageQuery = matrixQuery(filter, sort, { version, limit, cursor: paging.cursor });
    const here = `/consultations/${c.id}/${report ? 'report' : 'comments'}`;
    const base = `/standards/${encodeURIComponent(c.standard_ref)}`;
    // The later versions the viewer may see (a draft never put out for consultation is for the Board and the secretariat).
    const visible = standardDetail(await resolveStandard(deps.states, c.standard_ref), viewer, deps.clock.now()).versions;
    const later = visible.filter((v) => v.n > c.n).map((v) => ({ n: v.n, label: v.label }));
    const count = (n: number | undefined) => (n ?? 0).toLocaleString('en');
    const filtered = Object.keys(filter).length > 0;
    res.render('consultations/matrix', {
      title: `${report ? 'Consultation report' : 'Comments'}: ${c.designation} ${c.label}`,
      report,
      consultation: consultationModel(c, viewer),
      comments: m.comments.map((x) => ({
        ...commentModel(x, viewer, open),
        canDispose: canDispose && !x.withdrawn,
        dispositions: dispositionChoices(at?.failed.id === x.id ? at.failed.values.disposition : x.disposition),
        failed: at?.failed.id === x.id ? at.failed : null,
        changeLink: m.mappedTo && x.location?.change_anchor ? `${m.mappedTo.diff}#${x.location.change_anchor}` : null,
      })),
      mappedTo: m.mappedTo,
      laterVersions: later.map((v) => ({ ...v, selected: v.n === m.mappedTo?.n })),
      filter,
      filtered,
      filterClause: filter.clause ?? '',
      filterText: filter.text ?? '',
      canMine: Boolean(viewer),
      limit,
      types: COMMENT_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t], count: count(counts.types.get(t)), selected: filter.type === t })),
      organisations: orgs.map((o) => ({ value: o, count: count(counts.organisations.get(o)), selected: filter.organisation === o })),
      dispositions: [
        { value: 'none', label: 'No disposition yet', count: count(counts.dispositions.get('none')), selected: filter.disposition === 'none' },
        ...dispositionChoices(filter.disposition).map((d) => ({ ...d, count: count(counts.dispositions.get(d.value)) })),
      ],
      sorts: MATRIX_SORTS.map((s) => ({ value: s, label: SORT_LABELS[s], selected: s === sort })),
      countLine: `${count(counts.matching)} comment${counts.matching === 1 ? '' : 's'}${filtered ? ' match these filters' : ''}${m.next || paging.cursor ? `; ${m.comments.length} on this page${paging.cursor ? ' (a later page)' : ''}` : ''}.`,
      pager: Boolean(m.next || paging.cursor),
      nextPage: m.next ? withQuery(here, matrixQuery(filter, sort, { version, limit, cursor: m.next })) : null,
      firstPage: paging.cursor ? withQuery(here, matrixQuery(filter, sort, { version, limit })) : null,
      csv: withQuery(`/api/v1/consultations/${c.id}/comments.csv`, query),
      xlsx: withQuery(`/api/v1/consultations/${c.id}/comments.xlsx`, query),
      docx: withQuery(`/api/v1/consultations/${c.id}/comments.docx`, query),
      draftLink: `${base}/versions/${c.n}`,
      back: withQuery(here, pageQuery),
      notice: req.query.done === 'disposed' ? messages.disposed : undefined,
    });
  }

  r.get('/consultations/:id/comments', allow('comments.read-open'), (req, res) => renderMatrix(req, res, false));
  r.get('/consultations/:id/report', allow('consultation-report.read'), (req, res) => renderMatrix(req, res, true));

  async function renderComment(req: Request, res: Response, extra: { errors?: Record<string, string>; values?: Record<string, string>; dispositionErrors?: Record<string, string>; dispositionValues?: Record<string, string> } = {}) {
    const viewer = viewerOf(res);
    const { comment, consultation } = await service.getComment(ctx, viewer, commentIdOf(req));
    const open = consultation.state === 'open';
    const m = commentModel(comment, viewer, open);
    // The earlier texts are the secretariat's: the record shows the comment as it stands, and that it was edited.
    const revisions = can(viewer, 'comments.read-revisions') && comment.edited_at
      ? (await service.commentRevisions(ctx, viewer!, comment.id)).revisions.map((r) => ({ ...r, clause_label: clauseLabel(r.clause_ref), type_code: TYPE_CODES[r.type], replaced: utc(r.replaced_at) }))
      : [];
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    const values = extra.values ?? { clause: comment.clause_ref ? clauseLabel(comment.clause_ref) : '', paragraph: comment.paragraph ?? '', comment: comment.comment, proposed_change: comment.proposed_change ?? '', type: comment.type };
    res.render('consultations/comment', {
      title: `Comment ${comment.reference}`,
      comment: m,
      revisions,
      consultation: consultationModel(consultation, viewer),
      values,
      types: typeChoices(values.type),
      notice: done === 'received' ? messages.received(comment.reference) : done === 'saved' ? messages.saved : done === 'withdrawn' ? messages.withdrawn : undefined,
      canDispose: can(viewer, 'comments.dispose') && !comment.withdrawn && consultation.state !== 'scheduled',
      dispositions: dispositionChoices(extra.dispositionValues?.disposition ?? comment.disposition),
      ...extra,
    });
  }

  r.get('/comments/:id', allow('consultation-report.read'), (req, res) => renderComment(req, res));

  r.post('/comments/:id', allow('comments.edit-own'), async (req, res) => {
    const body = keep(req.body);
    const { _csrf: _t, ...fields } = body;
    await submitForm(res, async () => {
      await service.editComment(ctx, viewerOf(res)!, commentIdOf(req), parseOr422(commentPatchSchema, fields));
      res.redirect(303, `/comments/${commentIdOf(req)}?done=saved`);
    }, (err) => renderComment(req, res, { errors: errorsOf(err), values: body }));
  });

  r.post('/comments/:id/withdraw', allow('comments.edit-own'), async (req, res) => {
    if (!confirmed(req.body)) return confirmWithdraw(req, res);
    await service.withdrawComment(ctx, viewerOf(res)!, commentIdOf(req));
    res.redirect(303, `/comments/${commentIdOf(req)}?done=withdrawn`);
  });

  /** Withdrawing is final for the author: a page says what happens first (issue 11 item 6). */
  async function confirmWithdraw(req: Request, res: Response) {
    const { comment, consultation } = await service.checkWithdraw(ctx, viewerOf(res)!, commentIdOf(req));
    const ref = service.reference(comment);
    renderConfirmation(res, {
      title: `Withdraw comment ${ref}?`,
      what: [
        `Your comment on ${clauseLabel(comment.clause_ref)} in consultation C-${consultation.id} (${consultation.label}) is withdrawn: the secretariat will not give it a disposition.`,
        'It stays in the record, marked withdrawn, with its text and reference: the consultation report shows it as withdrawn.',
      ],
      undo: 'This cannot be undone: to raise the point again, submit a new comment while the consultation is open.',
      action: `/comments/${comment.id}/withdraw`,
      button: 'Withdraw the comment',
      back: { href: `/comments/${comment.id}`, label: `Back to comment ${ref}` },
    });
  }

  r.post('/comments/:id/disposition', allow('comments.dispose'), async (req, res) => {
    const body = keep(req.body);
    // From the matrix: where to return, after success or with the refused form.
    const back = typeof body.back === 'string' && /^\/consultations\/\d+\/comments(\?[^#]*)?$/.test(body.back) ? body.back : null;
    await submitForm(res, async () => {
      // The form has no preset disposition: posting it without choosing one is a refusal at the field.
      if (!body.disposition) throw new Validation(service.messages.chooseDisposition, { disposition: service.messages.chooseDisposition });
      const saved = await service.editComment(ctx, viewerOf(res)!, commentIdOf(req), parseOr422(commentPatchSchema, { disposition: body.disposition, response: body.response }));
      res.redirect(303, back ? `${back}${back.includes('?') ? '&' : '?'}done=disposed#comment-${saved.id}` : `/comments/${saved.id}?done=saved`);
    }, (err) => {
      const failed = { id: commentIdOf(req), errors: errorsOf(err), values: { disposition: body.disposition ?? '', response: body.response ?? '' } };
      // Refused: the page it came from again, the form filled in and the message at the field.
      if (!back) return renderComment(req, res, { dispositionErrors: failed.errors, dispositionValues: failed.values });
      const url = new URL(back, 'http://x');
      return renderMatrix(req, res, false, { id: Number(url.pathname.split('/')[2]), query: Object.fromEntries(url.searchParams), failed });
    });
  });

  return r;
}
