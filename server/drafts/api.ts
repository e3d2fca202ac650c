import { Router, type Response } from 'express';
import type { Deps } from '../deps.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import { clausesOf, versionSource } from '../versions/repo.ts';
import { resolveStandard, standardDetail, versionOf } from '../standards/service.ts';
import { standardJson, versionMetaJson } from '../standards/api.ts';
import { parseOr422 as parse } from '../http/validation.ts';
import { prepareClauses, SourceProblems } from '../versions/service.ts';
import * as service from './service.ts';
import { draftSchema, standardSchema, withdrawSchema } from './validation.ts';
import { textOfUpload, uploadOne } from './upload.ts';
import { csrfFromBody } from '../auth/csrf.ts';

/** JSON API of drafts under /api/v1 (mounted by server/app.ts); paths described in ./openapi.ts. */
export function draftsApi(deps: Deps): Router {
  const r = Router();

  async function detailOf(ref: string, res: Response) {
    return standardDetail(await resolveStandard(deps.states, ref), viewerOf(res), deps.clock.now());
  }

  r.post('/standards', allow('standards.manage'), async (req, res) => {
    const input = parse(standardSchema, req.body);
    const s = await service.addStandard(deps.db, deps.clock, viewerOf(res)!, input);
    res.status(201).location(`/api/v1/standards/${encodeURIComponent(s.ref)}`).json(standardJson((await detailOf(s.ref, res)).standard));
  });

  r.post('/standards/:ref/withdraw', allow('standards.manage'), async (req, res) => {
    const input = parse(withdrawSchema, req.body);
    const s = await service.withdrawStandard(deps.db, deps.clock, viewerOf(res)!, String(req.params.ref), input);
    res.json(standardJson((await detailOf(s.ref, res)).standard));
  });

  // JSON {text, label?, based_on?}, or multipart with a .md or .docx `file` instead of `text`.
  r.post('/standards/:ref/versions', allow('drafts.create'), uploadOne, csrfFromBody, async (req, res) => {
    const upload = await textOfUpload(req.file);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const input = parse(draftSchema, upload ? { ...body, text: upload.text } : body);
    const ref = String(req.params.ref);
    if (req.query.dry_run === '1' || req.query.dry_run === 'true') {
      const preview = await service.previewDraft(deps.db, ref, input);
      if (preview.problems.length) throw new SourceProblems(preview.problems);
      const clauses = await prepareClauses(deps.db, input.text, preview.basedOn?.id ?? null);
      return res.json({
        ref: preview.standard.ref,
        dry_run: true,
        based_on: preview.basedOn?.n ?? null,
        words: preview.words,
        notes: upload?.notes ?? [],
        changes: preview.changes,
        text: input.text,
        clauses,
      });
    }
    const saved = await service.createDraft(deps.db, deps.clock, viewerOf(res)!, ref, input);
    const d = await detailOf(saved.standard.ref, res);
    const v = versionOf(d, saved.n);
    const [text, clauses] = await Promise.all([versionSource(deps.db, v.id), clausesOf(deps.db, v.id)]);
    res
      .status(201)
      .location(`/api/v1/standards/${encodeURIComponent(d.standard.ref)}/versions/${v.n}`)
      .json({ ...versionMetaJson(v), ref: d.standard.ref, text, clauses, ...(upload ? { notes: upload.notes } : {}) });
  });

  return r;
}

