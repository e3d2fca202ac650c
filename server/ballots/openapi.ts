/** OpenAPI paths of ballots, merged into /api/v1/openapi.json by server/http/openapi.ts. */
import { bearer, bodyOf, error, json, refParam } from '../http/openapi-parts.ts';
import { extendSchema, moveSchema, openBallotSchema, voteSchema } from './validation.ts';

const nParam = { name: 'n', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };
const counts = { type: 'integer', minimum: 0 };

const ballot = {
  type: 'object',
  required: ['id', 'ref', 'n', 'rule', 'quorum', 'opens_at', 'closes_at', 'state', 'electorate', 'tally', 'needed', 'result', 'votes'],
  properties: {
    id: { type: 'integer' },
    ref: { type: 'string', example: '07.11' },
    n: { type: 'integer', description: 'The version now under ballot (a move changes it).' },
    proposal_id: { type: 'integer', nullable: true, description: 'The proposal that version was drafted from (GET /proposals/{id}).' },
    label: { type: 'string' },
    rule: { type: 'string', enum: ['iso', 'majority', 'consensus'] },
    quorum: { type: 'number', minimum: 0, maximum: 1 },
    opens_at: { type: 'string', format: 'date-time' },
    closes_at: { type: 'string', format: 'date-time', description: 'Open means opens_at ≤ now < closes_at; closing early sets it to the time of closing.' },
    state: { type: 'string', enum: ['open', 'closed', 'cancelled'] },
    electorate: { type: 'array', items: { type: 'string' }, description: "The Board's member organisations on the day the ballot opened, by name (one vote each; the chair's organisation and observers do not vote)." },
    electorate_ids: { type: 'array', items: { type: 'integer' }, description: 'The same organisations by id (GET /organisations/{id}).' },
    tally: { type: 'object', properties: { approve: counts, disapprove: counts, abstain: counts, recuse: counts, not_voted: counts, outdated: counts } },
    counts: { type: 'object', properties: { electorate: counts, positions: counts, votes_cast: counts, quorum_required: counts } },
    needed: {
      type: 'object',
      nullable: true,
      description: 'While open: what is still needed, if nothing already cast changes.',
      properties: { quorum: counts, approvals: { type: 'integer', nullable: true }, messages: { type: 'array', items: { type: 'string' }, example: ['needs 2 more approvals', 'quorum: 3 of 5 have voted (met)'] } },
    },
    result: { type: 'string', enum: ['approved', 'rejected', 'no_quorum'], nullable: true, description: 'Frozen at the close.' },
    close_hash: { type: 'string', nullable: true, description: 'Hash of the audit event that recorded the close (the chain hash at close).' },
    votes: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          organisation: { type: 'string' },
          organisation_id: { type: 'integer' },
          position: { type: 'string', enum: ['approve', 'disapprove', 'abstain', 'recuse'] },
          reason: { type: 'string', nullable: true },
          cast_by: { type: 'object', nullable: true, properties: { name: { type: 'string' } }, description: 'For the Board and the secretariat only.' },
          cast_at: { type: 'string', format: 'date-time' },
          n: { type: 'integer', description: 'The version voted on.' },
          outdated: { type: 'boolean', description: 'Cast on an older version before a move: shown, not counted.' },
        },
      },
    },
    not_voted: { type: 'array', items: { type: 'string' } },
    outdated: { type: 'array', items: { type: 'string' } },
    override_reason: { type: 'string', nullable: true, description: 'Why the secretariat opened the ballot although the ballot order held it back; null when it opened in order.' },
    override_blocking: {
      type: 'array',
      description: 'What the override set aside, as found when the ballot opened (empty when it opened in order).',
      items: {
        type: 'object',
        properties: {
          consultation_id: { type: 'integer' },
          n: { type: 'integer', description: 'The version the consultation is on: the draft or one it is based on.' },
          label: { type: 'string' },
          state: { type: 'string', enum: ['scheduled', 'open', 'closed'] },
          not_closed: { type: 'boolean' },
          undisposed: { type: 'integer', minimum: 0, description: 'Comments (not withdrawn) without a disposition.' },
        },
      },
    },
  },
};
const ballotJson = json(ballot);
const ok = (description: string) => ({ 200: { description, content: ballotJson }, 401: error, 403: error, 404: error, 409: error });

export const ballotsPaths: Record<string, unknown> = {
  '/standards/{ref}/versions/{n}/ballots': {
    post: {
      summary: 'Open a ballot on a draft (secretariat); one open ballot per version',
      description:
        'Ballot order: refused (409, the message names each consultation and how many comments lack a disposition) while a consultation on the draft, ' +
        'or on a draft it is based on since the current edition, is open or scheduled or has comments without a disposition. ' +
        'The secretariat may open it anyway with override_reason, which is stored on the ballot, returned with it and audited.',
      security: bearer,
      parameters: [refParam, nParam],
      requestBody: bodyOf(openBallotSchema, {
        closes_at: { format: 'date-time' },
        quorum: { description: 'At most 4 decimal places.' },
        override_reason: { description: 'Only needed when the ballot order refuses the ballot: the recorded reason to open it anyway. Ignored when nothing holds the ballot back.' },
      }),
      responses: { 201: { description: 'The ballot', content: ballotJson }, 401: error, 403: error, 404: error, 409: error, 422: error },
    },
  },
  '/ballots': {
    get: {
      summary: 'Ballots: open and cancelled ones for the Board and the secretariat, closed ones for all',
      responses: { 200: { description: '{open, closed, cancelled}: lists of {id, ref, designation, title, n, label, state, closes_at, result, rule}; for a Board member, open ballots in which their organisation votes also carry my_vote: not_voted, outdated (voted on an older draft) or voted' } },
    },
  },
  '/ballots/{id}': {
    get: { summary: 'A ballot: state, tally, what is still needed, result, votes (open ones: Board and secretariat)', parameters: [idParam], responses: { 200: { description: 'The ballot', content: ballotJson }, 404: error } },
    patch: {
      summary: 'Extend an open ballot to a later closing time (secretariat)',
      security: bearer,
      parameters: [idParam],
      requestBody: bodyOf(extendSchema, { closes_at: { format: 'date-time' } }),
      responses: { ...ok('The ballot'), 422: error },
    },
  },
  '/ballots/{id}/history': {
    get: { summary: 'Every cast and change of a vote, in order (Board and secretariat)', security: bearer, parameters: [idParam], responses: { 200: { description: '{events: [{organisation, cast_by_name, version_n, position, reason, at}]}' }, 401: error, 403: error, 404: error } },
  },
  '/ballots/{id}/vote': {
    put: {
      summary: "Cast or change your organisation's vote (Board member); 409 once the ballot has closed, and nothing is written",
      security: bearer,
      parameters: [idParam],
      requestBody: bodyOf(voteSchema, { reason: { description: 'Required to disapprove.' } }),
      responses: { ...ok('The ballot after the vote'), 422: error },
    },
  },
  '/ballots/{id}/close': { post: { summary: 'Close now: closes_at = now, result frozen (secretariat)', security: bearer, parameters: [idParam], responses: ok('The closed ballot') } },
  '/ballots/{id}/cancel': { post: { summary: 'Cancel an open ballot (secretariat)', security: bearer, parameters: [idParam], responses: ok('The cancelled ballot') } },
  '/ballots/{id}/move': {
    post: {
      summary: 'Move an open ballot to a newer draft based on its version; earlier votes become outdated (secretariat)',
      security: bearer,
      parameters: [idParam],
      requestBody: bodyOf(moveSchema),
      responses: { ...ok('The ballot on the newer draft'), 422: error },
    },
  },
};
