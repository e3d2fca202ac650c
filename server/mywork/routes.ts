import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import { t } from '../i18n/index.ts';
import { localise } from '../i18n/messages.ts';
import * as service from './service.ts';
import { langOf } from '../i18n/middleware.ts';

/** "My work" (/me), where sign-in lands, and the secretariat's desk (/admin), which is its queue. */
export function myworkRoutes(deps: Deps): Router {
  const r = Router();

  r.get('/me', allow('work.read'), async (_req, res) => {
    const viewer = viewerOf(res)!;
    const lang = langOf(res);
    // What arrived since the last visit is marked "new" this time, and not the next.
    const since = await service.visit(deps.db, deps.clock, viewer);
    const work = await service.myWork(deps, viewer, since, lang);
    // In the page's language: the versions' labels where they have a known form, the dispositions (English shows the stored value).
    const named = <T extends { label: string }>(items: T[]) => items.map((x) => ({ ...x, label: localise(lang, x.label) }));
    const board = work.board && { ...work.board, not_voted: named(work.board.not_voted), outdated: named(work.board.outdated), closing_soon: named(work.board.closing_soon) };
    const commenter = work.commenter && {
      ...work.commenter,
      watched_consultations: named(work.commenter.watched_consultations),
      closing_soon: named(work.commenter.closing_soon),
      comments: work.commenter.comments.map((c) => ({ ...c, label: localise(lang, c.label), disposition_label: c.disposition && lang !== 'en' ? t(lang, `consultations:dispositions.${c.disposition}`) : c.disposition })),
    };
    res.set('Cache-Control', 'no-store').render('mywork/page', { title: t(lang, 'mywork:title'), ...work, board, commenter });
  });

  r.get('/admin', allow('accounts.manage'), async (_req, res) => {
    res.set('Cache-Control', 'no-store').render('admin/index', { title: t(langOf(res), 'admin:desk.heading'), queue: await service.secretariatQueue(deps, viewerOf(res)!, langOf(res)) });
  });

  return r;
}
