/** OpenAPI paths of personal data (export, closing an account), merged into /api/v1/openapi.json. */
import { bearer, error, json, schemaOf } from '../http/openapi-parts.ts';
import { closeSchema } from './validation.ts';

const idParam = { name: 'id', in: 'path', required: true, schema: { oneOf: [{ type: 'integer' }, { type: 'string', enum: ['me'] }] }, description: 'An account id, or `me`' };

export const privacyPaths: Record<string, unknown> = {
  '/users/{id}/export': {
    get: {
      summary: 'Everything held about an account, as JSON: your own, or any for the secretariat (on request)',
      description: 'The account fields; the comments written (in full) and entered for others (by reference); votes and vote events cast; API tokens (metadata, never the hash); the number of active sessions; the audit events made by or about the account.',
      security: bearer,
      parameters: [idParam],
      responses: {
        200: {
          description: 'The export',
          content: json({
            type: 'object',
            properties: {
              exported_at: { type: 'string', format: 'date-time' },
              user: { type: 'object' },
              comments: { type: 'array', items: { type: 'object' } },
              votes: { type: 'array', items: { type: 'object' } },
              vote_events: { type: 'array', items: { type: 'object' } },
              proposals: { type: 'array', items: { type: 'object' }, description: 'Proposals (Justification Forms) the account submitted.' },
              proposal_responses: { type: 'array', items: { type: 'object' }, description: 'Responses to proposals it gave for its organisation.' },
              api_tokens: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, created_at: { type: 'string' }, last_used_at: { type: 'string', nullable: true }, revoked_at: { type: 'string', nullable: true } } } },
              sessions: { type: 'object', properties: { active: { type: 'integer' } } },
              notifications: {
                type: 'object',
                description: 'The choice of notices by e-mail, and the notices queued for the account (newest first).',
                properties: { mode: { type: 'string', enum: ['immediate', 'digest', 'none'] }, mails: { type: 'array', items: { type: 'object' } } },
              },
              audit_events: { type: 'array', items: { type: 'object' } },
            },
          }),
        },
        401: error, 403: error, 404: error,
      },
    },
  },
  '/users/{id}/close': {
    post: {
      summary: 'Close an account: yours (with your password), or any for the secretariat (on request)',
      description: 'Erases the name, e-mail address (replaced by a placeholder that is not an address), password hash, API tokens, e-mail links and sessions. Comments and votes stay in the public record under their organisation, shown as "former member of <organisation>". The audit record keeps account ids only. Irreversible.',
      security: bearer,
      parameters: [idParam],
      requestBody: { required: false, content: json(schemaOf(closeSchema, { password: { description: 'required to close your own account' } })) },
      responses: {
        200: { description: 'Closed', content: json({ type: 'object', properties: { user: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string', example: 'former member of Field NGO' }, organisation: { type: 'string' }, role: { type: 'string' }, closed_at: { type: 'string', format: 'date-time' } } } } }) },
        401: error, 403: error, 404: error, 409: { description: 'Already closed, or the last active secretariat account' }, 422: error,
      },
    },
  },
};
