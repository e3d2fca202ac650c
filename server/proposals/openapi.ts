/** OpenAPI paths of proposals, merged into /api/v1/openapi.json by server/openapi.ts. */
import { bearer, bodyOf, error, json } from '../http/openapi-parts.ts';
import { DECISION_LABELS, POSITIONS, PROPOSAL_KINDS, STATUSES } from './rules.ts';
import { circulateSchema, dropSchema, proposalDraftSchema, proposalSchema, proposalUpdateSchema, respondSchema, steeringGroupSchema } from './validation.ts';

const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };
const count = { type: 'integer', minimum: 0, nullable: true };
const decision = { type: 'string', enum: Object.keys(DECISION_LABELS), nullable: true };
const org = { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } };

const summaryProperties = {
  id: { type: 'integer' },
  kind: { type: 'string', enum: [...PROPOSAL_KINDS] },
  kind_label: { type: 'string', example: 'Amendment of an existing document' },
  title: { type: 'string' },
  submitted_at: { type: 'string', format: 'date-time' },
  initiator: { type: 'object', properties: { name: { type: 'string', nullable: true }, organisation: { type: 'string', nullable: true } } },
  standard: { type: 'object', nullable: true, description: 'The document amended; for a new standard, the one created from the proposal.', properties: { ref: { type: 'string' }, designation: { type: 'string' }, title: { type: 'string' } } },
  proposed_number: { type: 'string', nullable: true },
  substantial: { type: 'boolean', description: 'The change forces national standards or SOPs to change.' },
  status: { type: 'string', enum: [...STATUSES] },
  status_label: { type: 'string' },
  decision: { ...decision, description: 'The Board\'s decision as recorded (null while pending).' },
  decision_label: { type: 'string', nullable: true },
  circulated_at: { type: 'string', format: 'date-time', nullable: true },
  response_due_at: { type: 'string', format: 'date-time', nullable: true },
};

const summary = { type: 'object', properties: summaryProperties };

const proposal = {
  type: 'object',
  properties: {
    ...summaryProperties,
    rationale: { type: 'string' },
    scope: { type: 'string' },
    proposer_id: { type: 'integer', nullable: true },
    organisation_id: { type: 'integer', nullable: true },
    edited_at: { type: 'string', format: 'date-time', nullable: true },
    support_percent: { type: 'integer', nullable: true, description: 'The threshold frozen at circulation (PROPOSAL_SUPPORT_PERCENT, default 25).' },
    electorate: { type: 'array', nullable: true, items: org, description: 'The Board\'s member organisations on the day it was circulated (chair and observers excluded).' },
    board: {
      type: 'object',
      nullable: true,
      description: 'The count: supported as soon as at least support_percent % of the electorate support it; not supported once the response date has passed without that. Counts are null for the public while responses are open.',
      properties: {
        outcome: { type: 'string', enum: ['supported', 'not_supported', 'pending'] },
        needed: { type: 'integer' },
        electorate: { type: 'integer' },
        supports: count,
        no_support: count,
        not_responded: count,
        decided_at: { type: 'string', format: 'date-time', nullable: true },
        decided_by_secretariat: { type: 'boolean' },
        responses_open: { type: 'boolean' },
      },
    },
    responses: {
      type: 'array',
      nullable: true,
      description: 'One per organisation, the latest answer of its principal or an alternate. Null for the public while responses are open.',
      items: { type: 'object', properties: { organisation: org, position: { type: 'string', enum: [...POSITIONS] }, comment: { type: 'string', nullable: true }, responded_by: { type: 'string', nullable: true }, responded_at: { type: 'string', format: 'date-time' } } },
    },
    steering_group: { type: 'object', nullable: true, properties: { approved_on: { type: 'string', format: 'date' } } },
    dropped: { type: 'object', nullable: true, properties: { at: { type: 'string', format: 'date-time' }, reason: { type: 'string' } } },
    versions: { type: 'array', description: 'Drafts and editions made from it (as visible to the caller).', items: { type: 'object', properties: { ref: { type: 'string' }, designation: { type: 'string' }, n: { type: 'integer' }, label: { type: 'string' }, state: { type: 'string' }, edition: { type: 'integer', nullable: true }, amendment: { type: 'integer', nullable: true }, published_at: { type: 'string', nullable: true }, href: { type: 'string' } } } },
    consultations: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, ref: { type: 'string' }, n: { type: 'integer' }, state: { type: 'string' }, href: { type: 'string' } } } },
    ballots: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, ref: { type: 'string' }, n: { type: 'integer' }, state: { type: 'string' }, result: { type: 'string', nullable: true }, href: { type: 'string' } } } },
    actions: {
      type: 'object',
      description: 'What the caller may do now.',
      properties: { edit: { type: 'boolean' }, circulate: { type: 'boolean' }, respond: { ...org, nullable: true, description: 'The organisation the caller responds for.' }, decide: { type: 'boolean' }, steering_group: { type: 'boolean' }, draft: { type: 'boolean' }, drop: { type: 'boolean' } },
    },
  },
};

