import type { Response } from 'express';
import { AppError } from '../errors.ts';

/**
 * "Render the form again with the message at the field", once. A form's action is refused for what was
 * sent or the state it met: the same page comes back with that status, the user's input kept and the
 * messages beside the fields, never the generic error page that would lose what was typed. 401 and 404
 * are not about the form (sign in; nothing there): they go to the error handler like any other error.
 */
const FORM_STATUSES = new Set([400, 403, 409, 413, 422]);

/** Is this an error the form page answers itself? */
export const isFormError = (err: unknown): err is AppError => err instanceof AppError && FORM_STATUSES.has(err.status);

/**
 * Runs `action` (parse with parseOr422, call the service, redirect); on a form error sets its status
 * and calls `again` to render the page with the input. If that page cannot be shown (the thing is gone),
 * the original error goes to the error handler.
 */
export async function submitForm(res: Response, action: () => unknown, again: (err: AppError) => unknown): Promise<void> {
  try {
    await action();
  } catch (err) {
    if (!isFormError(err)) throw err;
    res.status(err.status);
    try {
      await again(err);
    } catch {
      throw err;
    }
  }
}

/** The string fields of a form body to put back in the page (all of them, or those named); never a file. */
export function formValues(body: unknown, ...names: string[]): Record<string, string> {
  const b = (body ?? {}) as Record<string, unknown>;
  const keys = names.length ? names : Object.keys(b);
  const out: Record<string, string> = {};
  for (const k of keys) if (typeof b[k] === 'string') out[k] = b[k] as string;
  return out;
}

/** The messages to put at the fields: the error's own per field, or its message under `form` when it names none. */
export const errorsOf = (err: AppError): Record<string, string> => (err.fields && Object.keys(err.fields).length ? err.fields : { form: err.message });
