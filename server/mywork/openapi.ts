/** OpenAPI paths of "My work" (issue 16 item 1), merged into /api/v1/openapi.json. */
import { bearer, error, json } from '../http/openapi-parts.ts';

const ballot = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, designation: { type: 'string' }, title: { type: 'string' }, n: { type: 'integer' }, label: { type: 'string' },
    closes_at: { type: 'string', format: 'date-time' }, my_vote: { type: 'string', nullable: true, enum: ['not_voted', 'outdated', 'voted'] }, href: { type: 'string' },
  },
};
const consultation = {
  type: 'object',
  properties: { id: { type: 'integer' }, designation: { type: 'string' }, title: { type: 'string' }, n: { type: 'integer' }, label: { type: 'string' }, closes_at: { type: 'string', format: 'date-time' }, href: { type: 'string' } },
};
const proposal = {
  type: 'object',
  properties: { id: { type: 'integer' }, title: { type: 'string' }, submitted_at: { type: 'string', format: 'date-time' }, circulated_at: { type: 'string', nullable: true }, response_due_at: { type: 'string', nullable: true }, status: { type: 'string' }, href: { type: 'string' } },
};
const list = (items: object) => ({ type: 'array', items });

export const myworkPaths: Record<string, unknown> = {
  '/me/work': {
    get: {
      summary: 'What waits for the caller: the Board member\'s ballots and proposals, the commenter\'s consultations and dispositions, the secretariat\'s queue',
      description: 'Each part is null when the role has none. Lists are oldest (or soonest to close) first; every item has the href of the page where the work is done. "New" dispositions are those since the last visit of the /me page (reading this does not count as a visit).',
      security: bearer,
      responses: {
        200: {
          description: 'My work',
          content: json({
            type: 'object',
            required: ['board', 'commenter', 'queue'],
            properties: {
              board: {
                type: 'object',
                nullable: true,
                properties: {
                  organisation: { type: 'object', nullable: true, properties: { id: { type: 'integer' }, name: { type: 'string' } } },
                  not_voted: list(ballot), outdated: list(ballot), closing_soon: list(ballot), proposals: list(proposal),
                },
              },
              commenter: {
                type: 'object',
                nullable: true,
                properties: {
                  since: { type: 'string', format: 'date-time', nullable: true },
                  watched_consultations: list(consultation),
                  comments: list({
                    type: 'object',
                    properties: {
                      id: { type: 'integer' }, designation: { type: 'string' }, label: { type: 'string' }, clause: { type: 'string', nullable: true }, excerpt: { type: 'string' },
                      disposition: { type: 'string', nullable: true }, disposed_at: { type: 'string', nullable: true }, is_new: { type: 'boolean' }, href: { type: 'string' },
                    },
                  }),
                  new_dispositions: { type: 'integer' },
                  closing_soon: list(consultation),
                },
              },
              queue: {
                type: 'array',
                nullable: true,
                items: {
                  type: 'object',
                  properties: {
                    key: { type: 'string', example: 'reviews' }, title: { type: 'string' }, count: { type: 'integer' },
                    items: list({ type: 'object', properties: { text: { type: 'string' }, href: { type: 'string' }, at: { type: 'string' }, count: { type: 'integer' }, status: { type: 'string', enum: ['due', 'overdue'] } } }),
                  },
                },
              },
            },
          }),
        },
        401: error,
      },
    },
  },
};
