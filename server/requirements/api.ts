import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import { parseOr422 } from '../http/validation.ts';
import * as standards from '../standards/service.ts';
import type { Requirement } from './extract.ts';
import { buildRegister, type RegisterEntry, type RequirementsCache } from './service.ts';
import { queryFields, registerQuerySchema } from './validation.ts';

const requirementJson = (r: Requirement) => ({
  id: r.id,
  clause: r.clause_number,
  clause_ref: r.clause_ref,
  clause_key: r.clause_key,
  clause_heading: r.clause_heading,
  kind: r.kind,
  verb: r.verb,
  text: r.text,
});
const entryJson = (r: RegisterEntry) => ({ ...requirementJson(r), ...(r.status ? { status: r.status, previous_id: r.previous_id, previous_text: r.previous_text } : {}) });

/** GET /api/v1/standards/{ref}/requirements: the register, with the page's filters. */
export function requirementsApi(deps: Deps, cache: RequirementsCache): Router {
  const r = Router();
  r.get('/standards/:ref/requirements', allow('public'), async (req, res) => {
    const query = parseOr422(registerQuerySchema, queryFields(req.query as Record<string, unknown>), 'Some filters need attention.');
    const snap = await standards.resolveStandard(deps.states, String(req.params.ref));
    const detail = standards.standardDetail(snap, viewerOf(res), deps.clock.now());
    const reg = await buildRegister(deps.db, cache, detail, query);
    const end = (v: NonNullable<typeof reg.since>) => ({ n: v.n, label: v.label, state: v.state, edition: v.edition, amendment: v.amendment });
    res.json({
      ref: detail.standard.ref,
      designation: detail.standard.designation,
      version: end(reg.version),
      since: reg.since ? end(reg.since) : null,
      total: reg.total,
      counts: reg.counts,
      since_counts: reg.sinceCounts,
      requirements: reg.entries.map(entryJson),
      removed: reg.since ? reg.removed.map(requirementJson) : [],
    });
  });
  return r;
}
