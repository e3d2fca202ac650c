import type { Db } from '../db.ts';
import type { Clock } from '../clock.ts';
import { utcDay } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Viewer } from '../auth/viewer.ts';
import { can } from '../auth/permissions.ts';
import { designation, type StandardType } from '../standards/refs.ts';
import { allStandards } from '../standards/repo.ts';
import { lastEditionDays } from '../standards/service.ts';
import { allVersionMetas } from '../versions/repo.ts';
import { ballotState } from '../ballots/rules.ts';
import { allBallots, votesOfBallots } from '../ballots/repo.ts';
import { myVotes, settledBallots, type MyVote } from '../ballots/service.ts';
import { listConsultations, undisposedCounts, type ConsultationFull } from '../consultations/repo.ts';
import { consultationState } from '../consultations/state.ts';
import { proposalWork, type ProposalWorkItem } from '../proposals/service.ts';
import { watchedStandardIds } from '../watching/repo.ts';
import { reviewStatus, type ReviewStatus } from './review.ts';
import * as repo from './repo.ts';
import { votingOrganisationOf } from '../organisations/board.ts';
import { t } from '../i18n/index.ts';
import { formatDate, formatDateTime } from '../i18n/format.ts';
import { localise } from '../i18n/messages.ts';

/**
 * "My work" (issue 16 item 1): what waits for the viewer, per role — the Board member's ballots and
 * proposals, the commenter's consultations and dispositions, the secretariat's queue. Reads only (the
 * last visit is written by visit()); each item carries the link to where the work is done. Lists are
 * oldest (or soonest to close) first. Time comes from the clock.
 */
export const SOON_DAYS = 7;
const DAY_MS = 86_400_000;

export type WorkDeps = { db: Db; clock: Clock; config: Pick<Config, 'reviewYears'> };

export interface BallotItem {
  id: number;
  designation: string;
  title: string;
  n: number;
  label: string;
  closes_at: string;
  my_vote: MyVote | null;
  href: string;
}

export interface ConsultationItem {
  id: number;
  designation: string;
  title: string;
  n: number;
  label: string;
  closes_at: string;
  href: string;
}

export interface CommentItem {
  id: number;
  designation: string;
  label: string;
  clause: string | null;
  excerpt: string;
  disposition: string | null;
  disposed_at: string | null;
  /** disposed since the viewer last looked at "My work" */
  is_new: boolean;
  href: string;
}

export interface ProposalItem extends ProposalWorkItem {
  href: string;
}

export interface BoardWork {
  /** the member organisation the viewer votes for today, or null (then nothing waits for them to vote) */
  organisation: { id: number; name: string } | null;
  not_voted: BallotItem[];
  outdated: BallotItem[];
  closing_soon: BallotItem[];
  proposals: ProposalItem[];
}

export interface CommenterWork {
  /** when the viewer last looked at "My work" before now; null the first time */
  since: string | null;
  watched_consultations: ConsultationItem[];
  comments: CommentItem[];
  new_dispositions: number;
  closing_soon: ConsultationItem[];
}

export interface QueueItem {
  text: string;
  href: string;
  /** the date it is ordered by (oldest first) */
  at: string;
  count?: number;
  status?: ReviewStatus;
}

export interface QueueSection {
  key: string;
  title: string;
  count: number;
  items: QueueItem[];
}

export interface MyWork {
  board: BoardWork | null;
  commenter: CommenterWork | null;
  queue: QueueSection[] | null;
}

const consultationItem = (c: ConsultationFull): ConsultationItem => ({
  id: c.id, designation: designation(c.standard_type, c.standard_number), title: c.standard_title, n: c.n, label: c.label, closes_at: c.closes_at, href: `/consultations/${c.id}`,
});

const byCloses = <T extends { closes_at: string }>(a: T, b: T) => a.closes_at.localeCompare(b.closes_at);
const soon = (closesAt: string, now: Date) => Date.parse(closesAt) - now.getTime() <= SOON_DAYS * DAY_MS;
const excerpt = (s: string) => (s.length > 140 ? `${s.slice(0, 139)}…` : s);

type OpenBallot = Awaited<ReturnType<typeof allBallots>>[number];

async function openBallots(db: Db, clock: Clock, viewer: Viewer): Promise<OpenBallot[]> {
  const rows = await settledBallots(db, clock);
  const now = clock.now();
  return rows.filter((b) => ballotState(b, now) === 'open').sort(byCloses);
}

