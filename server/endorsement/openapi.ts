/** OpenAPI paths of the steps after the Board, merged into /api/v1/openapi.json by server/openapi.ts. */
import { bearer, bodyOf, error, json, refParam } from '../http/openapi-parts.ts';
import { stepSchema } from './validation.ts';

const nParam = { name: 'n', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };
const step = { type: 'object', nullable: true, properties: { on: { type: 'string', format: 'date' }, note: { type: 'string', nullable: true } } };
const afterBoard = json({
  type: 'object',
  required: ['ref', 'n', 'state', 'approved_on', 'steering_group', 'endorsement', 'awaiting_endorsement', 'next'],
  properties: {
    ref: { type: 'string' },
    n: { type: 'integer' },
    label: { type: 'string' },
    state: { type: 'string', enum: ['draft', 'approved', 'rejected', 'published'] },
    approved_on: { type: 'string', format: 'date', nullable: true, description: 'The day the Review Board ballot closed approved (null for an edition imported as published).' },
    approving_ballot_id: { type: 'integer', nullable: true },
    steering_group: { ...step, description: "The Steering Group's acceptance." },
    endorsement: { ...step, description: 'The UN endorsement (IACG-MA).' },
    awaiting_endorsement: { type: 'boolean', description: 'Published "with immediate effect, awaiting endorsement", the endorsement not yet recorded.' },
    next: { type: 'string', enum: ['steering_group', 'endorsement'], nullable: true, description: 'The step that can be recorded next.' },
  },
});

export const endorsementPaths = {
  '/standards/{ref}/versions/{n}/steps': {
    get: {
      summary: "The steps after the Board of a version: the Steering Group's acceptance and the UN endorsement (secretariat)",
      security: bearer,
      parameters: [refParam, nParam],
      responses: { 200: { description: 'The steps', content: afterBoard }, 401: error, 403: error, 404: error },
    },
    post: {
      summary: "Record the Steering Group's acceptance or the UN endorsement (IACG-MA) of an approved version (secretariat)",
      description:
        'In order (domain.md §1: Review Board → Steering Group → UN endorsement): only an approved or published version; the Steering Group first; each once. ' +
        'Wrong state or order → 409; a date in the future, before the Board approved the version, or (endorsement) before the Steering Group accepted it → 422 with fields.date.',
      security: bearer,
      parameters: [refParam, nParam],
      requestBody: bodyOf(stepSchema, { date: { format: 'date', description: 'A UTC day, not in the future.' }, note: { description: 'A note or reference, e.g. the meeting or letter.' } }),
      responses: { 201: { description: 'The steps after recording', content: afterBoard }, 401: error, 403: error, 404: error, 409: error, 422: error },
    },
  },
};
