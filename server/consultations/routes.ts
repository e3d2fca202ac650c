import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps.ts';
import { allow, can, viewerOf } from '../auth/permissions.ts';
import { AppError, Validation } from '../errors.ts';
import { errorsOf, formValues as keep, submitForm } from '../http/forms.ts';
import { parseOr422, pathId } from '../http/validation.ts';
import { t } from '../i18n/index.ts';
import { formatDateTime, formatNumber } from '../i18n/format.ts';
import { localise } from '../i18n/messages.ts';
import { clauseAnchor, clauseLinkWords, renderClauses } from '../versions/render.ts';
import { clauseBands, HEAT_WORDS, heatSvg } from '../pictures/heat.ts';
import { pictureWords } from '../pictures/words.ts';
import { allVersionMetas, draftVersions } from '../versions/repo.ts';
import { draftChoices } from '../drafts/choices.ts';
import { resolveStandard, standardDetail } from '../standards/service.ts';
import { clauseNumber } from '../versions/parse.ts';
import { nestContents } from './contents.ts';
import * as service from './service.ts';
import type { CommentView, ConsultationView } from './service.ts';
import { clauseLabel, MAX_SHEET_ROWS, MAX_SHEET_UNPACKED, TYPE_CODES } from './sheets.ts';
import { MAX_SHEET_BYTES, rowsOfUpload, uploadSheet } from './upload.ts';
import { mb } from '../uploads/zip.ts';
import { csrfFromBody } from '../auth/csrf.ts';
import { matrixQuery, versionParam } from './api.ts';
import { MATRIX_SORTS } from './matrix.ts';
import type { Location } from './anchors.ts';
import { checkChange } from './state.ts';
import { confirmed, renderConfirmation } from '../http/confirm.ts';
import { FEED_LINKS } from '../feeds/links.ts';
import {
  COMMENT_TYPES, DISPOSITIONS, commentCreateSchema, commentPatchSchema, consultationCreateSchema, consultationPatchSchema, matrixFilterOf, matrixSortOf,
} from './validation.ts';
import { langOf } from '../i18n/middleware.ts';

// Server messages stay English (the API's too); pages show them with {{msg}} (locales/<lng>/messages/consultations.json).
const messages = {
  chooseDraft: 'Choose the draft to consult on.',
} as const;

/** Of one's own comments, the consultation page lists the first this many; the matrix has them all. */
const MINE_SHOWN = 50;
// The page's words in the page's language (locales/<lng>/consultations.json); English is the reference.
const typeChoices = (lang: string, selected?: string) => COMMENT_TYPES.map((x) => ({ value: x, label: t(lang, `consultations:types.${x}`), selected: x === selected }));
const dispositionLabel = (lang: string, d: string) => ((DISPOSITIONS as readonly string[]).includes(d) ? t(lang, `consultations:dispositions.${d}`) : d);
const dispositionChoices = (lang: string, selected?: string | null) => DISPOSITIONS.map((d) => ({ value: d, label: dispositionLabel(lang, d), selected: d === selected }));
// Shown to people as on the ballot and account pages: 30 June 2027, 23:59 UTC (in the page's language)
const utc = (lang: string, s: string) => formatDateTime(lang, s);
/** "General" for a comment on the whole draft, else the clause's number (or its name, as written). */
const clauseIn = (lang: string, ref: string | null) => (ref ? clauseLabel(ref) : t(lang, 'consultations:clause.general'));
/** Where a comment's clause is in a later draft, said in the page's language (the API keeps the English note). */
function locationNote(lang: string, l: Location): string {
  if (lang === 'en') return l.note;
  if (l.status === 'general') return t(lang, 'consultations:location.general');
  if (l.removed) return t(lang, 'consultations:location.removed');
  const notes: string[] = [];
  if (l.renumbered) notes.push(t(lang, 'consultations:location.renumbered', { was: l.was_ref, now: l.now_ref }));
  if (l.changed) notes.push(t(lang, 'consultations:location.changed'));
  return notes.length ? notes.join(t(lang, 'consultations:location.separator')) : t(lang, 'consultations:location.unchanged');
}
const stateIn = (lang: string, state: string) => t(lang, 'consultations:state', { context: state });
const idOf = (req: Request) => pathId(req.params.id, service.messages.noConsultation);
const withQuery = (path: string, query: string) => (query ? `${path}?${query}` : path);
const commentIdOf = (req: Request) => pathId(req.params.id, service.messages.noComment);

