import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps.ts';
import { allow, viewerOf } from '../auth/permissions.ts';
import { formValues, submitForm } from '../http/forms.ts';
import { parseOr422 } from '../http/validation.ts';
import { confirmed, renderConfirmation } from '../http/confirm.ts';
import { t } from '../i18n/index.ts';
import { formatDate } from '../i18n/format.ts';
import { localise } from '../i18n/messages.ts';
import { nOf } from '../ballots/api.ts';
import { stepSchema } from './validation.ts';
import * as service from './service.ts';
import type { Step } from './rules.ts';
import { langOf } from '../i18n/middleware.ts';

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
    const lang = langOf(res);
    res.render('endorsement/steps', {
      title: t(lang, 'endorsement:pageTitle', { ref: steps.ref, label: localise(lang, steps.label) }),
      steps,
      versionHref: base(steps.ref, steps.n),
      nextName: steps.next ? t(lang, `endorsement:step_${steps.next}`) : null,
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
        const lang = langOf(res);
        const label = localise(lang, a.label);
        const what = [
          a.approved_on
            ? a.approving_ballot_id
              ? t(lang, 'endorsement:confirm.approvedBallot', { label, date: formatDate(lang, a.approved_on), id: a.approving_ballot_id })
              : t(lang, 'endorsement:confirm.approved', { label, date: formatDate(lang, a.approved_on) })
            : t(lang, 'endorsement:confirm.before', { label }),
          ...(input.step === 'endorsement' && a.steering_group ? [t(lang, 'endorsement:confirm.sgAccepted', { date: formatDate(lang, a.steering_group.on) })] : []),
          input.note
            ? t(lang, `endorsement:confirm.stepNote_${input.step}`, { date: formatDate(lang, input.date), note: input.note })
            : t(lang, `endorsement:confirm.step_${input.step}`, { date: formatDate(lang, input.date) }),
          ...(input.step === 'endorsement' && a.awaiting_endorsement ? [t(lang, 'endorsement:confirm.stopsAwaiting')] : []),
        ];
        return renderConfirmation(res, {
          title: t(lang, `endorsement:confirm.title_${input.step}`, { label }),
          what,
          undo: t(lang, 'endorsement:confirm.undo'),
          action: `${base(a.ref, a.n)}/steps`,
          fields: { step: input.step, date: input.date, note: input.note ?? '' },
          button: t(lang, `endorsement:record_${input.step}`),
          back: { href: `${base(a.ref, a.n)}/steps`, label: t(lang, 'endorsement:confirm.back') },
        });
      }
      const a = await service.recordStep(db, clock, viewerOf(res)!, ref, n, input);
      res.redirect(303, `${base(a.ref, a.n)}?done=${STEP_DONE[input.step]}`);
    }, (err) => renderSteps(res, ref, n, { values, errors: err.fields, error: err.code === 'validation' ? undefined : err.message }));
  });

  return r;
}

