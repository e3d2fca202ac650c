import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import { BadRequest } from '../errors.ts';
import { clauseAnchor } from '../versions/render.ts';
import { fieldsOf } from '../http/validation.ts';
import * as standards from '../standards/service.ts';
import type { StandardDetail } from '../standards/service.ts';
import { sendExport } from '../consultations/api.ts';
import { buildRegister, type RequirementsCache } from './service.ts';
import { checklistCsv, checklistFilename, checklistXlsx, ENGLISH_CHECKLIST, type ChecklistWords } from './sheets.ts';
import { queryFields, registerQuerySchema } from './validation.ts';
import { VERB_FAMILIES } from './extract.ts';
import { t } from '../i18n/index.ts';
import { localise } from '../i18n/messages.ts';
import { langOf } from '../i18n/middleware.ts';

const messages = {
  fields: 'Some filters need attention.',
} as const;

/** /standards/{ref}/requirements: the register as a page (GET form, no JavaScript) and as a checklist. */
/** The checklist's words in `lang` (locales/<lng>/requirements.json `checklistFile`); English as sheets.ts writes it. */
function checklistWords(lang: string): ChecklistWords {
  if (lang === 'en') return ENGLISH_CHECKLIST;
  const c = (key: string, values?: Record<string, unknown>) => t(lang, `requirements:checklistFile.${key}`, values);
  return {
    columns: ['id', 'clause', 'heading', 'verb', 'kind', 'requirement', 'comply'].map((k) => c(`columns.${k}`)),
    sinceColumns: [c('columns.since'), c('columns.previousId')],
    kind: (k) => c(`kinds.${k}`),
    status: (s) => t(lang, `requirements:status.${s}`),
    sheet: c('sheet'),
    title: (meta) => c('title', { designation: meta.designation, title: meta.title, label: meta.versionLabel }),
  };
}

export function requirementsRoutes(deps: Deps, cache: RequirementsCache): Router {
  const r = Router();

  async function detailFor(req: Request, res: Response, rest: string): Promise<StandardDetail | null> {
    const found = await standards.findStandard(deps.states, String(req.params.ref));
    if ('redirect' in found) {
      const qs = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
      res.redirect(301, `/standards/${encodeURIComponent(found.redirect)}${rest}${qs}`);
      return null;
    }
    return standards.standardDetail(found.snapshot, viewerOf(res), deps.clock.now());
  }

  r.get('/standards/:ref/requirements', allow('public'), async (req, res) => {
    const detail = await detailFor(req, res, '/requirements');
    if (!detail) return;
    const form = queryFields(req.query as Record<string, unknown>);
    const parsed = registerQuerySchema.safeParse(form);
    const base = `/standards/${encodeURIComponent(detail.standard.ref)}/requirements`;
    const page = (extra: object) => ({
      title: t(langOf(res), 'requirements:pageTitle', { designation: detail.standard.designation }),
      ...detail,
      isRequirementsPage: true,
      form,
      verbs: VERB_FAMILIES.map((v) => ({ value: v, selected: form.verb === v })),
      versionChoices: detail.versions.map((v) => ({ n: v.n, label: v.label, state: v.state, selected: String(v.n) === form.version })),
      sinceChoices: detail.versions.map((v) => ({ n: v.n, label: v.label, state: v.state, selected: String(v.n) === form.since })),
      ...extra,
    });
    if (!parsed.success) {
      res.status(400);
      return res.render('requirements/page', page({ error: messages.fields, fields: fieldsOf(parsed.error) }));
    }
    let reg;
    try {
      reg = await buildRegister(deps.db, cache, detail, parsed.data);
    } catch (e) {
      if (!(e instanceof BadRequest)) throw e;
      res.status(400);
      return res.render('requirements/page', page({ error: e.message, fields: e.fields ?? {} }));
    }
    const qs = new URLSearchParams(Object.entries(form).filter(([, v]) => v.trim() !== '')).toString();
    const versionPath = (n: number) => `/standards/${encodeURIComponent(detail.standard.ref)}/versions/${n}`;
    res.render('requirements/page', page({
      reg,
      version: reg.version,
      rows: reg.entries.map((e) => ({ ...e, href: `${versionPath(reg.version.n)}#${clauseAnchor(e.clause_ref)}`, isNew: e.status === 'new', isChanged: e.status === 'changed' })),
      // the usual question: what changed in this version, against the one it was based on
      sincePrevious: !reg.since && reg.version.based_on_n ? `${base}?${new URLSearchParams({ ...(form.version ? { version: form.version } : {}), since: String(reg.version.based_on_n) })}` : null,
      removed: reg.removed.map((e) => ({ ...e, href: `${versionPath(reg.since!.n)}#${clauseAnchor(e.clause_ref)}` })),
      filtered: Boolean(form.verb || form.clause || form.q),
      csvHref: `${base}.csv${qs ? `?${qs}` : ''}`,
      xlsxHref: `${base}.xlsx${qs ? `?${qs}` : ''}`,
      apiHref: `/api/v1${base}${qs ? `?${qs}` : ''}`,
    }));
  });

  for (const ext of ['csv', 'xlsx'] as const) {
    r.get(`/standards/:ref/requirements.${ext}`, allow('public'), async (req, res) => {
      const detail = await detailFor(req, res, `/requirements.${ext}`);
      if (!detail) return;
      const parsed = registerQuerySchema.safeParse(queryFields(req.query as Record<string, unknown>));
      if (!parsed.success) throw new BadRequest(messages.fields, fieldsOf(parsed.error));
      const reg = await buildRegister(deps.db, cache, detail, parsed.data);
      const label = reg.version.edition_label || reg.version.label;
      // the file name stays as it was (ASCII, from the English label); the contents are in the reader's language
      const filename = checklistFilename(detail.standard.designation, label, ext);
      const lang = langOf(res);
      const words = checklistWords(lang);
      if (ext === 'csv') return sendExport(res, filename, 'text/csv; charset=utf-8', checklistCsv(reg, words));
      const meta = { designation: detail.standard.designation, title: detail.standard.title, versionLabel: localise(lang, label), sinceLabel: reg.since ? localise(lang, reg.since.label) : null };
      sendExport(res, filename, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', await checklistXlsx(reg, meta, words));
    });
  }

  return r;
}
