import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import { BadRequest } from '../errors.ts';
import * as standards from '../standards/service.ts';
import { pair, type DiffCache } from './service.ts';
import { changeAnchor } from './summary.ts';
import { clausesOf } from '../versions/repo.ts';
import { countsByClause } from '../consultations/repo.ts';
import { clauseBands, HEAT_WORDS, heatSvg } from '../pictures/heat.ts';
import { pictureWords } from '../pictures/words.ts';
import { t } from '../i18n/index.ts';
import { localise } from '../i18n/messages.ts';
import { langOf } from '../i18n/middleware.ts';

/** /standards/{ref}/diff/{a}..{b}: what changed, inline or side by side, unchanged clauses folded. */
export function diffRoutes(deps: Deps, cache: DiffCache): Router {
  const r = Router();

  // The picker on the history page submits here (GET, no JavaScript).
  r.get('/standards/:ref/diff', allow('public'), async (req, res) => {
    const from = typeof req.query.from === 'string' ? req.query.from : '';
    const to = typeof req.query.to === 'string' ? req.query.to : '';
    if (!from || !to) throw new BadRequest('Pick the two versions to compare.');
    const snap = await standards.resolveStandard(deps.states, String(req.params.ref));
    res.redirect(303, `/standards/${encodeURIComponent(snap.standard.ref)}/diff/${encodeURIComponent(from)}..${encodeURIComponent(to)}`);
  });

  r.get('/standards/:ref/diff/:range', allow('public'), async (req, res) => {
    const m = /^([^.]+)\.\.([^.]+)$/.exec(String(req.params.range));
    if (!m) throw new BadRequest('Compare two versions as /standards/07.11/diff/1..3 (numbers or "current").');
    const found = await standards.findStandard(deps.states, String(req.params.ref));
    if ('redirect' in found) return res.redirect(301, `/standards/${encodeURIComponent(found.redirect)}/diff/${req.params.range}`);
    const detail = standards.standardDetail(found.snapshot, viewerOf(res), deps.clock.now());
    const { from, to } = pair(detail, m[1]!, m[2]!);
    const view = req.query.view === 'side-by-side' ? 'side-by-side' : 'inline';
    const changesOnly = req.query.changes !== 'all';
    const lng = langOf(res);
    const { diff, summary, body } = await cache.html(deps.db, from.id, to.id, { view, changesOnly }, lng);
    const base = `/standards/${encodeURIComponent(detail.standard.ref)}/diff/${m[1]}..${m[2]}`;
    // Where the newer side was contested: its consultation's comments per clause, each band a link to the clause's entry below.
    const c = to.consultation;
    let heat: string | null = null;
    if (c && c.state !== 'scheduled' && !(c.cancelled_at && c.cancelled_at <= c.opens_at)) {
      const [clauses, counts] = await Promise.all([clausesOf(deps.db, to.id), countsByClause(deps.db, c.id)]);
      const words = pictureWords(lng, 'heat', HEAT_WORDS);
      heat = heatSvg({ id: 'comment-heat', name: words('name', { designation: detail.standard.designation, label: localise(lng, to.label), id: c.id }), general: counts.get('') ?? 0, bands: clauseBands(clauses, counts, (ref) => `#${changeAnchor({ from_ref: null, to_ref: ref })}`) }, words);
    }
    res.render('diff/page', {
      title: `${detail.standard.designation}: ${localise(lng, from.label)} → ${localise(lng, to.label)}`,
      ...detail,
      from,
      to,
      isDraft: from.state !== 'published' || to.state !== 'published',
      summaryHtml: summary,
      bodyHtml: body,
      counts: diff.summary,
      heat,
      heatConsultation: heat ? c!.id : null,
      views: [
        { label: t(lng, 'diff:views.inline'), href: `${base}?view=inline${changesOnly ? '' : '&changes=all'}`, current: view === 'inline' },
        { label: t(lng, 'diff:views.sideBySide'), href: `${base}?view=side-by-side${changesOnly ? '' : '&changes=all'}`, current: view === 'side-by-side' },
      ],
      scopes: [
        { label: t(lng, 'diff:views.changesOnly'), href: `${base}?view=${view}`, current: changesOnly },
        { label: t(lng, 'diff:views.wholeText'), href: `${base}?view=${view}&changes=all`, current: !changesOnly },
      ],
      // the same comparison in Word, with the changes as tracked changes (server/word/)
      docx: `${base}.docx`,
      reverse: `/standards/${encodeURIComponent(detail.standard.ref)}/diff/${m[2]}..${m[1]}?view=${view}`,
      choices: detail.versions.map((v) => ({ n: v.n, label: v.label, edition: v.edition, amendment: v.amendment, state: v.state, fromSelected: v.id === from.id, toSelected: v.id === to.id })),
    });
  });

  return r;
}