const one = { description: 'The proposal', content: json(proposal) };

export const proposalsPaths: Record<string, unknown> = {
  '/proposals': {
    get: {
      summary: 'The proposal log: date, title, initiator, Board decision, status; newest first',
      parameters: [
        { name: 'status', in: 'query', schema: { type: 'string', enum: [...STATUSES] } },
        { name: 'kind', in: 'query', schema: { type: 'string', enum: [...PROPOSAL_KINDS] } },
        { name: 'year', in: 'query', schema: { type: 'integer' }, description: 'year submitted' },
        { name: 'decision', in: 'query', schema: { type: 'string', enum: ['supported', 'not_supported', 'pending'] } },
        { name: 'standard', in: 'query', schema: { type: 'string', example: '07.11' } },
        { name: 'q', in: 'query', schema: { type: 'string' }, description: 'words of the title, initiator or document' },
      ],
      responses: { 200: { description: 'Proposals', content: json({ type: 'object', properties: { proposals: { type: 'array', items: summary }, total: { type: 'integer' } } }) } },
    },
    post: {
      summary: 'Submit a proposal (Justification Form); any account with a verified address',
      description: 'The organisation is the proposer\'s organisation record. The proposer may change it until it is circulated.',
      security: bearer,
      requestBody: bodyOf(proposalSchema, { standard: { description: 'The document an amendment concerns (its ref, e.g. 07.11); required for kind=amendment.' }, proposed_number: { description: 'For a new standard: the number it is proposed under, if known.' } }),
      responses: { 201: one, 401: error, 403: error, 422: error },
    },
  },
  '/proposals/{id}': {
    get: { summary: 'A proposal with the Board\'s count, responses and the drafts, consultations, ballots and editions made from it', parameters: [idParam], responses: { 200: one, 404: error } },
    patch: {
      summary: 'Change a proposal before it is circulated (its proposer or the secretariat)',
      security: bearer,
      parameters: [idParam],
      requestBody: bodyOf(proposalUpdateSchema),
      responses: { 200: one, 401: error, 403: error, 404: error, 409: error, 422: error },
    },
  },
  '/proposals/{id}/circulate': {
    post: {
      summary: 'Circulate to the Board with a response date (secretariat); the electorate is the member organisations today',
      security: bearer,
      parameters: [idParam],
      requestBody: bodyOf(circulateSchema),
      responses: { 200: one, 401: error, 403: error, 404: error, 409: error, 422: error },
    },
  },
  '/proposals/{id}/response': {
    put: {
      summary: 'Support or not, for the caller\'s member organisation (its principal or an alternate); the latest answer stands until the response date',
      security: bearer,
      parameters: [idParam],
      requestBody: bodyOf(respondSchema),
      responses: { 200: one, 401: error, 403: error, 404: error, 409: { description: 'conflict: the response date has passed, the decision is recorded, or the proposal is not circulated', content: json({ $ref: '#/components/schemas/Error' }) }, 422: error },
    },
  },
  '/proposals/{id}/decision': {
    post: {
      summary: 'Record the Board\'s decision now (secretariat): once enough organisations support it, or after the response date',
      security: bearer,
      parameters: [idParam],
      responses: { 200: one, 401: error, 403: error, 404: error, 409: error },
    },
  },
  '/proposals/{id}/steering-group': {
    post: {
      summary: 'Record the Steering Group\'s approval of a new standard (secretariat)',
      security: bearer,
      parameters: [idParam],
      requestBody: bodyOf(steeringGroupSchema, { approved_on: { format: 'date' } }),
      responses: { 200: one, 401: error, 403: error, 404: error, 409: error, 422: error },
    },
  },
  '/proposals/{id}/drop': {
    post: {
      summary: 'Drop a proposal, with the reason (secretariat)',
      security: bearer,
      parameters: [idParam],
      requestBody: bodyOf(dropSchema),
      responses: { 200: one, 401: error, 403: error, 404: error, 409: error, 422: error },
    },
  },
  '/proposals/{id}/drafts': {
    post: {
      summary: 'Create a draft from a supported proposal (secretariat)',
      description: 'An amendment: a draft of the standard based on its current edition. A new standard: the standard is added (number and title, by default those proposed) with its first draft. The version carries the proposal\'s id, as do drafts later based on it.',
      security: bearer,
      parameters: [idParam],
      requestBody: bodyOf(proposalDraftSchema, { text: { description: 'The whole text as Markdown (headings carry clause numbers).' }, number: { description: 'New standards only: the number; default the proposed number.' }, title: { description: 'New standards only: default the proposal\'s title.' } }),
      responses: {
        201: { description: 'The draft', content: json({ type: 'object', properties: { ref: { type: 'string' }, n: { type: 'integer' }, href: { type: 'string' }, proposal } }) },
        401: error,
        403: error,
        404: error,
        409: error,
        422: error,
      },
    },
  },
};
