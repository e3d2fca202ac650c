import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError, Forbidden, Unauthorized } from '../errors.ts';
import { csrfPendingUnchecked, messages as csrfMessages } from './csrf.ts';
import type { Role, Viewer } from './viewer.ts';

/**
 * Who may do what: ONE table (design.md §8.4). Routes name an action of this table (or a rule directly)
 * in allow(...) as their first handler; a test walks the router and fails on a route without one
 * (permissions fail closed). Finer checks that depend on the object (own comment, own account) are made
 * by the services on top of these.
 *
 * Rules: 'public' — anyone; 'signed-in' — any account; 'verified' — an account whose e-mail address is
 * verified; a list of roles — those roles only.
 *
 * This is the only place that names a role in a decision (test/unit/role-checks.test.ts): code asks
 * can(viewer, action), or roleCan(role, action) about an account other than the viewer's.
 */
export type Rule = 'public' | 'signed-in' | 'verified' | readonly Role[];

export const PERMISSIONS = {
  // the library (design.md §6 "who sees what")
  'feeds.read': 'public',
  // the interface language (issue 19): anyone chooses theirs
  'language.choose': 'public',
  // drafts never put out for consultation
  'drafts.read-unreleased': ['board', 'secretariat'],
  'consultation-report.read': 'public',
  // the blank ISO comment template of a consultation (no comments in it)
  'comment-template.read': 'public',
  'comments.read-open': 'signed-in',
  'comments.create': 'verified',
  'comments.edit-own': 'verified',
  'comments.dispose': ['secretariat'],
  'comments.on-behalf': ['secretariat'],
  // the texts a comment had before its author edited it
  'comments.read-revisions': ['secretariat'],
  // search across the comments and dispositions of every consultation; an account searches its own anyway
  'search.comments-all': ['secretariat', 'board'],
  'search.comments-own': 'signed-in',
  'ballots.read-open': ['board', 'secretariat'],
  'ballots.vote': ['board'],
  'ballots.manage': ['secretariat'],
  // open a ballot although a consultation that led to its draft is open or has comments without a disposition
  'ballots.override-order': ['secretariat'],
  'standards.manage': ['secretariat'],
  'drafts.create': ['secretariat'],
  'consultations.manage': ['secretariat'],
  'versions.publish': ['secretariat'],
  // the Steering Group's acceptance and the UN endorsement (IACG-MA) of an approved version
  'versions.record-steps': ['secretariat'],
  // proposals (Justification Forms): the log is public; any account proposes (its own form it may
  // change until circulated, checked by the service); the Board's member organisations respond (the
  // service checks the account is a principal or alternate of one); the secretariat runs the rest.
  'proposals.read': 'public',
  'proposals.create': 'verified',
  'proposals.edit': 'verified',
  'proposals.respond': ['board'],
  // the count and who said what while responses are open (public once decided)
  'proposals.read-responses': ['board', 'secretariat'],
  'proposals.manage': ['secretariat'],
  // the organisations register: confirmed organisations are public, the secretariat keeps the register
  'organisations.read': 'public',
  'organisations.manage': ['secretariat'],
  // the Review Board: who is on it (and since when) is public; the secretariat sets its dated facts
  'board.read': 'public',
  'board.manage': ['secretariat'],
  // accounts
  'auth.sign-in': 'public',
  'auth.register': 'public',
  'auth.sign-out': 'signed-in',
  'account.own': 'signed-in',
  'tokens.own': 'signed-in',
  'accounts.manage': ['secretariat'],
  // "My work" (issue 16): every account has the page; its sections follow the role — the Board's ballots
  // and proposals, the commenter's consultations and dispositions, the secretariat's queue (its desk).
  'work.read': 'signed-in',
  'work.board': ['board'],
  'work.comments': ['stakeholder', 'board'],
  'work.queue': ['secretariat'],
  // what one watches (a standard, a series, everything) is one's own business
  'watches.own': 'signed-in',
  'audit.read-all': ['secretariat'],
  // Not a right but a duty: these accounts sign in with a second factor (ASVS 2.2.3 for administrators).
  'twofactor.required': ['secretariat'],
} as const satisfies Record<string, Rule>;

export type Action = keyof typeof PERMISSIONS;
/** The actions decided by role alone. */
export type RoleAction = { [A in Action]: (typeof PERMISSIONS)[A] extends readonly Role[] ? A : never }[Action];

/**
 * Where an account lands after signing in when it came from nowhere in particular: the first page of
 * this ordered list whose action its role may do, else "My work" (/me), which every role has.
 */
export const START_PAGES: ReadonlyArray<readonly [RoleAction, string]> = [];
export const DEFAULT_START_PAGE = '/me';

export function startPageOf(role: Role | string): string {
  return START_PAGES.find(([action]) => roleCan(role, action))?.[1] ?? DEFAULT_START_PAGE;
}

export const messages = {
  verifyFirst: 'Confirm your e-mail address first: follow the link we sent you, or ask for a new one on your account page.',
} as const;

export interface Guard extends RequestHandler {
  rule: Rule;
  action?: Action;
}

export function viewerOf(res: Response): Viewer | null {
  return (res.locals.viewer as Viewer | undefined) ?? null;
}

const isAction = (x: unknown): x is Action => typeof x === 'string' && x in PERMISSIONS;

/** The rule of an action or a rule given directly. */
export function ruleOf(ruleOrAction: Rule | Action): Rule {
  return isAction(ruleOrAction) ? PERMISSIONS[ruleOrAction] : ruleOrAction;
}

/** Whether `viewer` may do it: the same answer as allow(), for views and services. */
export function can(viewer: Viewer | null, ruleOrAction: Rule | Action): boolean {
  return refusal(viewer, ruleOf(ruleOrAction)) === null;
}

/**
 * Whether an account of this role may do it: for rules about another account than the viewer's (the
 * last account that manages accounts, a voter's organisation, who must enrol a second factor).
 */
export function roleCan(role: Role | string, action: RoleAction): boolean {
  return (PERMISSIONS[action] as readonly string[]).includes(role);
}

/** The roles that may do it: for a query over accounts (the Board's voting members). */
export const rolesThatCan = (action: RoleAction): readonly Role[] => PERMISSIONS[action];

function refusal(viewer: Viewer | null, rule: Rule): 'anonymous' | 'role' | 'unverified' | null {
  if (rule === 'public') return null;
  if (!viewer) return 'anonymous';
  if (rule === 'signed-in') return null;
  if (rule === 'verified') return viewer.emailVerified ? null : 'unverified';
  return rule.includes(viewer.role) ? null : 'role';
}

/** Anonymous → 401 on the API, a redirect to sign-in on pages; signed in without the right → 403. */
export function allow(ruleOrAction: Rule | Action): Guard {
  const rule = ruleOf(ruleOrAction);
  const guard = ((req: Request, res: Response, next: NextFunction) => {
    // A multipart write carries its CSRF token in the body: a route that does not check it there
    // (csrfFromBody after its parser) takes no multipart writes at all.
    if (csrfPendingUnchecked(req)) return next(new AppError(403, 'csrf', csrfMessages.csrf));
    const why = refusal(viewerOf(res), rule);
    if (!why) return next();
    if (why === 'anonymous') {
      if (req.originalUrl.startsWith('/api/')) return next(new Unauthorized());
      // Only a GET can be replayed after signing in.
      const back = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
      return res.redirect(303, `/login${back}`);
    }
    next(new Forbidden(why === 'unverified' ? messages.verifyFirst : undefined));
  }) as Guard;
  guard.rule = rule;
  if (isAction(ruleOrAction)) guard.action = ruleOrAction;
  return guard;
}
