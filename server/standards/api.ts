import type { IncomingMessage, ServerResponse } from 'node:http';
import { Router, type Response } from 'express';
import type { Viewer } from '../auth/viewer.ts';
import type { Deps } from '../deps.ts';
import { allow, can, viewerOf } from '../auth/permissions.ts';
import { LRUCache } from 'lru-cache';
import { stableUntil } from './state.ts';
import type { StandardSnapshot } from './snapshot.ts';
import { BadRequest, NotFound } from '../errors.ts';
import { isValidDay } from '../time.ts';
import { clausesOf, versionSource } from '../versions/repo.ts';
import * as service from './service.ts';
import type { StandardDetail, StandardSummary, VersionInfo } from './service.ts';
import { keptHeaders } from '../http/page-cache.ts';

/**
 * A standard's JSON (GET /api/v1/standards/{ref}), kept per snapshot (a snapshot is one revision of
 * the standard: a new revision is a new snapshot), per kind of reader (who may read unreleased drafts
 * or not: the only thing of the viewer it shows) and until the next instant at which a date can change
 * it (stableUntil: the day, a consultation opening or closing) — as the pages are kept (issue 17).
 */
export class StandardJsons {
  private readonly kept = new LRUCache<string, { snap: StandardSnapshot; from: number; until: number; body: Buffer }>({ max: 2_000 });
  /** the headers the middleware set on the first answer (helmet's): the same on every JSON answer */
  headers: [string, string][] | undefined;

  /**
   * `extra`: fields other features add to the JSON (the translations, server/translations/api.ts),
   * given by the composition so that this module imports none of them; read when the body is made.
   */
  constructor(
    private readonly deps: Pick<Deps, 'states' | 'clock'>,
    private readonly extra?: (d: StandardDetail) => Promise<Record<string, unknown>>,
  ) {}

  /** Throws NotFound as resolveStandard does. */
  async body(ref: string, viewer: Viewer | null): Promise<Buffer> {
    const snapshot = await service.resolveStandard(this.deps.states, ref);
    const now = this.deps.clock.now();
    const t = now.getTime();
    const key = `${ref}|${can(viewer, 'drafts.read-unreleased') ? 'all' : 'released'}`;
    let kept = this.kept.get(key);
    if (!kept || kept.snap !== snapshot || t < kept.from || t >= kept.until) {
      const d = service.standardDetail(snapshot, viewer, now);
      const body = Buffer.from(
        JSON.stringify({
          ...standardJson(d.standard),
          versions: d.versions.map(versionMetaJson),
          consultations: d.versions
            .filter((v) => v.consultation)
            .map((v) => ({ id: v.consultation!.id, n: v.n, opens_at: v.consultation!.opens_at, closes_at: v.consultation!.closes_at, state: v.consultation!.state })),
          ...(this.extra ? await this.extra(d) : {}),
        }),
      );
      kept = { snap: snapshot, from: t, until: stableUntil(snapshot, now), body };
      this.kept.set(key, kept);
    }
    return kept.body;
  }
}

const OWN_HEADERS = new Set(['content-type', 'content-length', 'etag', 'set-cookie', 'www-authenticate']);

const STANDARD_PATH = /^\/api\/v1\/standards\/([^/?#]+)$/;

/**
 * GET /api/v1/standards/{ref} with a Bearer token, answered before Express once Express has answered
 * one (issue 17 item 3): the token as the API app checks it (`reader`: remembered ≤ 1 s, see
 * accounts/tokens.ts TokenCache; null for a bad token or a role that must pass the second-factor
 * gate), the JSON from StandardJsons, the headers Express sent. Anything else — a bad token, an unknown
 * ref, a query string — goes to Express, which answers it as before.
 */
export function standardJsonFast(deps: Pick<Deps, 'logger'>, jsons: StandardJsons, reader: (token: string) => Promise<Viewer | null>) {
  let served = 0;
  const summary = setInterval(() => {
    if (!served) return;
    deps.logger.info({ fast_path: { api_standard: served, seconds: 60 } }, 'cached API answers served');
    served = 0;
  }, 60_000);
  summary.unref();
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !jsons.headers) return false;
    const m = STANDARD_PATH.exec(req.url ?? '');
    const auth = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!m || !auth || /%00/i.test(m[1]!)) return false;
    let ref: string;
    try {
      ref = decodeURIComponent(m[1]!);
    } catch {
      return false;
    }
    const viewer = await reader(auth[1]!);
    if (!viewer) return false;
    let body: Buffer;
    try {
      body = await jsons.body(ref, viewer);
    } catch {
      return false; // NotFound and the rest: Express says it
    }
    for (const [k, v] of jsons.headers) res.setHeader(k, v);
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
    served++;
    if (deps.logger.isLevelEnabled('debug')) deps.logger.debug({ req: { method: req.method, url: req.url }, res: { status: 200 }, fast: true }, 'request completed');
    return true;
  };
}

