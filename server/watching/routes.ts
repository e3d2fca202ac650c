import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import { safeReturnPath } from '../auth/middleware.ts';
import { errorsOf, formValues, submitForm } from '../http/forms.ts';
import { parseOr422, pathId } from '../http/validation.ts';
import { doneNotice } from '../http/done.ts';
import * as service from './service.ts';
import { watchSchema } from './validation.ts';
import { t } from '../i18n/index.ts';
import { langOf } from '../i18n/middleware.ts';

/** What the page says after an action (`?done=`), in the reader's language. */
const done = {
  added: (lng: string) => t(lng, 'watching:done.added'),
  removed: (lng: string) => t(lng, 'watching:done.removed'),
  nothing: (lng: string) => t(lng, 'watching:done.nothing'),
} as const;

/** The watching page (/me/watching) and the forms of the watch buttons (standard pages, the catalogue's series). */
export function watchingRoutes(deps: Deps): Router {
  const r = Router();
  const { db, clock } = deps;

  async function render(req: Request, res: Response, extra: Record<string, unknown> = {}) {
    const list = await service.watchList(db, viewerOf(res)!);
    const series = (await db('series').orderBy('code').select('code', 'name')) as Array<{ code: string; name: string }>;
    const lng = langOf(res);
    res.render('watching/page', { title: t(lng, 'watching:page.title'), ...list, series, notice: doneNotice(done, req.query.done)?.(lng) ?? null, values: {}, ...extra });
  }

  r.get('/me/watching', allow('watches.own'), (req, res) => render(req, res));

  // A watch button posts here from wherever it is (back: the page to return to, local only).
  r.post('/me/watching', allow('watches.own'), async (req, res) => {
    await submitForm(res, async () => {
      await service.watch(db, clock, viewerOf(res)!, parseOr422(watchSchema, req.body));
      res.redirect(303, safeReturnPath(req.body?.back) ?? '/me/watching?done=added');
    }, (err) => render(req, res, { values: formValues(req.body, 'scope', 'series', 'ref'), errors: errorsOf(err) }));
  });

  r.post('/me/watching/nothing', allow('watches.own'), async (_req, res) => {
    await service.watchNothing(db, clock, viewerOf(res)!);
    res.redirect(303, '/me/watching?done=nothing');
  });

  r.post('/me/watching/:id/remove', allow('watches.own'), async (req, res) => {
    await service.unwatch(db, clock, viewerOf(res)!, pathId(req.params.id, service.messages.noWatch));
    res.redirect(303, safeReturnPath(req.body?.back) ?? '/me/watching?done=removed');
  });

  return r;
}