export async function boardWork(db: Db, clock: Clock, viewer: Viewer): Promise<BoardWork> {
  const now = clock.now();
  const open = await openBallots(db, clock, viewer);
  const mine = await myVotes(db, viewer, open);
  const item = (b: OpenBallot): BallotItem => ({
    id: b.id, designation: designation(b.type as StandardType, b.number), title: b.title, n: b.n, label: b.label, closes_at: b.closes_at, my_vote: mine.get(b.id)?.status ?? null, href: `/ballots/${b.id}`,
  });
  const items = open.map(item);
  const today = await votingOrganisationOf(db, viewer.id, utcDay(now));
  const org = today ? { id: today.id, name: today.name } : ([...mine.values()][0]?.organisation ?? null);
  const proposals = (await proposalWork(db, clock, viewer)).awaiting_response.map((p) => ({ ...p, href: `/proposals/${p.id}` }));
  return {
    organisation: org,
    not_voted: items.filter((b) => b.my_vote === 'not_voted'),
    outdated: items.filter((b) => b.my_vote === 'outdated'),
    closing_soon: items.filter((b) => soon(b.closes_at, now)),
    proposals: proposals.sort((a, b) => (a.response_due_at ?? '').localeCompare(b.response_due_at ?? '')),
  };
}

export async function commenterWork(db: Db, clock: Clock, viewer: Viewer, since: string | null): Promise<CommenterWork> {
  const now = clock.now();
  const open = (await listConsultations(db)).filter((c) => consultationState(c, now) === 'open').sort(byCloses);
  const watched = new Set(await watchedStandardIds(db, viewer.id));
  const comments = (await repo.commentsOfAuthor(db, viewer.id)).map((c) => ({
    id: c.id,
    designation: designation(c.standard_type as StandardType, c.standard_number),
    label: c.label,
    clause: c.clause_ref,
    excerpt: excerpt(c.comment),
    disposition: c.disposition,
    disposed_at: c.disposed_at,
    is_new: Boolean(c.disposition && c.disposed_at && (!since || c.disposed_at > since)),
    href: `/comments/${c.id}`,
  }));
  return {
    since,
    watched_consultations: open.filter((c) => watched.has(c.standard_id)).map(consultationItem),
    comments,
    new_dispositions: comments.filter((c) => c.is_new).length,
    closing_soon: open.filter((c) => soon(c.closes_at, now)).map(consultationItem),
  };
}

const section = (key: string, title: string, items: QueueItem[]): QueueSection => ({
  key, title, items: [...items].sort((a, b) => a.at.localeCompare(b.at)), count: items.reduce((n, i) => n + (i.count ?? 1), 0),
});

/**
 * The secretariat's desk as a queue: every section with its count, oldest first. Its words in `lang`
 * (the pages'; the API keeps English): locales/<lng>/mywork.json.
 */
export async function secretariatQueue(deps: WorkDeps, viewer: Viewer, lang = 'en'): Promise<QueueSection[]> {
  const { db, clock } = deps;
  const tr = (key: string, values?: Record<string, unknown>) => t(lang, `mywork:queue.${key}`, values);
  const now = clock.now();
  const today = utcDay(now);
  const consultations = await listConsultations(db);
  const undisposed = await undisposedCounts(db, consultations.map((c) => c.id));
  const name = (c: ConsultationFull) => `${designation(c.standard_type, c.standard_number)} ${localise(lang, c.label)}`;

  const withUndisposed = consultations.filter((c) => (undisposed.get(c.id) ?? 0) > 0);
  const states = new Map(consultations.map((c) => [c.id, consultationState(c, now)]));
  const closing = consultations.filter((c) => states.get(c.id) === 'open' && soon(c.closes_at, now));
  // Closed, and its report (every comment with a disposition) not complete.
  const unreported = withUndisposed.filter((c) => states.get(c.id) === 'closed');

  const ballots = await settledBallots(db, clock);
  const open = ballots.filter((b) => ballotState(b, now) === 'open');
  const votes = await votesOfBallots(db, open.map((b) => b.id));
  // Every organisation of the electorate has a position on the current draft: nothing left to wait for.
  const ready = open.filter((b) => b.electorate.every((o) => votes.some((v) => v.ballot_id === b.id && v.organisation_id === o && v.version_id === b.version_id)));
  const versionState = new Map((await allVersionMetas(db)).map((v) => [v.id, v.state]));
  const unpublished = ballots.filter((b) => ballotState(b, now) === 'closed' && b.result === 'approved' && versionState.get(b.version_id) === 'approved');
  const ballotName = (b: OpenBallot) => `${designation(b.type as StandardType, b.number)} ${localise(lang, b.label)}`;

  const proposals = await proposalWork(db, clock, viewer);
  const accounts = await repo.accountsAwaitingConfirmation(db);
  const reviews = await reviewsDue(deps, today, lang);

  return [
    section('comments', tr('comments'), withUndisposed.map((c) => ({ text: tr('commentsItem', { name: name(c), count: undisposed.get(c.id) }), href: `/consultations/${c.id}/comments?disposition=none`, at: c.opens_at, count: undisposed.get(c.id) }))),
    section('consultations-closing', tr('closing', { days: SOON_DAYS }), closing.map((c) => ({ text: tr('closingItem', { name: name(c), date: formatDateTime(lang, c.closes_at) }), href: `/consultations/${c.id}`, at: c.closes_at }))),
    section('consultations-unreported', tr('unreported'), unreported.map((c) => ({ text: tr('unreportedItem', { name: name(c), count: undisposed.get(c.id) }), href: `/consultations/${c.id}/comments?disposition=none`, at: c.closes_at }))),
    section('ballots-ready', tr('ballotsReady'), ready.map((b) => ({ text: tr('ballotsReadyItem', { name: ballotName(b), date: formatDateTime(lang, b.closes_at) }), href: `/ballots/${b.id}`, at: b.opens_at }))),
    section('ballots-unpublished', tr('ballotsUnpublished'), unpublished.map((b) => ({ text: tr('ballotsUnpublishedItem', { name: ballotName(b) }), href: `/ballots/${b.id}`, at: b.closes_at }))),
    section('proposals-circulate', tr('proposalsCirculate'), proposals.to_circulate.map((p) => ({ text: `P-${p.id} ${p.title}`, href: `/proposals/${p.id}`, at: p.submitted_at }))),
    section('proposals-decide', tr('proposalsDecide'), proposals.to_decide.map((p) => ({ text: tr(p.status === 'awaiting_steering_group' ? 'steeringGroup' : 'boardDecision', { name: `P-${p.id} ${p.title}` }), href: `/proposals/${p.id}`, at: p.circulated_at ?? p.submitted_at }))),
    section('accounts', tr('accounts'), accounts.map((a) => ({ text: tr('accountsItem', { name: a.name, count: a.accounts }), href: `/admin/organisations/${a.organisation_id}`, at: a.since, count: a.accounts }))),
    section('reviews', tr('reviews'), reviews),
  ];
}

