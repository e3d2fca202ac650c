import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps.ts';
import { allow, can, viewerOf } from '../auth/permissions.ts';
import { BadRequest } from '../errors.ts';
import { isValidDay } from '../time.ts';
import { clauseLinkWords, renderClauses } from '../versions/render.ts';
import { clauseNumber } from '../versions/parse.ts';
import { clausesOf } from '../versions/repo.ts';
import * as service from './service.ts';
import type { StandardDetail, VersionInfo } from './service.ts';
import { fresh, sendCached, sendNotModified, sendSlotted } from '../http/page-cache.ts';
import { userSlots, variantKey, type SlotLocals } from '../http/user-slots.ts';
import { renderToString } from '../http/views.ts';
import { pageKey, pagePath, type PageKind } from './pages.ts';
import { publicationRecord } from '../publication/service.ts';
import { doneNotice } from '../http/done.ts';
import { watchStateOf } from '../watching/service.ts';
import { standardFeedLink } from '../feeds/links.ts';
import { designation } from './refs.ts';
import { ballotMarksOf } from './repo.ts';
import { standardTimeline } from './timeline.ts';
import { AGE_WORDS, ageSvg } from '../pictures/age.ts';
import { pictureWords } from '../pictures/words.ts';
import { t } from '../i18n/index.ts';
import { localise } from '../i18n/messages.ts';
import { formatDate } from '../i18n/format.ts';
import { langOf } from '../i18n/middleware.ts';

/** What a version page says after the secretariat's action that landed on it (`?done=`), in the reader's language. */
export const doneMessages = {
  published: (lng: string) => t(lng, 'standards:done.published'),
  steering_group: (lng: string) => t(lng, 'standards:done.steeringGroup'),
  endorsed: (lng: string) => t(lng, 'standards:done.endorsed'),
} as const;


