import { Router, type Response } from 'express';
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

/** JSON faces of the library (design.md §6): the same services as the pages. */
export function standardsApi(deps: Deps): Router {
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

  /**
   * A standard's JSON, kept per snapshot (a snapshot is one revision of the standard: a new revision
   * is a new snapshot), per kind of reader (who may read unreleased drafts or not: the only thing of
   * the viewer it shows) and until the next instant at which a date can change it (stableUntil: the
   * day, a consultation opening or closing) — as the pages are kept.
   */
  const standardJsons = new LRUCache<string, { snap: StandardSnapshot; from: number; until: number; body: Buffer }>({ max: 2_000 });
  r.get('/standards/:ref', allow('public'), async (req, res) => {
    const ref = String(req.params.ref);
    const snapshot = await service.resolveStandard(deps.states, ref);
    const viewer = viewerOf(res);
    const now = deps.clock.now();
    const t = now.getTime();
    const key = `${ref}|${can(viewer, 'drafts.read-unreleased') ? 'all' : 'released'}`;
    let kept = standardJsons.get(key);
    if (!kept || kept.snap !== snapshot || t < kept.from || t >= kept.until) {
      const d = service.standardDetail(snapshot, viewer, now);
      const body = Buffer.from(
        JSON.stringify({
          ...standardJson(d.standard),
          versions: d.versions.map(versionMetaJson),
          consultations: d.versions
            .filter((v) => v.consultation)
            .map((v) => ({ id: v.consultation!.id, n: v.n, opens_at: v.consultation!.opens_at, closes_at: v.consultation!.closes_at, state: v.consultation!.state })),
        }),
      );
      kept = { snap: snapshot, from: t, until: stableUntil(snapshot, now), body };
      standardJsons.set(key, kept);
    }
    res.set('Content-Type', 'application/json; charset=utf-8').send(kept.body);
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
