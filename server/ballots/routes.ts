import { Router, type Request, type Response } from 'express';
import { doneNotice } from '../http/done.ts';
import type { Deps } from '../deps.ts';
import { allow, can, viewerOf } from '../auth/permissions.ts';
import { AppError } from '../errors.ts';
import { DiffCache } from '../diff/service.ts';
import * as standards from '../standards/service.ts';
import { fieldsOf } from '../users/validation.ts';
import * as service from './service.ts';
import * as publication from '../publication/service.ts';
import { publishSchema } from '../publication/validation.ts';
import * as repo from './repo.ts';
import { idOf, nOf } from './api.ts';
import { extendSchema, moveSchema, openBallotSchema, voteSchema, type OpenBallotInput, type VoteInput } from './validation.ts';
import { RULES } from './tally.ts';

const notices: Record<string, string> = {
  opened: 'The ballot is open.',
  vote: 'Your vote is recorded. You can change it until the ballot closes.',
  extended: 'The closing time is changed.',
  closed: 'The ballot is closed and its result recorded.',
  cancelled: 'The ballot is cancelled.',
  moved: 'The ballot now runs on the newer draft. Members whose vote was on the older version are asked to vote again.',
};

const POSITION_LABELS = [
  { value: 'approve', label: 'Approve' },
  { value: 'disapprove', label: 'Disapprove (reasons required)' },
  { value: 'abstain', label: 'Abstain' },
  { value: 'recuse', label: 'Recuse (my organisation leaves the electorate of this ballot)' },
];

const str = (body: unknown, name: string): string => {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : '';
};
const toLocalInput = (isoString: string) => isoString.slice(0, 16);