/** HTML pages of the public library: catalogue, a standard, its history, any version, a date. */
export function standardsRoutes(deps: Deps): Router {
  const r = Router();

  r.get('/standards', allow('public'), async (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 200) : '';
    const series = typeof req.query.series === 'string' && /^\d{2}$/.test(req.query.series) ? req.query.series : '';
    const cat = await service.catalogue(deps.db, deps.clock, { q, series });
    const ageWords = pictureWords(langOf(res), 'age', AGE_WORDS);
    res.render('standards/catalogue', {
      title: t(langOf(res), 'standards:catalogue.title'),
      q,
      series: cat.series.map((s) => ({ ...s, selected: s.code === series })),
      // each group with its picture: the documents' ages against their review period, as of today (the page is not cached)
      groups: cat.groups.map((g) => {
        const rows = g.standards
          .filter((s) => !s.withdrawn_on || s.withdrawn_on > cat.day)
          .map((s) => ({ label: s.designation, href: `/standards/${encodeURIComponent(s.ref)}`, lastEdition: cat.lastEdition.get(s.id) ?? null, years: deps.config.reviewYears[s.type as keyof typeof deps.config.reviewYears] }));
        return { ...g, ages: rows.length ? ageSvg({ id: `ages-${g.series}`, name: `${g.series} ${g.name}`, today: cat.day, rows }, ageWords) : null };
      }),
      shown: cat.standards.length,
      total: cat.total,
      filtered: Boolean(q || series),
      // the catalogue matches numbers and titles; the texts are searched at /search
      searchUrl: q.trim() ? `/search?${new URLSearchParams({ q })}` : null,
    });
  });

  /** The timeline every page of a standard carries: an SVG built from what the page shows (server/pictures/). */
  const timelineOf = async (res: Response, detail: StandardDetail, here: number | null = null): Promise<string> =>
    standardTimeline(detail, await ballotMarksOf(deps.db, detail.standard.id), can(viewerOf(res), 'ballots.read-open'), here, langOf(res));

  /** Loads the standard named in the URL, or redirects another spelling of its ref. */
  async function detailFor(req: Request, res: Response, rest = ''): Promise<StandardDetail | null> {
    const ref = String(req.params.ref);
    const found = await service.findStandard(deps.states, ref);
    if ('redirect' in found) {
      res.redirect(301, `/standards/${encodeURIComponent(found.redirect)}${rest}`);
      return null;
    }
    // Every page of the standard offers its feed (in the head, and in the standard's navigation).
    res.locals.feeds = [standardFeedLink({ ref: found.snapshot.standard.ref, designation: designation(found.snapshot.standard.type, found.snapshot.standard.number) })];
    const viewer = viewerOf(res);
    const detail = service.standardDetail(found.snapshot, viewer, deps.clock.now());
    // The watch button is a signed-in reader's own part of the page: never in a cached public page.
    if (viewer) res.locals.watch = { ...(await watchStateOf(deps.db, viewer, detail.standard)), ref: detail.standard.ref };
    return detail;
  }

  r.get('/standards/:ref', allow('public'), async (req, res) => {
    const detail = await detailFor(req, res);
    if (!detail) return;
    if (!detail.current) {
      return res.render('standards/no-current', { title: detail.standard.designation, ...detail, latestDraft: detail.versions.at(-1) ?? null, timeline: await timelineOf(res, detail) });
    }
    await sendVersionPage(req, res, detail, detail.current, { kind: 'current' });
  });

  r.get('/standards/:ref/versions', allow('public'), async (req, res) => {
    const detail = await detailFor(req, res, '/versions');
    if (!detail) return;
    const versions = [...detail.versions].reverse();
    // The picker starts on the last two versions: what changed most recently.
    const compareChoices = detail.versions.length > 1 ? versions.map((v, i) => ({ n: v.n, label: v.label, edition: v.edition, amendment: v.amendment, state: v.state, isTo: i === 0, isFrom: i === 1 })) : [];
    res.render('standards/history', { title: t(langOf(res), 'standards:pageTitle.history', { designation: detail.standard.designation }), ...detail, versionsNewestFirst: versions, compareChoices, isHistoryPage: true, timeline: await timelineOf(res, detail) });
  });

  r.get('/standards/:ref/versions/:n', allow('public'), async (req, res) => {
    const n = Number(req.params.n);
    if (!Number.isInteger(n) || n < 1) throw new BadRequest('A version number is a whole number from 1, as in /standards/07.11/versions/2.');
    const detail = await detailFor(req, res, `/versions/${n}`);
    if (!detail) return;
    await sendVersionPage(req, res, detail, service.versionOf(detail, n), { kind: 'version', n });
  });

  // The date form submits here (GET, no JavaScript); the canonical address has the date in the path.
  r.get('/standards/:ref/on', allow('public'), async (req, res) => {
    const date = typeof req.query.date === 'string' ? req.query.date.trim() : '';
    const detail = await detailFor(req, res, '/on');
    if (!detail) return;
    if (!isValidDay(date)) {
      res.status(400);
      return res.render('standards/on-date', { title: t(langOf(res), 'standards:pageTitle.onADate', { designation: detail.standard.designation }), ...detail, date, error: 'Enter a date as YYYY-MM-DD, for example 2020-06-30.', timeline: await timelineOf(res, detail) });
    }
    res.redirect(303, `/standards/${encodeURIComponent(detail.standard.ref)}/on/${date}`);
  });

  r.get('/standards/:ref/on/:date', allow('public'), async (req, res) => {
    const date = String(req.params.date);
    const detail = await detailFor(req, res, `/on/${date}`);
    if (!detail) return;
    if (!isValidDay(date)) {
      res.status(400);
      return res.render('standards/on-date', { title: t(langOf(res), 'standards:pageTitle.onADate', { designation: detail.standard.designation }), ...detail, date, error: `"${date}" is not a date. Use YYYY-MM-DD, for example 2020-06-30.`, timeline: await timelineOf(res, detail) });
    }
    const v = service.inForceVersion(detail, date);
    if (!v) {
      const withdrawn = detail.standard.withdrawn_on && detail.standard.withdrawn_on <= date;
      const first = detail.versions.filter((x) => x.state === 'published' && x.in_force_from).sort((a, b) => a.in_force_from!.localeCompare(b.in_force_from!))[0];
      const lng = langOf(res);
      const designation = detail.standard.designation;
      return res.render('standards/on-date', {
        title: t(lng, 'standards:pageTitle.onDate', { designation, date: formatDate(lng, date) }),
        ...detail,
        date,
        timeline: await timelineOf(res, detail),
        none: withdrawn
          ? t(lng, 'standards:onDate.withdrawn', { designation, withdrawn: formatDate(lng, detail.standard.withdrawn_on), date: formatDate(lng, date) })
          : first
            ? t(lng, 'standards:onDate.notYet', { designation, date: formatDate(lng, date), label: localise(lng, first.label), first: formatDate(lng, first.in_force_from) })
            : t(lng, 'standards:onDate.never', { designation }),
      });
    }
    await sendVersionPage(req, res, detail, v, { kind: 'on', date });
  });

  async function sendVersionPage(req: Request, res: Response, detail: StandardDetail, v: VersionInfo, page: PageKind) {
    const viewer = viewerOf(res);
    const cacheable = !viewer && v.state === 'published';
    const lng = langOf(res);
    const key = pageKey(detail, v, page, lng);
    if (cacheable) {
      const etag = deps.pageCache.etagFor(key);
      if (fresh(req, etag)) return sendNotModified(res, etag);
      const hit = deps.pageCache.get(key);
      if (hit) return sendCached(req, res, hit);
    }
    // A signed-in reader of a published page: its public part cached for their rights, their own
    // header filled in per request (server/http/user-slots.ts). Not after an action (?done=): that
    // notice is theirs alone.
    const slottable = viewer && req.authVia === 'session' && v.state === 'published' && req.query.done === undefined;
    const vkey = slottable ? variantKey(key, viewer) : '';
    let slotted = slottable ? deps.pageCache.getSlotted(vkey) : null;
    if (slotted) return sendSlotted(req, res, slotted, userSlots().render(res.locals as SlotLocals));
    const clauses = await clausesOf(deps.db, v.id);
    // A published version's record for anyone to check: its text's hash and the ballot that approved it.
    const record = v.state === 'published' ? await publicationRecord(deps.db, v.id) : null;
    // Only a signed-in page says what its viewer just did: a cached page is the same for everyone.
    const done = cacheable ? null : (doneNotice(doneMessages, req.query.done)?.(lng) ?? null);
    // Printed on every sheet: the page's address, and the day it was rendered (its cache key holds the day).
    const print = { printAddress: `${deps.config.publicUrl.replace(/\/+$/, '')}${pagePath(detail.standard.ref, page)}`, printDay: detail.day };
    const locals = { ...versionPageModel(detail, v, clauses, page, lng), record, done, timeline: await timelineOf(res, detail, page.kind === 'version' ? v.n : null), ...print };
    if (slottable && slotted === undefined) {
      // Rendered without the reader's CSRF token: a page with a form of its own is then kept as "whole".
      const html = await renderToString(req.app as never, 'standards/version', { ...res.locals, ...locals, csrfToken: undefined, slots: true });
      slotted = deps.pageCache.putSlotted(vkey, html, res.getHeaders());
      if (slotted) return sendSlotted(req, res, slotted, userSlots().render(res.locals as SlotLocals));
    }
    if (!cacheable) return res.render('standards/version', locals);
    const html = await renderToString(req.app as never, 'standards/version', { ...res.locals, ...locals });
    // The security headers set so far (helmet's) are kept with the page for the fast path to replay.
    sendCached(req, res, deps.pageCache.put(key, html, res.getHeaders()));
  }

  return r;
}