/**
 * Documents whose review is due or overdue: the period of their type (config.reviewYears) counted from
 * the day of their last published edition or amendment; withdrawn documents and those with nothing
 * published are left out. Ordered by the day the review was due.
 */
export async function reviewsDue(deps: WorkDeps, today: string, lang = 'en'): Promise<QueueItem[]> {
  const [standards, versions] = await Promise.all([allStandards(deps.db), allVersionMetas(deps.db)]);
  const last = lastEditionDays(versions);
  const out: QueueItem[] = [];
  for (const s of standards) {
    const from = last.get(s.id);
    if (!from || (s.withdrawn_on && s.withdrawn_on <= today)) continue;
    const r = reviewStatus(from, deps.config.reviewYears[s.type], today);
    if (!r) continue;
    const text = t(lang, r.status === 'overdue' ? 'mywork:queue.reviewOverdue' : 'mywork:queue.reviewDue', { name: `${designation(s.type, s.number)} ${s.title}`, from: formatDate(lang, from), due: formatDate(lang, r.due_on) });
    out.push({ text, href: `/standards/${s.ref}`, at: r.due_on, status: r.status });
  }
  return out;
}

/** Everything that waits for the viewer; `since` is their previous visit (for the "new" marks); the queue's words in `lang`. */
export async function myWork(deps: WorkDeps, viewer: Viewer, since: string | null, lang = 'en'): Promise<MyWork> {
  const { db, clock } = deps;
  return {
    board: can(viewer, 'work.board') ? await boardWork(db, clock, viewer) : null,
    commenter: can(viewer, 'work.comments') ? await commenterWork(db, clock, viewer, since) : null,
    queue: can(viewer, 'work.queue') ? await secretariatQueue(deps, viewer, lang) : null,
  };
}

/** The previous visit to "My work", and the record of this one (the page calls it; the API only reads). */
export async function visit(db: Db, clock: Clock, viewer: Viewer): Promise<string | null> {
  const since = await repo.lastVisit(db, viewer.id);
  await repo.recordVisit(db, viewer.id, clock.now().toISOString());
  return since;
}

export const lastVisit = (db: Db, viewer: Viewer): Promise<string | null> => repo.lastVisit(db, viewer.id);

/** The short summary for the home page: one line per kind of waiting work, with its count, in `lang`; none when nothing waits. */
export function summary(w: MyWork, lang = 'en'): string[] {
  const lines: string[] = [];
  const add = (count: number, key: string) => {
    if (count) lines.push(t(lang, `mywork:summary.${key}`, { count }));
  };
  if (w.board) {
    add(w.board.not_voted.length, 'notVoted');
    add(w.board.outdated.length, 'outdated');
    add(w.board.proposals.length, 'proposals');
  }
  if (w.commenter) {
    add(w.commenter.new_dispositions, 'newDispositions');
    add(w.commenter.watched_consultations.length, 'watched');
  }
  if (w.queue) for (const s of w.queue) if (s.count) lines.push(t(lang, 'mywork:summary.queueLine', { title: s.title, count: s.count }));
  return lines;
}
