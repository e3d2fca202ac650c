import { Router, type Request, type Response } from 'express';
import { doneNotice } from '../http/done.ts';
import type { Deps } from '../deps.ts';
import { allow, can, viewerOf } from '../auth/permissions.ts';
import { Validation, type AppError } from '../errors.ts';
import { formValues, submitForm } from '../http/forms.ts';
import { fieldsOf, messages as fieldMessages, parseOr422 } from '../http/validation.ts';
import { DiffCache } from '../diff/service.ts';
import * as standards from '../standards/service.ts';
import * as service from './service.ts';
import * as publication from '../publication/service.ts';
import { publishSchema } from '../publication/validation.ts';
import { draftChoices } from '../drafts/choices.ts';
import { allVersionMetas } from '../versions/repo.ts';
import { label as editionName, suggestNumber } from '../publication/rules.ts';
import * as repo from './repo.ts';
import { idOf, nOf } from './api.ts';
import { extendSchema, moveSchema, openBallotSchema, voteSchema } from './validation.ts';
import { explain, RULES } from './tally.ts';
import { canCancel, canCloseEarly } from './rules.ts';
import { describeBlocking } from './order.ts';
import { confirmed, renderConfirmation } from '../http/confirm.ts';
import { longDateTime } from '../time.ts';
import { FEED_LINKS } from '../feeds/links.ts';
import { tallySvg } from '../pictures/tally.ts';

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

const str = (body: unknown, name: string): string => formValues(body, name)[name] ?? '';
const toLocalInput = (isoString: string) => isoString.slice(0, 16);

