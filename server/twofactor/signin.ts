import type { NextFunction, Request, Response } from 'express';
import type { Deps } from '../deps.ts';
import type { Auth } from '../auth/middleware.ts';
import { safeReturnPath } from '../auth/middleware.ts';
import type { UserRow } from '../accounts/repo.ts';
import { startPageOf } from '../auth/permissions.ts';

declare module 'express-session' {
  interface SessionData {
    /**
     * Half signed in: the password was right, the second factor is still to come. Nothing else is in
     * the session (no passport.user), so every permission check still sees an anonymous visitor.
     */
    twoFactor?: { userId: number; email: string; at: number };
  }
}

/** How long the second step may take after the password. */
export const SECOND_STEP_MS = 5 * 60_000;

/** The pending second step of this session, or null (none, or too old). */
export function pendingSecondStep(req: Request, now: number): { userId: number; email: string } | null {
  const p = req.session?.twoFactor;
  if (!p || now - p.at > SECOND_STEP_MS || now < p.at) return null;
  return { userId: p.userId, email: p.email };
}

/**
 * The password was right for a user with two-factor sign-in: a new session (no fixation) that only
 * remembers who is half signed in and where to go afterwards, then the page asking for the code.
 */
export function startSecondStep(deps: Deps, auth: Auth, req: Request, res: Response, next: NextFunction, user: UserRow): void {
  const returnTo = req.session.returnTo;
  req.session.regenerate((err) => {
    if (err) return next(err);
    if (returnTo) req.session.returnTo = returnTo;
    req.session.twoFactor = { userId: user.id, email: user.email, at: deps.clock.now().getTime() };
    auth.csrfToken(req, true);
    req.session.save((saveErr) => (saveErr ? next(saveErr) : res.redirect(303, '/login/code')));
  });
}

/** Signs `user` in on this session and goes back to where they came from, else to their role's start page. */
export function finishSignIn(deps: Deps, auth: Auth, req: Request, res: Response, next: NextFunction, user: UserRow): void {
  const returnTo = req.session.returnTo;
  delete req.session.twoFactor;
  // Passport 0.7 regenerates the session here (no fixation); keepSessionInfo keeps returnTo.
  req.login(user, { session: true, keepSessionInfo: true }, (loginErr) => {
    if (loginErr) return next(loginErr);
    const now = deps.clock.now().getTime();
    req.session.signedInAt = now;
    req.session.lastSeenAt = now;
    delete req.session.returnTo;
    // A new CSRF token for the signed-in session.
    auth.csrfToken(req, true);
    req.session.save((saveErr) => (saveErr ? next(saveErr) : res.redirect(303, safeReturnPath(returnTo) ?? startPageOf(user.role))));
  });
}