/** JSON faces of the library (design.md §6): the same services as the pages. */
export function standardsApi(deps: Deps, jsons: StandardJsons = new StandardJsons(deps)): Router {
  const r = Router();

  r.get('/standards', allow('public'), async (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q : undefined;
    const series = typeof req.query.series === 'string' ? req.query.series : undefined;
    const cat = await service.catalogue(deps.db, deps.clock, { q, series });
    res.json({ standards: cat.standards.map(standardJson) });
  });

  async function detail(ref: string, res: Response): Promise<StandardDetail> {
    // The API answers for any accepted spelling rather than redirecting: the body carries the canonical ref.
    const snapshot = await service.resolveStandard(deps.states, ref);
    return service.standardDetail(snapshot, viewerOf(res), deps.clock.now());
  }

  r.get('/standards/:ref', allow('public'), async (req, res) => {
    const body = await jsons.body(String(req.params.ref), viewerOf(res));
    // The security headers set so far (helmet's) are kept for the fast path to replay (standardJsonFast).
    jsons.headers ??= keptHeaders(res.getHeaders(), OWN_HEADERS);
    res.set('Content-Type', 'application/json; charset=utf-8').send(body);
  });

  r.get(['/standards/:ref/current', '/standards/:ref/versions/current'], allow('public'), async (req, res) => {
    const d = await detail(String(req.params.ref), res);
    if (!d.current) throw new NotFound(`${d.standard.designation} has no edition in force today.`);
    res.json(await versionJson(d, d.current));
  });

  r.get(['/standards/:ref/in-force', '/standards/:ref/versions/in-force'], allow('public'), async (req, res) => {
    const date = typeof req.query.date === 'string' ? req.query.date : '';
    if (!isValidDay(date)) throw new BadRequest('Give the date as ?date=YYYY-MM-DD.', { date: 'must be a date written YYYY-MM-DD' });
    const d = await detail(String(req.params.ref), res);
    const v = service.inForceVersion(d, date);
    if (!v) throw new NotFound(`No edition of ${d.standard.designation} was in force on ${date}.`);
    res.json(await versionJson(d, v));
  });

  r.get('/standards/:ref/versions/:n', allow('public'), async (req, res) => {
    const n = Number(req.params.n);
    if (!Number.isInteger(n) || n < 1) throw new BadRequest('The version number must be a whole number from 1.', { n: 'must be a whole number from 1' });
    const d = await detail(String(req.params.ref), res);
    res.json(await versionJson(d, service.versionOf(d, n)));
  });

  async function versionJson(d: StandardDetail, v: VersionInfo) {
    const [text, clauses] = await Promise.all([versionSource(deps.db, v.id), clausesOf(deps.db, v.id)]);
    return { ...versionMetaJson(v), ref: d.standard.ref, text, clauses };
  }

  return r;
}

export function standardJson(s: StandardSummary) {
  return {
    ref: s.ref,
    designation: s.designation,
    type: s.type,
    number: s.number,
    title: s.title,
    title_unconfirmed: s.title_unconfirmed,
    series: s.series,
    withdrawn_on: s.withdrawn_on,
    replaced_by: s.replaced_by,
    current: s.current,
  };
}

export function versionMetaJson(v: VersionInfo) {
  return {
    n: v.n,
    label: v.label,
    state: v.state,
    edition: v.edition,
    amendment: v.amendment,
    imported: v.imported,
    sample: v.sample,
    based_on: v.based_on_n,
    published_at: v.published_at,
    in_force_from: v.in_force_from,
    in_force_until: v.in_force_until,
    summary: v.summary,
    sha256: v.sha256,
    // after the Board (issue 12 item 6)
    steering_group_accepted_on: v.sg_accepted_on,
    steering_group_note: v.sg_note,
    endorsed_on: v.endorsed_on,
    endorsement_note: v.endorsement_note,
    awaiting_endorsement: v.endorsement === 'awaiting',
    proposal_id: v.proposal_id,
  };
}
