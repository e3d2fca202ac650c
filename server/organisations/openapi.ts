/** OpenAPI paths of the organisations register and the Review Board, merged into /api/v1/openapi.json by server/openapi.ts. */
import { bearer, bodyOf, error, json } from '../http/openapi-parts.ts';
import { KINDS, STATUSES } from './names.ts';
import { chairSchema, chairUpdateSchema, membershipSchema, membershipUpdateSchema, mergeSchema, organisationPatchSchema, organisationSchema } from './validation.ts';

const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };
const day = { type: 'string', format: 'date' };
const nullableDay = { type: 'string', format: 'date', nullable: true };
const person = { type: 'object', nullable: true, properties: { id: { type: 'integer' }, name: { type: 'string' } } };

const organisation = {
  type: 'object',
  required: ['id', 'name', 'short_name', 'kind', 'confirmed'],
  properties: {
    id: { type: 'integer' },
    name: { type: 'string', example: 'GICHD' },
    short_name: { type: 'string', nullable: true },
    kind: { type: 'string', enum: [...KINDS], nullable: true },
    kind_label: { type: 'string', nullable: true },
    confirmed: { type: 'boolean', description: 'False for a name given at registration ("other"), until the secretariat confirms it or merges it into another record.' },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time', nullable: true },
    users: { type: 'integer', description: 'Secretariat only: how many accounts belong to it.' },
  },
};

const organisationPage = {
  type: 'object',
  properties: {
    organisation,
    board: {
      type: 'object',
      properties: {
        memberships: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, status: { type: 'string', enum: [...STATUSES] }, from: day, until: nullableDay, current: { type: 'boolean' } } } },
        chairs: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, from: day, until: nullableDay, representative: { type: 'string', nullable: true }, current: { type: 'boolean' } } } },
      },
    },
    voting_record: {
      type: 'array',
      description: 'Closed ballots whose electorate held the organisation, newest first: its position and reasons (null position: it did not vote). Open ballots are not listed.',
      items: {
        type: 'object',
        properties: {
          ballot_id: { type: 'integer' }, ref: { type: 'string' }, designation: { type: 'string' }, title: { type: 'string' }, n: { type: 'integer' }, label: { type: 'string' },
          closes_at: { type: 'string', format: 'date-time' }, result: { type: 'string', nullable: true, enum: ['approved', 'rejected', 'no_quorum', null] },
          position: { type: 'string', nullable: true, enum: ['approve', 'disapprove', 'abstain', 'recuse', null] }, reason: { type: 'string', nullable: true },
          outdated: { type: 'boolean', description: 'Cast on an older version before the ballot moved: not counted.' },
        },
      },
    },
  },
};

const seat = { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, short_name: { type: 'string', nullable: true }, since: { ...day, description: 'The first day of its unbroken seat.' } } };
const board = {
  type: 'object',
  properties: {
    on: day,
    members: { type: 'array', items: seat, description: 'Member organisations: one vote each in ballots opening on this day; they count towards every threshold.' },
    observers: { type: 'array', items: seat, description: 'Observers do not vote and do not count.' },
    chair: { type: 'object', nullable: true, properties: { ...seat.properties, representative: { type: 'string', nullable: true } }, description: "The chair's organisation does not vote and does not count." },
  },
};
const membership = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, organisation_id: { type: 'integer' }, organisation: { type: 'string' }, status: { type: 'string', enum: [...STATUSES] },
    from: day, until: nullableDay, principal: person, alternates: { type: 'array', items: person },
  },
};
const chair = { type: 'object', properties: { id: { type: 'integer' }, organisation_id: { type: 'integer' }, organisation: { type: 'string' }, representative: person, from: day, until: nullableDay } };

const dates = { from: { format: 'date', description: 'The first day (UTC), YYYY-MM-DD.' }, until: { format: 'date', description: 'The last day (UTC), included; null or absent: no end yet.' } };

export const organisationsSchemas = { Organisation: organisation };

