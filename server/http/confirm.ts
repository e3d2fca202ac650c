import type { Response } from 'express';

/**
 * The confirmation step of a destructive action (issue 11 item 7), without JavaScript: the first step
 * (a GET link, or the form posted without `confirm=yes`) shows a page that says what will happen, with a
 * confirm button (a POST with CSRF) and a way back; only a POST carrying `confirm=yes` acts.
 */
export interface Confirmation {
  /** the question, e.g. "Close ballot 3 now?" */
  title: string;
  /** what will happen, one sentence a line */
  what: string[];
  /** what cannot be undone (or how to undo it) */
  undo: string;
  /** where the confirm button posts */
  action: string;
  /** form fields carried to the final POST (e.g. the withdrawal date) */
  fields?: Record<string, string>;
  button: string;
  back: { href: string; label: string };
}

export const confirmed = (body: unknown): boolean => (body as Record<string, unknown> | undefined)?.confirm === 'yes';

export function renderConfirmation(res: Response, c: Confirmation): void {
  res.render('confirm/page', { ...c, fields: Object.entries(c.fields ?? {}).map(([name, value]) => ({ name, value })) });
}
