/** OpenAPI paths of publication, merged into /api/v1/openapi.json by server/http/openapi.ts. */
import { bearer, bodyOf, error, refParam } from '../http/openapi-parts.ts';
import { publishSchema } from './validation.ts';

const nParam = { name: 'n', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };

export const publicationPaths = {
  '/standards/{ref}/versions/{n}/publish': {
    post: {
      summary: 'Publish an approved version as Edition N [Amendment M] (secretariat); anything not approved → 409 with the reason',
      security: bearer,
      parameters: [refParam, nParam],
      requestBody: bodyOf(publishSchema, {
        // A null amendment is read as none (the preprocess step of the schema).
        amendment: { nullable: true },
        in_force_from: { format: 'date', description: 'A UTC day, not before today; the previous edition is superseded from it.' },
        awaiting_endorsement: {
          description:
            'Publish "with immediate effect, awaiting endorsement" by the UN (IACG-MA): the version, the history and the API say so until the endorsement is recorded ' +
            '(POST /standards/{ref}/versions/{n}/steps). Default false: the publication makes no claim about endorsement, as before. 422 when the endorsement is already recorded.',
        },
      }),
      responses: {
        200: { description: '{ref, n, label, state, edition, amendment, edition_label, published_at, in_force_from, summary, sha256, ballot_id, awaiting_endorsement}' },
        401: error, 403: error, 404: error, 409: error, 422: error,
      },
    },
  },
};