export const organisationsPaths: Record<string, unknown> = {
  '/organisations': {
    get: {
      summary: 'The organisations register: confirmed organisations (the secretariat also sees unconfirmed ones, with their account counts)',
      responses: { 200: { description: 'Organisations by name', content: json({ type: 'object', properties: { organisations: { type: 'array', items: organisation } } }) } },
    },
    post: {
      summary: 'Add an organisation (secretariat); confirmed unless said otherwise',
      security: bearer,
      requestBody: bodyOf(organisationSchema, { name: { description: 'Unique, case and spaces ignored.' } }),
      responses: { 201: { description: 'The organisation', content: json(organisationPage) }, 401: error, 403: error, 422: error },
    },
  },
  '/organisations/{id}': {
    get: {
      summary: 'An organisation: its Board seats and its voting record on closed ballots (an unconfirmed one: secretariat only)',
      parameters: [idParam],
      responses: { 200: { description: 'The organisation', content: json(organisationPage) }, 404: error },
    },
    patch: {
      summary: 'Rename, give a short name or kind, confirm (secretariat); accounts follow a rename',
      security: bearer,
      parameters: [idParam],
      requestBody: bodyOf(organisationPatchSchema),
      responses: { 200: { description: 'The organisation', content: json(organisationPage) }, 401: error, 403: error, 404: error, 409: error, 422: error },
    },
  },
  '/organisations/{id}/merge': {
    post: {
      summary: 'Merge into another organisation (secretariat): accounts, Board seats, votes and electorates move; where both voted in one ballot the later vote stands',
      security: bearer,
      parameters: [idParam],
      requestBody: bodyOf(mergeSchema, { into: { description: 'The id of the organisation that stays.' } }),
      responses: { 200: { description: 'The organisation merged into', content: json(organisationPage) }, 401: error, 403: error, 404: error, 409: error, 422: error },
    },
  },
  '/board': {
    get: {
      summary: 'The Review Board on a day (today by default): members, observers, the chair, each since when',
      parameters: [{ name: 'on', in: 'query', schema: { type: 'string', format: 'date' } }],
      responses: { 200: { description: 'The Board', content: json(board) }, 422: error },
    },
  },
  '/board/memberships': {
    get: {
      summary: "Every dated fact of the Board: memberships with their voters, and chairs (secretariat)",
      security: bearer,
      responses: { 200: { description: 'Memberships and chairs, newest first', content: json({ type: 'object', properties: { memberships: { type: 'array', items: membership }, chairs: { type: 'array', items: chair } } }) }, 401: error, 403: error },
    },
    post: {
      summary: 'Add a membership (member or observer) with its principal voter and alternates, accounts of the organisation with the board role (secretariat)',
      security: bearer,
      requestBody: bodyOf(membershipSchema, dates),
      responses: { 201: { description: 'The membership', content: json({ type: 'object', properties: { membership } }) }, 401: error, 403: error, 409: error, 422: error },
    },
  },
  '/board/memberships/{id}': {
    put: {
      summary: 'Change a membership: status, dates (end it with `until`), principal voter, alternates (secretariat)',
      security: bearer,
      parameters: [idParam],
      requestBody: bodyOf(membershipUpdateSchema, dates),
      responses: { 200: { description: 'The membership', content: json({ type: 'object', properties: { membership } }) }, 401: error, 403: error, 404: error, 409: error, 422: error },
    },
    delete: {
      summary: 'Delete a membership entered by mistake (secretariat); one that put the organisation in an electorate is ended instead (409)',
      security: bearer,
      parameters: [idParam],
      responses: { 204: { description: 'Deleted' }, 401: error, 403: error, 404: error, 409: error },
    },
  },
  '/board/chairs': {
    post: {
      summary: 'Set the chair from a day: an organisation and its representative; the chair in office hands over the day before (secretariat)',
      security: bearer,
      requestBody: bodyOf(chairSchema, dates),
      responses: { 201: { description: 'The chair', content: json({ type: 'object', properties: { chair } }) }, 401: error, 403: error, 409: error, 422: error },
    },
  },
  '/board/chairs/{id}': {
    put: {
      summary: "Change a chair's representative or dates (secretariat)",
      security: bearer,
      parameters: [idParam],
      requestBody: bodyOf(chairUpdateSchema, dates),
      responses: { 200: { description: 'The chair', content: json({ type: 'object', properties: { chair } }) }, 401: error, 403: error, 404: error, 409: error, 422: error },
    },
  },
};
