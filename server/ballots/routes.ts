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
import { formatDateTime } from '../i18n/format.ts';
import { localise } from '../i18n/messages.ts';
import { FEED_LINKS } from '../feeds/links.ts';
import { TALLY_WORDS, tallySvg } from '../pictures/tally.ts';
import { pictureWords } from '../pictures/words.ts';
import { t } from '../i18n/index.ts';
import { langOf } from '../i18n/middleware.ts';

/** The notice after an action (`?done=`): its key in locales/<lng>/ballots.json. */
const notices: Record<string, string> = {
  opened: 'ballots:notice.opened',
  vote: 'ballots:notice.vote',
  extended: 'ballots:notice.extended',
  closed: 'ballots:notice.closed',
  cancelled: 'ballots:notice.cancelled',
  moved: 'ballots:notice.moved',
};

const POSITION_LABELS = [
  { value: 'approve', label: 'ballots:position.approve' },
  { value: 'disapprove', label: 'ballots:position.disapproveReasons' },
  { value: 'abstain', label: 'ballots:position.abstain' },
  { value: 'recuse', label: 'ballots:position.recuseLong' },
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
    res.render('ballots/index', { title: t(res.locals.lang, 'ballots:index.title'), feeds: [FEED_LINKS.ballots], ...lists, seesOpen: can(viewer, 'ballots.read-open'), manages: can(viewer, 'ballots.manage') });
  });

  async function renderNew(res: Response, extra: Record<string, unknown> = {}) {
    const [drafts, all] = await Promise.all([service.ballotableDrafts(db, clock), allVersionMetas(db)]);
    const values = (extra.values as Record<string, string> | undefined) ?? { rule: 'iso', quorum: '0.5', closes_at: '' };
    res.render('ballots/new', {
      title: t(res.locals.lang, 'ballots:new.title'),
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
      const d = await diffs.html(db, base.id, here.id, { view: 'inline', changesOnly: true }, langOf(res));
      diff = { fromLabel: base.label, href: `/standards/${ref}/diff/${base.n}..${here.n}`, summary: d.summary, body: d.body };
    }
    if (here && own?.outdated) {
      const old = detail.versions.find((v) => v.n === own.n);
      if (old) {
        const d = await diffs.html(db, old.id, here.id, { view: 'inline', changesOnly: true }, langOf(res));
        sinceVote = { fromLabel: old.label, href: `/standards/${ref}/diff/${old.n}..${here.n}`, summary: d.summary };
      }
    }
    const manages = can(viewer, 'ballots.manage');
    const suggested = suggestNumber(detail.versions.filter((v) => v.state === 'published'));
    const newerDrafts = manages && ballot.state === 'open' ? detail.versions.filter((v) => v.n > ballot.n && v.state === 'draft') : [];
    const ownValues = (extra.voteValues as Record<string, string> | undefined) ?? { position: own && !own.outdated ? own.position : '', reason: own && !own.outdated ? own.reason ?? '' : '' };
    const done = doneNotice(notices, req.query.done);
    const lang = res.locals.lang as string;
    const tallyWords = pictureWords(lang, 'tally', TALLY_WORDS);
    res.render('ballots/show', {
      title: t(lang, 'ballots:show.pageTitle', { id: ballot.id, designation: ballot.designation, label: localise(lang, ballot.label) }),
      ballot,
      // the rule and the quorum with their figures (frozen ones once closed); a cancelled ballot counts nothing
      explanation: ballot.state === 'cancelled' ? null : explain({ ...ballot.tally, ...ballot.counts }, ballot.rule, ballot.quorum),
      // the same figures as a picture against the ballot's own thresholds (server/pictures/tally.ts)
      tallyPicture: ballot.state === 'cancelled' ? null : tallySvg({ id: 'tally-picture', name: tallyWords('ballotName', { id: ballot.id }), rule: ballot.rule, quorum: ballot.quorum, tally: ballot.tally, counts: ballot.counts, closed: ballot.state === 'closed' }, tallyWords),
      insider,
      isOpen: ballot.state === 'open',
      isClosed: ballot.state === 'closed',
      voter: voter && ballot.state === 'open',
      own,
      // Each vote names the version it was cast on by its public name (issue 11 item 11).
      history: voter ? (await service.voteHistory(db, id, votesFor!.id)).map((e) => ({ ...e, version: detail.versions.find((v) => v.n === e.version_n) })) : [],
      positions: POSITION_LABELS.map((p) => ({ ...p, label: t(lang, p.label), checked: ownValues.position === p.value })),
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
      publishHint: suggested.amendment
        ? t(lang, 'ballots:show.publish.hint', { next: localise(lang, editionName(suggested.next)), amendment: localise(lang, editionName(suggested.amendment)), edition: suggested.amendment.edition, n: suggested.amendment.amendment })
        : t(lang, 'ballots:show.publish.hintFirst'),
      notice: done && t(lang, done),
      // Each consultation the override passed over, as a sentence with its link (numbers only in it).
      overrideItems: (ballot.override_blocking ?? []).map((b) =>
        t(lang, b.not_closed ? (b.undisposed ? 'ballots:show.override.notClosedUndisposed' : 'ballots:show.override.notClosed') : 'ballots:show.override.undisposed', { id: b.consultation_id, n: b.n, count: b.undisposed })),
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
  const endings = {
    close: {
      verdict: canCloseEarly,
      done: 'closed',
      run: service.closeBallot,
      confirmation: (b: service.BallotView, lang: string) => {
        const e = explain({ ...b.tally, ...b.counts }, b.rule, b.quorum);
        const result = !e.quorum.met ? 'no_quorum' : e.rule_met ? 'approved' : 'rejected';
        return {
          title: t(lang, 'ballots:confirm.closeTitle', { id: b.id }),
          what: [
            t(lang, 'ballots:confirm.closeWhat', { designation: b.designation, label: localise(lang, b.label), closes: formatDateTime(lang, b.closes_at) }),
            t(lang, 'ballots:confirm.closeAsVotesStand', { result: t(lang, `ballots:confirm.resultWords.${result}`), tests: e.tests.map((x) => localise(lang, x.text)).join(t(lang, 'ballots:listSeparator')), quorum: localise(lang, e.quorum.text) }),
            b.not_voted.length ? t(lang, 'ballots:confirm.notVoted', { count: b.not_voted.length, names: b.not_voted.join(t(lang, 'ballots:listComma')) }) : t(lang, 'ballots:confirm.allVoted'),
          ],
          undo: t(lang, 'ballots:confirm.closeUndo'),
          button: t(lang, 'ballots:confirm.closeButton'),
        };
      },
    },
    cancel: {
      verdict: canCancel,
      done: 'cancelled',
      run: service.cancelBallot,
      confirmation: (b: service.BallotView, lang: string) => ({
        title: t(lang, 'ballots:confirm.cancelTitle', { id: b.id }),
        what: [
          t(lang, 'ballots:confirm.cancelWhat', { designation: b.designation, label: localise(lang, b.label) }),
          t(lang, 'ballots:confirm.cancelVotes', { count: b.votes.length }),
        ],
        undo: t(lang, 'ballots:confirm.cancelUndo'),
        button: t(lang, 'ballots:confirm.cancelButton'),
      }),
    },
  } as const;

  for (const [name, ending] of Object.entries(endings)) {
    async function confirmOrRefuse(req: Request, res: Response, id: number) {
      const ballot = await service.getBallot(db, clock, id, viewerOf(res));
      const verdict = ending.verdict(ballot, clock.now());
      if (!verdict.ok) return renderBallot(req, res.status(409), id, { manageError: verdict.reason });
      const lang = res.locals.lang as string;
      renderConfirmation(res, { ...ending.confirmation(ballot, lang), action: `/ballots/${id}/${name}`, back: { href: `/ballots/${id}`, label: t(lang, 'ballots:confirm.back', { id }) } });
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
