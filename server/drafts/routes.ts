import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import { AppError, Validation } from '../errors.ts';
import { designation, STANDARD_TYPES } from '../standards/refs.ts';
import { t } from '../i18n/index.ts';
import { formatDate } from '../i18n/format.ts';
import { localise } from '../i18n/messages.ts';
import { confirmed, renderConfirmation } from '../http/confirm.ts';
import { catalogue, resolveStandard, standardDetail } from '../standards/service.ts';
import { errorsOf, formValues as keep, submitForm } from '../http/forms.ts';
import { parseOr422 } from '../http/validation.ts';
import type { ParseProblem } from '../versions/parse.ts';
import * as service from './service.ts';
import { textOfUpload, uploadOne } from './upload.ts';
import { csrfFromBody } from '../auth/csrf.ts';
import { draftSchema, standardSchema, withdrawSchema, type DraftInput } from './validation.ts';
import { langOf } from '../i18n/middleware.ts';

// Server messages stay English; the pages' words are in locales/<lng>/drafts.json.
export const messages = {
  noText: 'Paste the text, or choose a .md or .docx file.',
} as const;


type Detail = ReturnType<typeof standardDetail>;

/** What the secretariat usually does next with a draft just saved: read it, compare it, consult or ballot on it. */
export function nextSteps(detail: Detail, n: number, lang = 'en'): { href: string; label: string }[] {
  const ref = encodeURIComponent(detail.standard.ref);
  const v = detail.versions.find((x) => x.n === n);
  if (!v) return [];
  const steps = [{ href: `/standards/${ref}/versions/${n}`, label: t(lang, 'drafts:steps.read', { n }) }];
  // Against the edition in force if there is one, else against the version it is based on.
  const against = detail.current && detail.current.n !== n
    ? { n: detail.current.n, label: t(lang, 'drafts:steps.compareCurrent', { label: localise(lang, detail.current.label) }) }
    : v.based_on_n ? { n: v.based_on_n, label: t(lang, 'drafts:steps.compareVersion', { n: v.based_on_n }) } : null;
  if (against) steps.push({ href: `/standards/${ref}/diff/${against.n}..${n}`, label: against.label });
  steps.push(
    { href: `/consultations/new?ref=${ref}&n=${n}`, label: t(lang, 'drafts:steps.consult') },
    { href: `/ballots/new?ref=${ref}&n=${n}`, label: t(lang, 'drafts:steps.ballot') },
  );
  return steps;
}

/** Lines around each problem, numbered, for the preview: the problem shown at its line. */
export function problemExcerpts(text: string, problems: ParseProblem[], around = 2) {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const byLine = new Map<number, string[]>();
  for (const p of problems) byLine.set(p.line, [...(byLine.get(p.line) ?? []), p.message]);
  const excerpts: { lines: { no: number; text: string; messages: string[] | null }[] }[] = [];
  let last = 0;
  for (const line of [...byLine.keys()].sort((a, b) => a - b)) {
    const from = Math.max(1, line - around);
    const to = Math.min(lines.length, line + around);
    const start = Math.max(from, last + 1);
    // Windows that touch are one excerpt.
    const target = excerpts.length && start <= last + 1 ? excerpts[excerpts.length - 1]! : (excerpts.push({ lines: [] }), excerpts[excerpts.length - 1]!);
    for (let no = start; no <= to; no++) target.lines.push({ no, text: lines[no - 1] ?? '', messages: byLine.get(no) ?? null });
    last = Math.max(last, to);
  }
  return excerpts;
}

