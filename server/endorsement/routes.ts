import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import { formValues, submitForm } from '../http/forms.ts';
import { parseOr422 } from '../http/validation.ts';
import { confirmed, renderConfirmation } from '../http/confirm.ts';
import { longDate } from '../time.ts';
import { nOf } from '../ballots/api.ts';
import { stepSchema } from './validation.ts';
import * as service from './service.ts';
import type { Step } from './rules.ts';

/** Where the version page lands after a step is recorded (its `?done=` notices: server/standards/routes.ts). */
export const STEP_DONE: Record<Step, string> = { steering_group: 'steering_group', endorsement: 'endorsed' };

/**
 * The secretariat's page for the steps after the Board of one version (linked from the version page and
 * from the ballot page after approval): what is recorded, and the form for the next step. Recording goes
 * through a confirmation page that states the order of the dates.
 */
export function endorsementRoutes(deps: Deps): Router {
  const r = Router();
  const { db, clock } = deps;
  const base = (ref: string, n: number) => `/standards/${encodeURIComponent(ref)}/versions/${n}`;

  async function renderSteps(res: Response, ref: string, n: number, extra: { values?: Record<string, string>; errors?: Record<string, string>; error?: string } = {}) {
    const steps = await service.afterBoard(db, clock, ref, n);
    res.render('endorsement/steps', {
      title: `After the Board: ${steps.ref} ${steps.label}`,
      steps,
      versionHref: base(steps.ref, steps.n),
      nextName: steps.next ? service.stepName(steps.next) : null,
      values: extra.values ?? { step: steps.next ?? '', date: '', note: '' },
      errors: extra.errors,
      error: extra.error,
    });
  }

  r.get('/standards/:ref/versions/:n/steps', allow('versions.record-steps'), async (req, res) => {
    await renderSteps(res, String(req.params.ref), nOf(req.params.n));
  });

  r.post('/standards/:ref/versions/:n/steps', allow('versions.record-steps'), async (req: Request, res: Response) => {
    const ref = String(req.params.ref);
    const n = nOf(req.params.n);
    const values = { step: '', date: '', note: '', ...formValues(req.body, 'step', 'date', 'note') };
    await submitForm(res, async () => {
      const input = parseOr422(stepSchema, req.body);
      if (!confirmed(req.body)) {
        // The same checks as the write, then the question with the dates in order.
        const a = await service.checkStep(db, clock, ref, n, input);
        const what = [
          a.approved_on ? `The Review Board approved ${a.label} on ${longDate(a.approved_on)}${a.approving_ballot_id ? ` (ballot ${a.approving_ballot_id})` : ''}.` : `${a.label} was published before imas-review: no Board approval is recorded here.`,
          ...(input.step === 'endorsement' && a.steering_group ? [`The Steering Group accepted it on ${longDate(a.steering_group.on)}.`] : []),
          `${capital(service.stepName(input.step))}: ${longDate(input.date)}${input.note ? `, "${input.note}"` : ''}.`,
          ...(input.step === 'endorsement' && a.awaiting_endorsement ? ['Its pages and the API stop saying "awaiting endorsement" and show this date.'] : []),
        ];
        return renderConfirmation(res, {
          title: `Record ${service.stepName(input.step)} of ${a.label}?`,
          what,
          undo: 'A recorded step cannot be changed or removed here: check the date.',
          action: `${base(a.ref, a.n)}/steps`,
          fields: { step: input.step, date: input.date, note: input.note ?? '' },
          button: `Record ${service.stepName(input.step)}`,
          back: { href: `${base(a.ref, a.n)}/steps`, label: 'Back to the steps' },
        });
      }
      const a = await service.recordStep(db, clock, viewerOf(res)!, ref, n, input);
      res.redirect(303, `${base(a.ref, a.n)}?done=${STEP_DONE[input.step]}`);
    }, (err) => renderSteps(res, ref, n, { values, errors: err.fields, error: err.code === 'validation' ? undefined : err.message }));
  });

  return r;
}

const capital = (s: string) => s[0]!.toUpperCase() + s.slice(1);
