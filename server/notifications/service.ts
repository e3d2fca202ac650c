import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../clock.ts';
import type { Db } from '../db.ts';
import type { Logger } from '../logger.ts';
import type { Viewer } from '../auth/viewer.ts';
import { BadRequest } from '../errors.ts';
import { appendAudit } from '../audit/service.ts';
import { watchersOfStandard } from '../watching/repo.ts';
import { utcDay } from '../organisations/board.ts';
import type { Mode, Notice } from './messages.ts';
import * as repo from './repo.ts';

/**
 * Mail notices (issue 16 item 3). The events' services call the `queue…` functions inside the
 * transaction that writes the event, so that the event and its outbox rows commit or roll back
 * together; the worker (./worker.ts) sends them later. Recipients whose choice is `none` get no row.
 */

export const messages = {
  badLink: 'This unsubscribe link is not valid: it may have been copied incompletely. Change what you receive on your account page instead.',
  unsubscribed: 'You will receive no more notices by e-mail from imas-review. You can turn them on again on your account page.',
  modes: {
    immediate: 'Each notice as it happens',
    digest: 'One digest a day (each morning, 06:00 UTC)',
    none: 'No notices by e-mail',
  } satisfies Record<Mode, string>,
  saved: 'Your choice of notices is saved.',
} as const;

type Q = Knex | Knex.Transaction;

/** Rows for these recipients, skipping those who chose no mail; dedupe key = `<prefix>:<user id>`. */
async function queueFor(trx: Q, clock: Clock, recipients: Array<{ id: number }>, prefix: string, notice: Notice | ((r: { id: number }) => Notice)): Promise<number> {
  const ids = [...new Set(recipients.map((r) => r.id))];
  const modes = await repo.modesOf(trx, ids);
  const rows = recipients
    .filter((r) => modes.get(r.id) !== 'none')
    .map((r) => ({ user_id: r.id, dedupe_key: `${prefix}:${r.id}`, notice: typeof notice === 'function' ? notice(r) : notice }));
  return repo.enqueue(trx, rows, clock.now().toISOString());
}

/** A consultation opened (or scheduled) on a standard: its watchers. */
export async function queueConsultationOpened(trx: Q, clock: Clock, standardId: number, n: Omit<Extract<Notice, { kind: 'consultation-opened' }>, 'kind'>): Promise<number> {
  return queueFor(trx, clock, await watchersOfStandard(trx, standardId), `consultation-opened:${n.consultation_id}`, { kind: 'consultation-opened', ...n });
}

/** A disposition of a comment (recorded or changed at `at`): its author. */
export async function queueDisposition(trx: Q, clock: Clock, n: Omit<Extract<Notice, { kind: 'comment-disposed' }>, 'kind'>): Promise<number> {
  const author = await repo.commentAuthor(trx, n.comment_id);
  if (!author) return 0;
  return queueFor(trx, clock, [author], `comment-disposed:${n.comment_id}:${clock.now().toISOString()}`, { kind: 'comment-disposed', ...n });
}

/** The voters of the ballot's electorate (member organisations on its opening day). */
async function ballotVoters(trx: Q, opensAt: string, electorate: number[]) {
  return repo.votersOf(trx, utcDay(opensAt), electorate);
}

export async function queueBallotOpened(trx: Q, clock: Clock, b: { opens_at: string; electorate: number[] }, n: Omit<Extract<Notice, { kind: 'ballot-opened' }>, 'kind'>): Promise<number> {
  return queueFor(trx, clock, await ballotVoters(trx, b.opens_at, b.electorate), `ballot-opened:${n.ballot_id}`, { kind: 'ballot-opened', ...n });
}

export async function queueBallotMoved(trx: Q, clock: Clock, b: { opens_at: string; electorate: number[] }, n: Omit<Extract<Notice, { kind: 'ballot-moved' }>, 'kind'>): Promise<number> {
  return queueFor(trx, clock, await ballotVoters(trx, b.opens_at, b.electorate), `ballot-moved:${n.ballot_id}:${n.to_n}`, { kind: 'ballot-moved', ...n });
}

/** A proposal circulated to the Board's member organisations of today (`electorate`): their voters. */
export async function queueProposalCirculated(trx: Q, clock: Clock, electorate: number[], n: Omit<Extract<Notice, { kind: 'proposal-circulated' }>, 'kind'>): Promise<number> {
  const day = utcDay(clock.now().toISOString());
  return queueFor(trx, clock, await repo.votersOf(trx, day, electorate), `proposal-circulated:${n.proposal_id}`, { kind: 'proposal-circulated', ...n });
}