/** HTML pages of ballots (mounted by server/app.ts), and the publication form they lead to. */
export function ballotsRoutes(deps: Deps): Router {
  const r = Router();
  const { db, clock } = deps;
  const diffs = new DiffCache(16);

  r.get('/ballots', allow('public'), async (_req, res) => {
    const viewer = viewerOf(res);
    const lists = await service.listBallots(db, clock, viewer);
    res.render('ballots/index', { title: 'Ballots of the Review Board', feeds: [FEED_LINKS.ballots], ...lists, seesOpen: can(viewer, 'ballots.read-open'), manages: can(viewer, 'ballots.manage') });
  });

  async function renderNew(res: Response, extra: Record<string, unknown> = {}) {
    const [drafts, all] = await Promise.all([service.ballotableDrafts(db, clock), allVersionMetas(db)]);
    const values = (extra.values as Record<string, string> | undefined) ?? { rule: 'iso', quorum: '0.5', closes_at: '' };
    res.render('ballots/new', {
      title: 'Open a ballot',
      showOverride: Boolean((extra.blocking as unknown[] | undefined)?.length || values.override_reason),
      drafts: draftChoices(drafts, all, values.version ?? ''),
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
    const values = { version: str(req.body, 'version'), closes_at: str(req.body, 'closes_at'), rule: str(req.body, 'rule'), quorum: str(req.body, 'quorum'), override_reason: str(req.body, 'override_reason') };
    const [ref, n] = values.version.split('|');
    await submitForm(res, async () => {
      // The draft is one select here (ref|n), two path segments in the API: all the form's problems at once.
      const parsed = openBallotSchema.safeParse(req.body ?? {});
      const noDraft = !ref || !n || !/^\d+$/.test(n) ? { version: 'Choose the draft to ballot.' } : null;
      if (!parsed.success || noDraft) throw new Validation(fieldMessages.fields, { ...(parsed.success ? {} : fieldsOf(parsed.error)), ...noDraft });
      const id = await service.openBallot(db, clock, viewerOf(res)!, ref!, Number(n), parsed.data);
      res.redirect(303, `/ballots/${id}?done=opened`);
    }, (err) => renderNew(res, {
      values,
      // Refused by the ballot order: each consultation that holds it back, linked, and the override field.
      ...(err instanceof service.BallotOrderConflict ? { blocking: err.blocking.map((b) => ({ ...b, text: describeBlocking(b) })), error: undefined, canOverride: can(viewerOf(res), 'ballots.override-order') } : { error: err.code === 'validation' ? undefined : err.message }),
      errors: err.fields,
    }));
  });

  async function renderBallot(req: Request, res: Response, id: number, extra: Record<string, unknown> = {}) {
    const viewer = viewerOf(res);
    const ballot = await service.getBallot(db, clock, id, viewer);
    const insider = can(viewer, 'ballots.read-open');
    // The organisation this member votes for in this ballot (principal or alternate on its opening day).
    const votesFor = await service.voterOrganisation(db, viewer, ballot);
    const voter = votesFor !== null && ballot.electorate_ids.includes(votesFor.id);
    const own = voter ? ballot.votes.find((v) => v.organisation_id === votesFor!.id) ?? null : null;

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
    const suggested = suggestNumber(detail.versions.filter((v) => v.state === 'published'));
    const newerDrafts = manages && ballot.state === 'open' ? detail.versions.filter((v) => v.n > ballot.n && v.state === 'draft') : [];
    const ownValues = (extra.voteValues as Record<string, string> | undefined) ?? { position: own && !own.outdated ? own.position : '', reason: own && !own.outdated ? own.reason ?? '' : '' };
    const done = doneNotice(notices, req.query.done);
    res.render('ballots/show', {
      title: `Ballot ${ballot.id}: ${ballot.designation} ${ballot.label}`,
      ballot,
      // the rule and the quorum with their figures (frozen ones once closed); a cancelled ballot counts nothing
      explanation: ballot.state === 'cancelled' ? null : explain({ ...ballot.tally, ...ballot.counts }, ballot.rule, ballot.quorum),
      // the same figures as a picture against the ballot's own thresholds (server/pictures/tally.ts)
      tallyPicture: ballot.state === 'cancelled' ? null : tallySvg({ id: 'tally-picture', name: `ballot ${ballot.id}`, rule: ballot.rule, quorum: ballot.quorum, tally: ballot.tally, counts: ballot.counts, closed: ballot.state === 'closed' }),
      insider,
      isOpen: ballot.state === 'open',
      isClosed: ballot.state === 'closed',
      voter: voter && ballot.state === 'open',
      own,
      // Each vote names the version it was cast on by its public name (issue 11 item 11).
      history: voter ? (await service.voteHistory(db, id, votesFor!.id)).map((e) => ({ ...e, version: detail.versions.find((v) => v.n === e.version_n) })) : [],
      positions: POSITION_LABELS.map((p) => ({ ...p, checked: ownValues.position === p.value })),
      voteValues: ownValues,
      diff,
      sinceVote,
      consultations: await repo.consultationIdsOf(db, ballot.version_id),
      manages: manages && ballot.state === 'open',
      closesAtInput: toLocalInput(ballot.closes_at),
      newerDrafts,
      canPublish: can(viewer, 'versions.publish') && ballot.state === 'closed' && ballot.result === 'approved' && ballot.version_state === 'approved',
      // After approval: the steps after the Board (server/endorsement/).
      stepsHref: can(viewer, 'versions.record-steps') && ballot.state === 'closed' && ballot.result === 'approved' && (ballot.version_state === 'approved' || ballot.version_state === 'published') ? `/standards/${ref}/versions/${ballot.n}/steps` : null,
      // Prefilled with the next edition; the hint names the amendment it could be instead (issue 11 item 8).
      publishValues: (extra.publishValues as Record<string, string> | undefined) ?? { edition: String(suggested.next.edition), amendment: '', in_force_from: '', summary: '' },
      publishHint: suggested.amendment ? `Suggested: ${editionName(suggested.next)}. For ${editionName(suggested.amendment)} instead, enter edition ${suggested.amendment.edition} and amendment ${suggested.amendment.amendment}.` : 'Suggested: Edition 1, its first edition.',
      notice: done,
      ...extra,
    });
  }

  r.get('/ballots/:id', allow('public'), async (req, res) => {
    await renderBallot(req, res, idOf(req.params.id));
  });

  /** Runs a form of the ballot page; refusals re-render the page with the input and the message (and the status). */
  const act = (req: Request, res: Response, id: number, run: () => Promise<unknown>, done: string, onError: (err: AppError) => Record<string, unknown>) =>
    submitForm(res, async () => {
      await run();
      res.redirect(303, `/ballots/${id}?done=${done}`);
    }, (err) => renderBallot(req, res, id, onError(err)));

  r.post('/ballots/:id/vote', allow('ballots.vote'), async (req, res) => {
    const id = idOf(req.params.id);
    const voteValues = { position: str(req.body, 'position'), reason: str(req.body, 'reason') };
    await act(req, res, id, () => service.castVote(db, clock, viewerOf(res)!, id, parseOr422(voteSchema, req.body)), 'vote', (e) =>
      e.fields ? { voteValues, voteErrors: e.fields } : { voteValues, voteError: e.message });
  });

  r.post('/ballots/:id/extend', allow('ballots.manage'), async (req, res) => {
    const id = idOf(req.params.id);
    await act(req, res, id, () => service.extendBallot(db, clock, viewerOf(res)!, id, parseOr422(extendSchema, req.body).closes_at), 'extended', (e) =>
      ({ manageError: e.fields?.closes_at ?? e.message, closesAtInput: str(req.body, 'closes_at') }));
  });

  // Closing early and cancelling cannot be undone: a page says what will happen first (issue 11 item 7).
  const RESULT_WORDS = { approved: 'approved', rejected: 'rejected', no_quorum: 'without a quorum (no result: the draft stays a draft)' } as const;
  const endings = {
    close: {
      verdict: canCloseEarly,
      done: 'closed',
      run: service.closeBallot,
      confirmation: (b: service.BallotView) => {
        const e = explain({ ...b.tally, ...b.counts }, b.rule, b.quorum);
        const result = !e.quorum.met ? 'no_quorum' : e.rule_met ? 'approved' : 'rejected';
        return {
          title: `Close ballot ${b.id} now?`,
          what: [
            `The ballot on ${b.designation} ${b.label} closes now instead of ${longDateTime(b.closes_at)}, and its result is counted from the votes cast so far and recorded.`,
            `As the votes stand it would close ${RESULT_WORDS[result]}: ${e.tests.map((t) => t.text).join('; ')}; quorum: ${e.quorum.text}.`,
            b.not_voted.length ? `${b.not_voted.join(', ')} ${b.not_voted.length === 1 ? 'has' : 'have'} not voted and could no longer vote.` : 'Every member organisation has voted.',
          ],
          undo: 'This cannot be undone: a closed ballot cannot be reopened, and its result is frozen.',
          button: 'Close the ballot now',
        };
      },
    },
    cancel: {
      verdict: canCancel,
      done: 'cancelled',
      run: service.cancelBallot,
      confirmation: (b: service.BallotView) => ({
        title: `Cancel ballot ${b.id}?`,
        what: [
          `The ballot on ${b.designation} ${b.label} ends now with no result; ${b.label} stays a draft.`,
          `The ${b.votes.length} vote${b.votes.length === 1 ? '' : 's'} cast stay${b.votes.length === 1 ? 's' : ''} in the record but count for nothing.`,
        ],
        undo: 'This cannot be undone: to ballot the draft again, open a new ballot.',
        button: 'Cancel the ballot',
      }),
    },
  } as const;

  for (const [name, ending] of Object.entries(endings)) {
    async function confirmOrRefuse(req: Request, res: Response, id: number) {
      const ballot = await service.getBallot(db, clock, id, viewerOf(res));
      const verdict = ending.verdict(ballot, clock.now());
      if (!verdict.ok) return renderBallot(req, res.status(409), id, { manageError: verdict.reason });
      renderConfirmation(res, { ...ending.confirmation(ballot), action: `/ballots/${id}/${name}`, back: { href: `/ballots/${id}`, label: `Back to ballot ${id}` } });
    }
    r.get(`/ballots/:id/${name}/confirm`, allow('ballots.manage'), (req, res) => confirmOrRefuse(req, res, idOf(req.params.id)));
    r.post(`/ballots/:id/${name}`, allow('ballots.manage'), async (req, res) => {
      const id = idOf(req.params.id);
      if (!confirmed(req.body)) return confirmOrRefuse(req, res, id);
      await act(req, res, id, () => ending.run(db, clock, viewerOf(res)!, id), ending.done, (e) => ({ manageError: e.message }));
    });
  }

  r.post('/ballots/:id/move', allow('ballots.manage'), async (req, res) => {
    const id = idOf(req.params.id);
    await act(req, res, id, () => service.moveBallot(db, clock, viewerOf(res)!, id, parseOr422(moveSchema, req.body).n), 'moved', (e) => ({ manageError: e.fields?.n ?? e.message }));
  });

  // The publication form is on the ballot page (it names the ballot it comes from).
  r.post('/standards/:ref/versions/:n/publish', allow('versions.publish'), async (req, res) => {
    const ref = String(req.params.ref);
    const n = nOf(req.params.n);
    const ballotId = Number(str(req.body, 'ballot_id'));
    const publishValues = { edition: str(req.body, 'edition'), amendment: str(req.body, 'amendment'), in_force_from: str(req.body, 'in_force_from'), summary: str(req.body, 'summary'), awaiting_endorsement: str(req.body, 'awaiting_endorsement') };
    await submitForm(res, async () => {
      const p = await publication.publishVersion(db, clock, viewerOf(res)!, ref, n, parseOr422(publishSchema, req.body));
      res.redirect(303, `/standards/${encodeURIComponent(p.ref)}/versions/${p.n}?done=published`);
    }, async (err) => {
      // Without the ballot it came from there is no page to show the form on: the error page says why.
      if (!(Number.isInteger(ballotId) && ballotId > 0)) throw err;
      await renderBallot(req, res, ballotId, { publishValues, publishFailed: true, publishError: err.code === 'validation' ? undefined : err.message, publishErrors: err.fields });
    });
  });

  return r;
}