function versionPageModel(detail: StandardDetail, v: VersionInfo, clauses: Awaited<ReturnType<typeof clausesOf>>, page: PageKind, lng: string) {
  const { standard } = detail;
  const published = detail.versions.filter((x) => x.state === 'published');
  return {
    title: `${standard.designation} ${standard.title}${v.edition_label ? ` — ${localise(lng, v.edition_label)}` : ''}`,
    ...detail,
    version: v,
    isDraft: v.state !== 'published',
    isCurrentPage: page.kind === 'current',
    // The address that always shows this version ("/standards/07.11" follows the current edition); not on that page itself.
    permalink: page.kind !== 'version',
    onDate: page.kind === 'on' ? page.date : null,
    // Superseded (or withdrawn): not the same thing as published and not yet in force.
    notCurrent: v.state === 'published' && !v.is_current && !v.is_upcoming,
    // Other editions still to come into force, announced here; never this page itself.
    upcoming: detail.upcoming.filter((x) => x.n !== v.n),
    body: renderClauses(clauses, clauseLinkWords(lng)),
    toc: clauses.filter((c) => c.depth <= 2).map((c) => ({ ref: c.ref, num: clauseNumber(c.ref), heading: c.heading, depth: c.depth })),
    // The amendment record: every published edition and amendment up to this one.
    amendmentRecord: published
      .filter((x) => x.in_force_from && (!v.in_force_from || x.in_force_from <= v.in_force_from || x.n <= v.n))
      .map((x) => ({ ...x, isThis: x.n === v.n && page.kind === 'version' })),
    draftsUnderConsultation: detail.openDrafts.filter((d) => d.n > v.n),
    // the clean edition in Word (server/word/): published versions only
    docx: v.state === 'published' ? `/api/v1/standards/${encodeURIComponent(standard.ref)}/versions/${v.n}.docx` : null,
  };
}