/** A version published: the standard's watchers. */
export async function queuePublished(trx: Q, clock: Clock, standardId: number, versionId: number, n: Omit<Extract<Notice, { kind: 'published' }>, 'kind'>): Promise<number> {
  return queueFor(trx, clock, await watchersOfStandard(trx, standardId), `published:${versionId}`, { kind: 'published', ...n });
}

/**
 * Reminders that depend on time, found by the worker's loop (no cron): each open ballot closing within
 * 48 hours, to the voters of each organisation of its electorate without a vote on its current draft.
 * The dedupe key (`ballot-closing:<ballot>:<user>`) makes a second finding, by this instance or
 * another, write nothing.
 */
export async function queueClosingReminders(db: Db, clock: Clock, beforeMs: number): Promise<number> {
  const now = clock.now();
  const ballots = await repo.ballotsClosingBetween(db, now.toISOString(), new Date(now.getTime() + beforeMs).toISOString());
  let written = 0;
  for (const b of ballots) {
    const missing = b.electorate.filter((id) => !b.voted.includes(id));
    if (!missing.length) continue;
    // Every pass finds the same ballots: only voters not reminded yet cost a write.
    const found = await ballotVoters(db, b.opens_at, missing);
    const queued = await repo.queuedKeys(db, found.map((v) => `ballot-closing:${b.id}:${v.id}`));
    const voters = found.filter((v) => !queued.has(`ballot-closing:${b.id}:${v.id}`));
    if (!voters.length) continue;
    written += await db.transaction((trx) =>
      queueFor(trx, clock, voters, `ballot-closing:${b.id}`, (r) => ({
        kind: 'ballot-closing', ballot_id: b.id, designation: b.designation, title: b.title, label: b.label, closes_at: b.closes_at,
        organisation: voters.find((v) => v.id === r.id)!.organisation,
      })),
    );
  }
  return written;
}

// — the user's choice, and the unsubscribe link —

export interface Settings {
  mode: Mode;
}

export async function settingsOf(db: Db, viewer: Viewer): Promise<Settings> {
  return { mode: await repo.modeOf(db, viewer.id) };
}

export async function changeSettings(db: Db, clock: Clock, viewer: Viewer, input: Settings, logger?: Logger): Promise<Settings> {
  await db.transaction(async (trx) => {
    const before = await repo.modeOf(trx, viewer.id);
    if (before === input.mode) return;
    await repo.setMode(trx, viewer.id, input.mode, clock.now().toISOString());
    await appendAudit(trx, clock, { actor_id: viewer.id, action: 'notifications.changed', subject_type: 'user', subject_id: viewer.id, data: { from: before, to: input.mode } }, logger);
  });
  return settingsOf(db, viewer);
}

/** The key of unsubscribe links: derived from SESSION_SECRET for this one use. */
const linkKey = (secret: string) => crypto.createHmac('sha256', secret).update('imas-review unsubscribe link').digest();
const macOf = (secret: string, userId: number) => crypto.createHmac('sha256', linkKey(secret)).update(`unsubscribe:${userId}`).digest('base64url');

/**
 * The token of a user's unsubscribe link: their id and its HMAC. It does not expire (a link in an old
 * mail must still work) and grants one thing only: turning that user's mail off.
 */
export function unsubscribeToken(secret: string, userId: number): string {
  return `${userId}.${macOf(secret, userId)}`;
}

/** The user a token names, or null when it is not one of ours. */
export function userOfToken(secret: string, token: string): number | null {
  const m = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return null;
  const id = Number(m[1]);
  const expected = Buffer.from(macOf(secret, id));
  const given = Buffer.from(m[2]!);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given) ? id : null;
}

export function unsubscribeUrl(publicUrl: string, secret: string, userId: number): string {
  return `${publicUrl.replace(/\/+$/, '')}/unsubscribe/${unsubscribeToken(secret, userId)}`;
}

/** Checks a link's token (400 when it is not one of ours, or its account is gone). */
export async function checkUnsubscribe(db: Db, secret: string, token: string): Promise<number> {
  const id = userOfToken(secret, token);
  if (id === null || !(await repo.userExists(db, id))) throw new BadRequest(messages.badLink);
  return id;
}

/** The link's POST: that user's mail is turned off (idempotent), with its audit event. */
export async function unsubscribe(db: Db, clock: Clock, secret: string, token: string, logger?: Logger): Promise<void> {
  const id = await checkUnsubscribe(db, secret, token);
  await db.transaction(async (trx) => {
    const before = await repo.modeOf(trx, id);
    if (before === 'none') return;
    await repo.setMode(trx, id, 'none', clock.now().toISOString());
    await appendAudit(trx, clock, { actor_id: id, action: 'notifications.unsubscribed', subject_type: 'user', subject_id: id, data: { from: before, via: 'link' } }, logger);
  });
}