/** What the views show of a comment. */
function commentModel(c: CommentView, viewer: ReturnType<typeof viewerOf>, open: boolean, lang: string) {
  const own = Boolean(viewer && (c.author_id === viewer.id || c.entered_by === viewer.id));
  return {
    ...c,
    clause_label: clauseIn(lang, c.clause_ref),
    type_code: TYPE_CODES[c.type],
    type_label: t(lang, `consultations:typeNames.${c.type}`),
    disposition_label: c.disposition ? dispositionLabel(lang, c.disposition) : null,
    location_note: c.location ? locationNote(lang, c.location) : null,
    own,
    editable: own && open && !c.withdrawn && !c.disposition,
    submitted: utc(lang, c.submitted_at),
    edited: c.edited_at ? utc(lang, c.edited_at) : null,
  };
}

function consultationModel(c: ConsultationView, viewer: ReturnType<typeof viewerOf>, lang: string) {
  return {
    ...c,
    // a draft's label in the page's language where it has a known form ("Draft Edition 3 for consultation")
    label: localise(lang, c.label),
    opens: utc(lang, c.opens_at),
    closes: utc(lang, c.closes_at),
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
    const all = (await service.listConsultations(ctx, viewer)).map((c) => consultationModel(c, viewer, langOf(res)));
    res.render('consultations/list', {
      title: t(langOf(res), 'consultations:list.title'),
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
    const lang = langOf(res);
    // English as draftChoices words it; another language from its parts
    const choices = draftChoices(drafts, all, chosen).map((d) => (lang === 'en' ? d : { ...d, label: t(lang, d.superseded ? 'consultations:new.draftChoiceSuperseded' : 'consultations:new.draftChoice', { ref: d.ref, n: d.n, label: localise(lang, d.versionLabel) }) }));
    res.render('consultations/new', { title: t(lang, 'consultations:new.title'), values, errors: errors && (errors.ref || errors.n) ? { ...errors, version: errors.ref ?? errors.n } : errors, error, drafts: choices });
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
    const lang = langOf(res);
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
        values: failed ? extra.values : {}, errors: failed ? extra.errors : {}, types: typeChoices(lang, failed ? extra.values?.type : undefined),
      };
    };
    const mineCount = mineFirst?.counts?.matching ?? 0;
    res.render('consultations/page', {
      title: t(lang, 'consultations:page.title', { designation: c.designation, label: localise(lang, c.label) }),
      consultation: consultationModel(c, viewer, lang),
      generalCount: counts.get('') ?? 0,
      contents: nestContents(clauses, (cl) => ({ ref: cl.ref, num: clauseNumber(cl.ref), heading: cl.heading, ...counted(cl) })),
      changes,
      // where the draft is contested, as a strip along its text: each band links to its clause below
      heat: clauses.length ? heatSvg({ id: 'comment-heat', name: `${c.designation} ${localise(lang, c.label)}`, general: counts.get('') ?? 0, bands: clauseBands(clauses, counts, (ref) => `#${clauseAnchor(ref)}`) }, pictureWords(lang, 'heat', HEAT_WORDS)) : null,
      clauses: clauses.map((cl) => ({
        ref: cl.ref,
        label: clauseNumber(cl.ref) || cl.heading,
        // markdown-it with raw HTML off, headings escaped: HTML we produced
        html: renderClauses([cl], clauseLinkWords(lang)),
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
      earlier: earlier.map((e) => ({ id: e.id, label: localise(lang, e.label), state: e.state, stateLabel: stateIn(lang, e.state), link: viewer || e.reportPublic ? `/consultations/${e.id}/comments?version=${c.n}` : null })),
      mine: mine.map((m) => commentModel(m, viewer, open, lang)),
      mineCount,
      // HTML of ours with numbers only in it (a plural needs the count as a number, which {{tHtml}} would make text)
      mineMore: mineFirst?.next ? t(lang, 'consultations:page.mineMore', { count: mineCount, n: formatNumber(lang, mineCount), shown: mine.length, id: c.id }) : null,
      // The CSRF token goes in the form's body (a hidden field), never in this URL: logs and Referer keep URLs.
      uploadAction: `/consultations/${c.id}/comments/sheet`,
      // The blank template and the export (whose rows, uploaded again, update the comments they name).
      sheets: {
        templateCsv: `/api/v1/consultations/${c.id}/template.csv`, templateXlsx: `/api/v1/consultations/${c.id}/template.xlsx`,
        exportCsv: `/api/v1/consultations/${c.id}/comments.csv`, exportXlsx: `/api/v1/consultations/${c.id}/comments.xlsx`, exportDocx: `/api/v1/consultations/${c.id}/comments.docx`,
      },
      sheetLimits: { rows: formatNumber(lang, MAX_SHEET_ROWS), file: mb(MAX_SHEET_BYTES), unpacked: mb(MAX_SHEET_UNPACKED) },
      ...extra,
    });
  }

  r.get('/consultations/:id', allow('public'), async (req, res) => {
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    const lang = langOf(res);
    const [added, updated, unchanged] = (['added', 'updated', 'unchanged'] as const).map((k) => Number(req.query[k]) || 0) as [number, number, number];
    await renderPage(req, res, { notice: done === 'imported' ? t(lang, 'consultations:notices.imported', { count: added, updated, unchanged }) : done === 'changed' ? t(lang, 'consultations:notices.changed') : done === 'opened' ? t(lang, 'consultations:notices.opened') : undefined });
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
      const lang = langOf(res);
      const rowIn = (row: string) => (lang !== 'en' && /^row \d+$/.test(row) ? t(lang, 'consultations:page.sheetRow', { n: row.slice(4) }) : row);
      // a row's problems are joined with "; " (comments.ts importSheet): each is translated by itself
      const problemsIn = (message: string) => (lang === 'en' ? message : message.split('; ').map((p) => localise(lang, p)).join(t(lang, 'consultations:page.sheetProblemSeparator')));
      const sheetErrors = Object.entries(err.fields ?? {}).filter(([k]) => k !== 'sheet').map(([row, message]) => ({ row: rowIn(row), message: problemsIn(message) }));
      return renderPage(req, res, { sheetError: err.message, sheetErrors });
    });
  });

  /** Cancelling cannot be undone: a page says what will happen first (issue 11 item 7). */
  async function confirmCancel(req: Request, res: Response) {
    const c = await service.getConsultation(ctx, viewerOf(res), idOf(req));
    const verdict = checkChange(c, { kind: 'cancel' }, deps.clock.now());
    if (!verdict.ok) throw new AppError(409, 'conflict', verdict.reason);
    const lang = langOf(res);
    const what = { designation: c.designation, label: localise(lang, c.label), opens: utc(lang, c.opens_at), closes: utc(lang, c.closes_at) };
    renderConfirmation(res, {
      title: t(lang, 'consultations:confirmCancel.title', { id: c.id }),
      what: [
        t(lang, c.state === 'scheduled' ? 'consultations:confirmCancel.scheduled' : 'consultations:confirmCancel.open', what),
        t(lang, 'consultations:confirmCancel.received', { count: c.comments }),
      ],
      undo: t(lang, 'consultations:confirmCancel.undo'),
      action: `/consultations/${c.id}/change`,
      fields: { action: 'cancel' },
      button: t(lang, 'consultations:confirmCancel.button'),
      back: { href: `/consultations/${c.id}`, label: t(lang, 'consultations:confirmCancel.back', { id: c.id }) },
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
    const lang = langOf(res);
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
    const count = (n: number | undefined) => formatNumber(lang, n ?? 0);
    const filtered = Object.keys(filter).length > 0;
    // "1,234 comments match these filters; 100 on this page (a later page)."
    const countLine = [
      t(lang, filtered ? 'consultations:matrix.countLineFiltered' : 'consultations:matrix.countLine', { count: counts.matching ?? 0, n: count(counts.matching) }),
      m.next || paging.cursor ? t(lang, 'consultations:matrix.onPage', { shown: m.comments.length }) : '',
      paging.cursor && (m.next || paging.cursor) ? t(lang, 'consultations:matrix.laterPage') : '',
      t(lang, 'consultations:matrix.end'),
    ].join('');
    res.render('consultations/matrix', {
      title: t(lang, report ? 'consultations:matrix.reportTitle' : 'consultations:matrix.title', { designation: c.designation, label: localise(lang, c.label) }),
      report,
      consultation: consultationModel(c, viewer, lang),
      comments: m.comments.map((x) => ({
        ...commentModel(x, viewer, open, lang),
        canDispose: canDispose && !x.withdrawn,
        dispositions: dispositionChoices(lang, at?.failed.id === x.id ? at.failed.values.disposition : x.disposition),
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
      types: typeChoices(lang).map((x) => ({ ...x, count: count(counts.types.get(x.value)), selected: filter.type === x.value })),
      organisations: orgs.map((o) => ({ value: o, count: count(counts.organisations.get(o)), selected: filter.organisation === o })),
      dispositions: [
        { value: 'none', label: t(lang, 'consultations:dispositions.none'), count: count(counts.dispositions.get('none')), selected: filter.disposition === 'none' },
        ...dispositionChoices(lang, filter.disposition).map((d) => ({ ...d, count: count(counts.dispositions.get(d.value)) })),
      ],
      sorts: MATRIX_SORTS.map((s) => ({ value: s, label: t(lang, `consultations:sorts.${s}`), selected: s === sort })),
      countLine,
      pager: Boolean(m.next || paging.cursor),
      nextPage: m.next ? withQuery(here, matrixQuery(filter, sort, { version, limit, cursor: m.next })) : null,
      firstPage: paging.cursor ? withQuery(here, matrixQuery(filter, sort, { version, limit })) : null,
      csv: withQuery(`/api/v1/consultations/${c.id}/comments.csv`, query),
      xlsx: withQuery(`/api/v1/consultations/${c.id}/comments.xlsx`, query),
      docx: withQuery(`/api/v1/consultations/${c.id}/comments.docx`, query),
      draftLink: `${base}/versions/${c.n}`,
      back: withQuery(here, pageQuery),
      notice: req.query.done === 'disposed' ? t(lang, 'consultations:notices.disposed') : undefined,
    });
  }

  r.get('/consultations/:id/comments', allow('comments.read-open'), (req, res) => renderMatrix(req, res, false));
  r.get('/consultations/:id/report', allow('consultation-report.read'), (req, res) => renderMatrix(req, res, true));

  async function renderComment(req: Request, res: Response, extra: { errors?: Record<string, string>; values?: Record<string, string>; dispositionErrors?: Record<string, string>; dispositionValues?: Record<string, string> } = {}) {
    const viewer = viewerOf(res);
    const lang = langOf(res);
    const { comment, consultation } = await service.getComment(ctx, viewer, commentIdOf(req));
    const open = consultation.state === 'open';
    const m = commentModel(comment, viewer, open, lang);
    // The earlier texts are the secretariat's: the record shows the comment as it stands, and that it was edited.
    const revisions = can(viewer, 'comments.read-revisions') && comment.edited_at
      ? (await service.commentRevisions(ctx, viewer!, comment.id)).revisions.map((r) => ({ ...r, clause_label: clauseIn(lang, r.clause_ref), type_code: TYPE_CODES[r.type], type_label: t(lang, `consultations:typeNames.${r.type}`), replaced: utc(lang, r.replaced_at) }))
      : [];
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    const values = extra.values ?? { clause: comment.clause_ref ? clauseLabel(comment.clause_ref) : '', paragraph: comment.paragraph ?? '', comment: comment.comment, proposed_change: comment.proposed_change ?? '', type: comment.type };
    res.render('consultations/comment', {
      title: t(lang, 'consultations:comment.title', { reference: comment.reference }),
      comment: m,
      revisions,
      consultation: consultationModel(consultation, viewer, lang),
      values,
      types: typeChoices(lang, values.type),
      notice: done === 'received' ? t(lang, 'consultations:notices.received', { reference: comment.reference }) : done === 'saved' ? t(lang, 'consultations:notices.saved') : done === 'withdrawn' ? t(lang, 'consultations:notices.withdrawn') : undefined,
      canDispose: can(viewer, 'comments.dispose') && !comment.withdrawn && consultation.state !== 'scheduled',
      dispositions: dispositionChoices(lang, extra.dispositionValues?.disposition ?? comment.disposition),
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
    const lang = langOf(res);
    renderConfirmation(res, {
      title: t(lang, 'consultations:confirmWithdraw.title', { reference: ref }),
      what: [
        t(lang, 'consultations:confirmWithdraw.what', { clause: clauseIn(lang, comment.clause_ref), id: consultation.id, label: localise(lang, consultation.label) }),
        t(lang, 'consultations:confirmWithdraw.record'),
      ],
      undo: t(lang, 'consultations:confirmWithdraw.undo'),
      action: `/comments/${comment.id}/withdraw`,
      button: t(lang, 'consultations:confirmWithdraw.button'),
      back: { href: `/comments/${comment.id}`, label: t(lang, 'consultations:confirmWithdraw.back', { reference: ref }) },
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
