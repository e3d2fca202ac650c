import crypto from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps.ts';
import { allow } from '../auth/permissions.ts';
import { fresh, sendCached, sendNotModified } from '../http/page-cache.ts';
import { findStandard } from '../standards/service.ts';
import { ATOM_TYPE, renderAtom } from './atom.ts';
import type { FeedModel } from './entries.ts';
import * as service from './service.ts';
import { BadRequest } from '../errors.ts';
import { isLanguage } from '../i18n/index.ts';
import type { FeedWords } from './entries.ts';

/** The feed's language: ?lang= (the pages link their own language's feeds); English without it. */
function wordsOf(req: Request): FeedWords {
  const lang = req.query.lang;
  if (lang === undefined) return service.feedWords('en');
  if (!isLanguage(lang)) throw new BadRequest(`No interface language "${String(lang).slice(0, 20)}": choose one of en, fr, es, ar, ru, zh.`);
  return service.feedWords(lang);
}

/**
 * Atom feeds (design.md §6, issue 16 item 4), the same for everyone (the public's view), cached like
 * the public pages: the rendered document is kept in the page cache under a key naming everything its
 * bytes depend on — here a digest of the feed's model, entries and their dates included. The model is
 * read afresh on every request (a few indexed queries), so a new event, or an entry that the clock
 * brings (a consultation starting to close) or takes away, changes the key and the ETag at once;
 * rendering the XML is what is saved, and a reader's revalidation with an unchanged model gets a 304.
 */
export function feedsRoutes(deps: Deps): Router {
  const r = Router();

  function send(req: Request, res: Response, model: FeedModel): void {
    const key = `feed|${model.self}|${crypto.createHash('sha256').update(JSON.stringify(model)).digest('base64url')}`;
    const etag = deps.pageCache.etagFor(key);
    if (fresh(req, etag)) return sendNotModified(res, etag);
    sendCached(req, res, deps.pageCache.get(key) ?? deps.pageCache.put(key, renderAtom(model), {}, ATOM_TYPE));
  }

  r.get('/feeds/publications.atom', allow('feeds.read'), async (req, res) => send(req, res, await service.publicationsFeed(deps, wordsOf(req))));
  r.get('/feeds/consultations.atom', allow('feeds.read'), async (req, res) => send(req, res, await service.consultationsFeed(deps, wordsOf(req))));
  r.get('/feeds/ballots.atom', allow('feeds.read'), async (req, res) => send(req, res, await service.ballotsFeed(deps, wordsOf(req))));
  r.get('/feeds/proposals.atom', allow('feeds.read'), async (req, res) => send(req, res, await service.proposalsFeed(deps, wordsOf(req))));

  r.get('/feeds/standards/:ref.atom', allow('feeds.read'), async (req, res) => {
    const words = wordsOf(req);
    const found = await findStandard(deps.states, String(req.params.ref));
    if ('redirect' in found) return res.redirect(301, `/feeds/standards/${encodeURIComponent(found.redirect)}.atom${words.lang === 'en' ? '' : `?lang=${words.lang}`}`);
    send(req, res, await service.standardFeed(deps, found.snapshot.standard, words));
  });

  return r;
}