/** HTML pages of ballots (mounted by server/app.ts), and the publication form they lead to. */
export function ballotsRoutes(deps: Deps): Router {
  const r = Router();
  const { db, clock } = deps;
  const diffs = new DiffCache(16);

  r.get('/ballots', allow('public'), async (_req, res) => {
    const viewer = viewerOf(res);
    const lists = await service.listBallots(db, clock, viewer);
    res.render('ballots/index', { title: 'Ballots of the Review Board', ...lists, seesOpen: can(viewer, 'ballots.read-open'), manages: can(viewer, 'ballots.manage') });
  });

  async function renderNew(res: Response, extra: Record<string, unknown> = {}) {
    const drafts = await service.ballotableDrafts(db, clock);
    const values = (extra.values as Record<string, string> | undefined) ?? { rule: 'iso', quorum: '0.5', closes_at: '' };
    res.render('ballots/new', {
      title: 'Open a ballot',
      drafts: drafts.map((d) => ({ value: `${d.ref}|${d.n}`, label: `${d.ref} version ${d.n}: ${d.label}`, selected: values.version === `${d.ref}|${d.n}` })),
      rules: RULES.map((x) => ({ value: x, selected: values.rule === x })),
      values,
      ...extra,
    });
  }

  r.get('/ballots/new', allow('ballots.manage'), async (req, res) => {
    const ref = typeof req.query.ref === 'string' ? req.query.ref : '';
    const n = typeof req.query.n === 'string' ? req.query.n : '';
    await renderNew(res, { values: { version: ref && n ? `${ref}|${n}` : '', rule: 'iso', quorum: '0.5', closes_at: '' } });
  });

  r.post('/ballots', allow('ballots.manage'), async (req, res) => {
    const values = { version: str(req.body, 'version'), closes_at: str(req.body, 'closes_at'), rule: str(req.body, 'rule'), quorum: str(req.body, 'quorum') };
    const parsed = openBallotSchema.safeParse(req.body ?? {});
    const [ref, n] = values.version.split('|');
    const errors: Record<string, string> = parsed.success ? {} : fieldsOf(parsed.error);
    if (!ref || !n || !/^\d+$/.test(n)) errors.version = 'Choose the draft to ballot.';
    if (!parsed.success || Object.keys(errors).length) return renderNew(res.status(422), { values, errors });
    try {
      const id = await service.openBallot(db, clock, viewerOf(res)!, ref!, Number(n), parsed.data as OpenBallotInput);
      res.redirect(303, `/ballots/${id}?done=opened`);
    } catch (err) {
      if (err instanceof AppError && err.status < 500) return renderNew(res.status(err.status), { values, error: err.message, errors: err.fields });
      throw err;
    }
  });

  async function renderBallot(req: Request, res: Response, id: number, extra: Record<string, unknown> = {}) {
    const viewer = viewerOf(res);
    const ballot = await service.getBallot(db, clock, id, viewer);
    const insider = can(viewer, 'ballots.read-open');
    const own = can(viewer, 'ballots.vote') ? ballot.votes.find((v) => v.organisation === viewer?.organisation) ?? null : null;
    const voter = can(viewer, 'ballots.vote') && viewer?.organisation != null && ballot.electorate.includes(viewer.organisation) && !(await repo.voter(db, viewer.id))?.board_chair;

    // The diff the members read: against the current edition, or else the draft it is based on.
    let diff: { fromLabel: string; href: string; summary: string; body: string } | null = null;
    let sinceVote: { fromLabel: string; href: string; summary: string } | null = null;
    const snap = await standards.resolveStandard(deps.states, ballot.ref);
    const detail = standards.standardDetail(snap, viewer, clock.now());
    const here = detail.versions.find((v) => v.n === ballot.n);
    const base = detail.current && detail.current.n !== ballot.n ? detail.current : detail.versions.find((v) => v.id === ballot.based_on) ?? null;
    const ref = encodeURIComponent(ballot.ref);
    if (here && base && insider) {
      const d = await diffs.html(db, base.id, here.id, { view: 'inline', changesOnly: true });
      diff = { fromLabel: base.label, href: `/standards/${ref}/diff/${base.n}..${here.n}`, summary: d.summary, body: d.body };
    }
    if (here && own?.outdated) {
      const old = detail.versions.find((v) => v.n === own.n);
      if (old) {
        const d = await diffs.html(db, old.id, here.id, { view: 'inline', changesOnly: true });
        sinceVote = { fromLabel: old.label, href: `/standards/${ref}/diff/${old.n}..${here.n}`, summary: d.summary };
      }
    }
    const manages = can(viewer, 'ballots.manage');
    const newerDrafts = manages && ballot.state === 'open' ? detail.versions.filter((v) => v.n > ballot.n && v.state === 'draft') : [];
    const ownValues = (extra.voteValues as Record<string, string> | undefined) ?? { position: own && !own.outdated ? own.position : '', reason: own && !own.outdated ? own.reason ?? '' : '' };
    const done = doneNotice(notices, req.query.done);
    res.render('ballots/show', {
      title: `Ballot ${ballot.id}: ${ballot.designation} ${ballot.label}`,
      ballot,
      insider,
      isOpen: ballot.state === 'open',
      isClosed: ballot.state === 'closed',
      voter: voter && ballot.state === 'open',
      own,
      // Each vote names the version it was cast on by its public name (issue 11 item 11).
      history: voter && viewer?.organisation ? (await service.voteHistory(db, id, viewer.organisation)).map((e) => ({ ...e, version: detail.versions.find((v) => v.n === e.version_n) })) : [],
      positions: POSITION_LABELS.map((p) => ({ ...p, checked: ownValues.position === p.value })),
      voteValues: ownValues,
      diff,
      sinceVote,
      consultations: await repo.consultationIdsOf(db, ballot.version_id),
      manages: manages && ballot.state === 'open',
      closesAtInput: toLocalInput(ballot.closes_at),
      newerDrafts,
      canPublish: can(viewer, 'versions.publish') && ballot.state === 'closed' && ballot.result === 'approved' && ballot.version_state === 'approved',
      publishValues: (extra.publishValues as Record<string, string> | undefined) ?? { edition: '', amendment: '', in_force_from: '', summary: '' },
      notice: done,
      ...extra,
    });
  }

  r.get('/ballots/:id', allow('public'), async (req, res) => {
    await renderBallot(req, res, idOf(req.params.id));
  });

  /** Runs a form's action; refusals re-render the ballot page with the message (and the status). */
  async function act(req: Request, res: Response, id: number, run: () => Promise<void>, done: string, onError: (err: AppError) => Record<string, unknown> = (e) => ({ error: e.message })) {
    try {
      await run();
    } catch (err) {
      if (err instanceof AppError && err.status < 500 && err.status !== 404) return renderBallot(req, res.status(err.status), id, onError(err));
      throw err;
    }
    res.redirect(303, `/ballots/${id}?done=${done}`);
  }

  r.post('/ballots/:id/vote', allow('ballots.vote'), async (req, res) => {
    const id = idOf(req.params.id);
    const voteValues = { position: str(req.body, 'position'), reason: str(req.body, 'reason') };
    const parsed = voteSchema.safeParse(req.body ?? {});
    if (!parsed.success) return renderBallot(req, res.status(422), id, { voteValues, voteErrors: fieldsOf(parsed.error) });
    await act(req, res, id, () => service.castVote(db, clock, viewerOf(res)!, id, parsed.data as VoteInput), 'vote', (e) => ({ voteValues, voteError: e.message }));
  });

  r.post('/ballots/:id/extend', allow('ballots.manage'), async (req, res) => {
    const id = idOf(req.params.id);
    const parsed = extendSchema.safeParse(req.body ?? {});
    if (!parsed.success) return renderBallot(req, res.status(422), id, { manageError: fieldsOf(parsed.error).closes_at });
    await act(req, res, id, () => service.extendBallot(db, clock, viewerOf(res)!, id, parsed.data.closes_at), 'extended', (e) => ({ manageError: e.message }));
  });

  r.post('/ballots/:id/close', allow('ballots.manage'), async (req, res) => {
    const id = idOf(req.params.id);
    await act(req, res, id, () => service.closeBallot(db, clock, viewerOf(res)!, id), 'closed', (e) => ({ manageError: e.message }));
  });

  r.post('/ballots/:id/cancel', allow('ballots.manage'), async (req, res) => {
    const id = idOf(req.params.id);
    await act(req, res, id, () => service.cancelBallot(db, clock, viewerOf(res)!, id), 'cancelled', (e) => ({ manageError: e.message }));
  });

  r.post('/ballots/:id/move', allow('ballots.manage'), async (req, res) => {
    const id = idOf(req.params.id);
    const parsed = moveSchema.safeParse(req.body ?? {});
    if (!parsed.success) return renderBallot(req, res.status(422), id, { manageError: fieldsOf(parsed.error).n });
    await act(req, res, id, () => service.moveBallot(db, clock, viewerOf(res)!, id, parsed.data.n), 'moved', (e) => ({ manageError: e.message }));
  });

  // The publication form is on the ballot page (it names the ballot it comes from).
  r.post('/standards/:ref/versions/:n/publish', allow('versions.publish'), async (req, res) => {
    const ref = String(req.params.ref);
    const n = nOf(req.params.n);
    const ballotId = Number(str(req.body, 'ballot_id'));
    const publishValues = { edition: str(req.body, 'edition'), amendment: str(req.body, 'amendment'), in_force_from: str(req.body, 'in_force_from'), summary: str(req.body, 'summary') };
    const fail = async (status: number, extra: Record<string, unknown>) => {
      if (Number.isInteger(ballotId) && ballotId > 0) return renderBallot(req, res.status(status), ballotId, { publishValues, publishFailed: true, ...extra });
      res.status(status).render('errors/page', { title: 'Not published', status, message: String(extra.publishError ?? 'Some fields need attention.') });
    };
    const parsed = publishSchema.safeParse(req.body ?? {});
    if (!parsed.success) return fail(422, { publishErrors: fieldsOf(parsed.error) });
    try {
      const p = await publication.publishVersion(db, clock, viewerOf(res)!, ref, n, parsed.data);
      res.redirect(303, `/standards/${encodeURIComponent(p.ref)}/versions/${p.n}?done=published`);
    } catch (err) {
      if (err instanceof AppError && err.status < 500) return fail(err.status, { publishError: err.message, publishErrors: err.fields });
      throw err;
    }
  });

  return r;
}