/** The secretariat's pages: the catalogue admin, a standard's admin page, new drafts with a preview. */
export function draftsRoutes(deps: Deps): Router {
  const r = Router();
  const { db, clock } = deps;

  async function renderList(res: Response, extra: Record<string, unknown> = {}) {
    const cat = await catalogue(db, clock);
    const lang = langOf(res);
    const standards = lang === 'en' ? cat.standards : cat.standards.map((x) => (x.current ? { ...x, current: { ...x.current, label: localise(lang, x.current.label) } } : x));
    res.render('drafts/standards', { title: t(lang, 'drafts:list.title'), standards, types: STANDARD_TYPES, values: { type: 'IMAS' }, ...extra });
  }

  r.get('/admin/standards', allow('standards.manage'), (_req, res) => renderList(res));

  r.post('/admin/standards', allow('standards.manage'), async (req, res) => {
    const values = keep(req.body, 'type', 'number', 'title');
    await submitForm(res, async () => {
      const s = await service.addStandard(db, clock, viewerOf(res)!, parseOr422(standardSchema, req.body));
      res.redirect(303, `/admin/standards/${encodeURIComponent(s.ref)}?done=added`);
    }, (err) => renderList(res, { values, errors: err.status === 409 ? { number: err.message } : errorsOf(err) }));
  });

  async function renderStandard(req: Request, res: Response, extra: Record<string, unknown> = {}) {
    const detail = standardDetail(await resolveStandard(deps.states, String(req.params.ref)), viewerOf(res), clock.now());
    const done = req.query.done;
    const savedN = done === 'draft' && typeof req.query.n === 'string' && /^\d+$/.test(req.query.n) ? Number(req.query.n) : null;
    const saved = savedN === null ? undefined : detail.versions.find((v) => v.n === savedN);
    const lang = langOf(res);
    const d = detail.standard.designation;
    res.render('drafts/standard', {
      title: t(lang, 'drafts:standard.title', { designation: d }),
      ...detail,
      versionsNewestFirst: [...detail.versions].reverse().map((v) => (lang === 'en' ? v : { ...v, label: localise(lang, v.label) })),
      notice: done === 'added' ? t(lang, 'drafts:standard.added', { designation: d }) : done === 'withdrawn' ? t(lang, 'drafts:standard.withdrawnNotice', { designation: d }) : null,
      saved: saved ? { message: t(lang, 'drafts:standard.saved', { designation: d, n: saved.n, label: localise(lang, saved.label) }), steps: nextSteps(detail, saved.n, lang) } : null,
      withdrawValues: { date: detail.day },
      ...extra,
    });
  }

  r.get('/admin/standards/:ref', allow('standards.manage'), (req, res) => renderStandard(req, res));

  r.post('/admin/standards/:ref/withdraw', allow('standards.manage'), async (req, res) => {
    const withdrawValues = keep(req.body, 'date', 'replaced_by');
    await submitForm(res, async () => {
      const input = parseOr422(withdrawSchema, req.body);
      // Withdrawal cannot be undone: the form leads to a page that says what will happen (issue 11 item 7).
      if (!confirmed(req.body)) {
        const { standard, replacement } = await service.checkWithdrawal(db, String(req.params.ref), input);
        const d = designation(standard.type, standard.number);
        const back = `/admin/standards/${encodeURIComponent(standard.ref)}`;
        const lang = langOf(res);
        const what = { designation: d, title: standard.title, date: formatDate(lang, input.date), replacement: replacement ? `${designation(replacement.type, replacement.number)} ${replacement.title}` : '' };
        return renderConfirmation(res, {
          title: t(lang, 'drafts:confirmWithdraw.title', { designation: d }),
          what: [
            t(lang, replacement ? 'drafts:confirmWithdraw.whatReplaced' : 'drafts:confirmWithdraw.what', what),
            t(lang, replacement ? 'drafts:confirmWithdraw.afterReplaced' : 'drafts:confirmWithdraw.after'),
          ],
          undo: t(lang, 'drafts:confirmWithdraw.undo'),
          action: `${back}/withdraw`,
          fields: { date: input.date, replaced_by: input.replaced_by ?? '' },
          button: t(lang, 'drafts:confirmWithdraw.button', { designation: d }),
          back: { href: back, label: t(lang, 'drafts:confirmWithdraw.back', { designation: d }) },
        });
      }
      const s = await service.withdrawStandard(db, clock, viewerOf(res)!, String(req.params.ref), input);
      res.redirect(303, `/admin/standards/${encodeURIComponent(s.ref)}?done=withdrawn`);
    }, (err) => renderStandard(req, res, { withdrawValues, withdrawErrors: err.fields ?? {}, withdrawError: err.fields ? undefined : err.message }));
  });

  // — new drafts: form → preview (nothing saved) → save —

  async function renderDraft(req: Request, res: Response, extra: Record<string, unknown> & { values?: Record<string, unknown> } = {}) {
    const detail = standardDetail(await resolveStandard(deps.states, String(req.params.ref)), viewerOf(res), clock.now());
    const latest = detail.versions.at(-1);
    const values = { based_on: latest ? String(latest.n) : 'none', ...extra.values };
    const lang = langOf(res);
    res.render('drafts/new', {
      title: t(lang, 'drafts:new.title', { designation: detail.standard.designation }),
      standard: detail.standard,
      // A 413 or 422 from the upload carries the field it is about.
      baseChoices: [
        ...[...detail.versions].reverse().map((v) => ({ value: String(v.n), label: `${v.n}: ${localise(lang, v.label)}`, selected: String(v.n) === String(values.based_on) })),
        { value: 'none', label: t(lang, 'drafts:new.baseNone'), selected: values.based_on === 'none' },
      ],
      ...extra,
      values,
    });
  }

  r.get('/admin/standards/:ref/drafts/new', allow('drafts.create'), async (req, res) => {
    // A new draft starts from the text of the version it is based on (?based_on=N, by default the latest).
    const q = req.query.based_on;
    const base = await service.baseText(db, String(req.params.ref), q === 'none' ? null : typeof q === 'string' && /^\d+$/.test(q) ? Number(q) : undefined);
    await renderDraft(req, res, { values: { based_on: base ? String(base.n) : 'none', text: base?.text ?? '' } });
  });

  r.post('/admin/standards/:ref/drafts/preview', allow('drafts.create'), uploadOne, csrfFromBody, async (req, res) => {
    const values: Record<string, unknown> = keep(req.body, 'text', 'label', 'based_on');
    let notes: string[] = [];
    let input: DraftInput | undefined;
    await submitForm(res, async () => {
      const upload = await textOfUpload(req.file);
      if (upload) {
        values.text = upload.text;
        notes = upload.notes;
        values.filename = upload.filename;
      }
      if (!String(values.text ?? '').trim()) throw new Validation(messages.noText, { text: messages.noText });
      input = parseOr422(draftSchema, values);
    }, (err) => renderDraft(req, res, { values, errors: err.fields ?? { file: err.message } }));
    if (input) await renderPreview(req, res, input, values, notes);
  });

  async function renderPreview(req: Request, res: Response, input: ReturnType<typeof draftSchema.parse>, values: Record<string, unknown>, notes: string[] = [], saveError?: AppError) {
    let preview: service.DraftPreview | undefined;
    await submitForm(res, async () => {
      preview = await service.previewDraft(db, String(req.params.ref), input);
    }, (err) => renderDraft(req, res, { values, errors: errorsOf(err) }));
    if (!preview) return;
    const ok = !preview.problems.length && !saveError;
    res.status(ok ? 200 : saveError?.status ?? 422);
    await renderDraft(req, res, {
      values,
      notes,
      preview: {
        ...preview,
        ok,
        excerpts: problemExcerpts(input.text, preview.problems),
        basedOnLabel: preview.basedOn ? `${preview.basedOn.n}: ${localise(langOf(res), preview.basedOn.label)}` : null,
      },
      errors: saveError?.fields,
      saveError: saveError?.message,
    });
  }

  r.post('/admin/standards/:ref/drafts', allow('drafts.create'), async (req, res) => {
    const values: Record<string, unknown> = keep(req.body, 'text', 'label', 'based_on');
    let input: DraftInput | undefined;
    await submitForm(res, async () => {
      input = parseOr422(draftSchema, values);
      const saved = await service.createDraft(db, clock, viewerOf(res)!, String(req.params.ref), input);
      // The standard's page, with the next steps for the new draft (issue 11 item 8).
      res.redirect(303, `/admin/standards/${encodeURIComponent(saved.standard.ref)}?done=draft&n=${saved.n}`);
    }, (err) =>
      // The text is checked again here: it came back from the browser and may have been changed.
      input ? renderPreview(req, res, input, values, [], err) : renderDraft(req, res, { values, errors: errorsOf(err) }));
  });

  return r;
}
