/** OpenAPI paths of the choice of notices by mail, merged into /api/v1/openapi.json. */
import { bearer, body, error, json } from '../http/openapi-parts.ts';
import { MODES } from './messages.ts';

const settings = {
  type: 'object',
  required: ['mode'],
  properties: {
    mode: {
      type: 'string',
      enum: [...MODES],
      description: '`immediate`: each notice by mail as it happens; `digest`: one mail a day (06:00 UTC) with the notices since the last; `none`: no mail (also what the unsubscribe link in every mail sets).',
    },
  },
};

export const notificationsPaths: Record<string, unknown> = {
  '/me/notifications': {
    get: {
      summary: 'Your choice of notices by e-mail',
      description: 'Notices: a consultation opened or a publication on a standard you watch; a disposition of your comment; for Board voters, a ballot opened, moved to a newer draft or closing within 48 hours without your organisation\'s vote, and a proposal circulated. Without a choice saved: `immediate`.',
      security: bearer,
      responses: { 200: { description: 'The choice', content: json(settings) }, 401: error },
    },
    put: {
      summary: 'Change your choice of notices by e-mail',
      security: bearer,
      requestBody: body(settings),
      responses: { 200: { description: 'The choice, saved', content: json(settings) }, 401: error, 422: error },
    },
  },
};
