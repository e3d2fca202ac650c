import { t } from '../i18n/index.ts';
import type { Viewer } from '../auth/viewer.ts';
import { Conflict, Forbidden, NotFound, Validation } from '../errors.ts';
import { appendAudit } from '../audit/service.ts';
import { can, roleCan } from '../auth/permissions.ts';
import { verifyPassword } from '../accounts/passwords.ts';
import { reference } from '../consultations/service.ts';
import { countSecretariat, findUserById } from '../accounts/repo.ts';
import { messages as userMessages, type Ctx } from '../accounts/service.ts';
import * as repo from './repo.ts';
import { modeOf, outboxOf } from '../notifications/repo.ts';

/**
 * Personal data (issue 9, item 11): a user downloads what the system holds about them, and closes their
 * account; the secretariat does either on request. Closing erases the person and keeps the public
 * record: comments and votes stay, under their organisation, as "former member of <organisation>".
 */
export const messages = {
  notYours: 'You can download or close only your own account.',
  passwordNeeded: 'Enter your password to close your account.',
  wrongPassword: 'Your password is not right: the account is still open.',
  alreadyClosed: 'This account is already closed.',
  lastSecretariat: userMessages.lastSecretariat,
  noSuchUser: userMessages.noSuchUser,
} as const;

function assertSelfOrSecretariat(viewer: Viewer, id: number): void {
  if (!can(viewer, 'accounts.manage') && viewer.id !== id) throw new Forbidden(messages.notYours);
}

const parseData = (s: unknown): unknown => {
  try {
    return JSON.parse(String(s));
  } catch {
    return s;
  }
};

/** Everything held about one account, as one JSON document; nothing about anyone else but their ids. */
export async function exportData(ctx: Pick<Ctx, 'db' | 'clock'>, viewer: Viewer, id: number) {
  assertSelfOrSecretariat(viewer, id);
  const user = await repo.userRow(ctx.db, id);
  if (!user) throw new NotFound(messages.noSuchUser);
  const now = ctx.clock.now();
  const [comments, votes, voteEvents, tokens, sessions, audit, proposals, proposalResponses, mode, outbox] = await Promise.all([
    repo.commentsOf(ctx.db, id),
    repo.votesOf(ctx.db, id),
    repo.voteEventsOf(ctx.db, id),
    repo.tokensOf(ctx.db, id),
    repo.sessionCount(ctx.db, id, now),
    repo.auditOf(ctx.db, id),
    repo.proposalsOf(ctx.db, id),
    repo.proposalResponsesOf(ctx.db, id),
    modeOf(ctx.db, id),
    outboxOf(ctx.db, id),
  ]);
  return {
    exported_at: now.toISOString(),
    about: 'What imas-review holds about this account (see /privacy). Times are UTC.',
    user: { ...user, closed: Boolean(user.closed_at) },
    // Comments the user wrote in full; those they entered for someone else (secretariat) by reference
    // only, since the sender's name is that person's data, not theirs.
    comments: comments.map((c) =>
      c.author_id === id
        ? {
            id: c.id, reference: reference(c), consultation_id: c.consultation_id, clause: c.clause_ref, paragraph: c.paragraph, line_number: c.line_number,
            type: c.type, comment: c.comment, proposed_change: c.proposed_change, author: { name: c.author_name, organisation: c.organisation },
            submitted_at: c.submitted_at, updated_at: c.updated_at, withdrawn_at: c.withdrawn_at, disposition: c.disposition, response: c.response,
          }
        : { id: c.id, reference: reference(c), consultation_id: c.consultation_id, entered_for: c.organisation, entered_by_you: true, submitted_at: c.submitted_at },
    ),
    votes,
    vote_events: voteEvents,
    proposals: proposals.map((p) => ({ ...p, substantial: Boolean(p.substantial) })),
    proposal_responses: proposalResponses,
    api_tokens: tokens,
    sessions: { active: sessions },
    // The notices queued for the account (issue 16): what each was about, when it was sent or dropped.
    notifications: {
      mode,
      mails: outbox.map((o) => ({ id: o.id, kind: o.kind, about: o.notice, created_at: o.created_at, sent_at: o.sent_at, dropped_at: o.dropped_at, attempts: o.attempts })),
    },
    audit_events: audit.map((e) => ({ ...e, data: parseData(e.data) })),
  };
}

/**
 * Closes an account. One's own needs one's password; the secretariat closes any other on request. The
 * last active secretariat account cannot be closed. A mail to the old address says it is done.
 */
export async function closeAccount(ctx: Ctx, actor: Viewer, id: number, input: { password?: string }): Promise<{ id: number; name: string; organisation: string; role: string; closed_at: string }> {
  assertSelfOrSecretariat(actor, id);
  const user = await findUserById(ctx.db, id);
  if (!user) throw new NotFound(messages.noSuchUser);
  if ((user as { closed_at?: string | null }).closed_at) throw new Conflict(messages.alreadyClosed);
  const self = actor.id === id;
  if (self) {
    if (!input.password) throw new Validation(messages.passwordNeeded, { password: messages.passwordNeeded });
    if (!(await verifyPassword(user.password_hash, input.password))) throw new Validation(messages.wrongPassword, { password: messages.wrongPassword });
  }
  const now = ctx.clock.now();
  await ctx.db.transaction(async (trx) => {
    // Someone must be left to manage accounts.
    if (roleCan(user.role, 'accounts.manage') && !user.disabled_at && (await countSecretariat(trx)) <= 1) throw new Conflict(messages.lastSecretariat);
    await repo.eraseUser(trx, user, now);
    // Ids only: the audit never holds the name or address (it is hash-chained and cannot be rewritten).
    await appendAudit(trx, ctx.clock, { actor_id: actor.id, action: 'account.closed', subject_type: 'user', subject_id: id, data: { by: self ? 'self' : 'secretariat' } }, ctx.logger);
  });
  await ctx.mailer.send({
    to: user.email,
    subject: t(user.language ?? 'en', 'accountmail:closed.subject'),
    text: t(user.language ?? 'en', self ? 'accountmail:closed.textSelf' : 'accountmail:closed.textOther', { former: repo.formerMemberOf(user.organisation) }),
  });
  const closed = (await repo.userRow(ctx.db, id))!;
  return { id, name: closed.name, organisation: closed.organisation, role: closed.role, closed_at: new Date(closed.closed_at).toISOString() };
}
