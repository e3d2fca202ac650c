import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { allow } from '../auth/permissions.ts';
import { utcDay } from '../clock.ts';
import { allConsultations, allStandards } from '../standards/repo.ts';
import { allVersionMetas } from '../versions/repo.ts';
import { consultationState } from '../consultations/state.ts';
import { designation } from '../standards/refs.ts';
import { viewerOf } from '../auth/permissions.ts';
import { lastVisit, myWork, summary } from '../mywork/service.ts';
import { t } from '../i18n/index.ts';
import { langOf } from '../i18n/middleware.ts';

export function homeRoutes(deps: Deps): Router {
  const r = Router();
  r.get('/', allow('public'), async (_req, res) => {
    const viewer = viewerOf(res);
    // A signed-in reader's first section: what waits for them, counted, with the way to "My work".
    const lang = langOf(res);
    const work = viewer ? summary(await myWork(deps, viewer, await lastVisit(deps.db, viewer), lang), lang) : null;
    const now = deps.clock.now();
    const today = utcDay(now);
    const [standards, versions, consultations] = await Promise.all([allStandards(deps.db), allVersionMetas(deps.db), allConsultations(deps.db)]);
    const byId = new Map(standards.map((s) => [s.id, s]));
    const versionById = new Map(versions.map((v) => [v.id, v]));
    const named = (standardId: number) => {
      const s = byId.get(standardId)!;
      return { ref: s.ref, designation: designation(s.type, s.number), title: s.title };
    };
    const recent = versions
      .filter((v) => v.state === 'published' && v.published_at)
      .sort((a, b) => b.published_at!.localeCompare(a.published_at!))
      .slice(0, 5)
      .map((v) => ({ ...v, standard: named(v.standard_id), upcoming: v.in_force_from! > today }));
    const open = consultations
      .filter((c) => consultationState(c, now) === 'open')
      .map((c) => {
        const v = versionById.get(c.version_id)!;
        return { ...c, n: v.n, label: v.label, standard: named(v.standard_id) };
      });
    res.render('home', { title: t(langOf(res), 'home:title'), recent, open, count: standards.length, work });
  });
  return r;
}
