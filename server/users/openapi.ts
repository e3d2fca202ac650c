/** OpenAPI paths of accounts and tokens, merged into /api/v1/openapi.json by server/http/openapi.ts. */
import { bearer, bodyOf, error, json, schemaOf, type FieldNotes } from '../http/openapi-parts.ts';
import { MAX_LENGTH, MIN_LENGTH } from '../accounts/passwords.ts';
import { adminUpdateSchema, createUserSchema, registerSchema, selfUpdateSchema, tokenRequestSchema } from './validation.ts';

const user = { $ref: '#/components/schemas/User' };
const userBody = { type: 'object', properties: { user } };

// The password policy is checked in a refinement (accounts/passwords.ts), which JSON Schema cannot see.
const newPassword: FieldNotes = { password: { minLength: MIN_LENGTH, maxLength: MAX_LENGTH } };

// The organisation, one of three ways (issue 12): never free text that becomes a Board member.
const organisation: FieldNotes = {
  organisation_id: { description: 'A record of GET /organisations (confirmed ones for registration), or "other" with organisation_other.' },
  organisation_other: { description: 'With organisation_id "other": the name of an organisation not in the register. Matched to a record case and spaces ignored, else a new unconfirmed record that the secretariat confirms or merges.' },
  organisation: { description: 'An organisation name, as before the register: matched to its record case and spaces ignored, else a new unconfirmed record. Used when organisation_id is absent.' },
};
const withOrganisation = { ...newPassword, ...organisation };

/** POST /tokens: the schema's fields, and the second factor, which auth/api.ts reads beside it (a code that is not a string is ignored, not refused). */
const tokenRequest = schemaOf(tokenRequestSchema, { name: { description: 'a label for the token' } });
tokenRequest.properties!.code = { type: 'string', description: 'the second factor: a current TOTP code (6 digits) or a recovery code; required for accounts with two-factor sign-in' };

export const usersSchemas = {
  User: {
    type: 'object',
    properties: {
      id: { type: 'integer' }, email: { type: 'string' }, name: { type: 'string' }, organisation: { type: 'string', description: 'The name of its organisation record.' },
      organisation_id: { type: 'integer', nullable: true, description: 'Its organisation record (GET /organisations/{id}).' },
      role: { type: 'string', enum: ['secretariat', 'board', 'stakeholder'] }, email_verified: { type: 'boolean' }, disabled: { type: 'boolean' },
      language: { type: 'string', nullable: true, enum: ['en', 'fr', 'es', 'ar', 'ru', 'zh', null], description: 'The interface language the user chose for pages and mails; null: the browser\'s (Accept-Language), else English.' },
      created_at: { type: 'string', format: 'date-time' },
    },
  },
};

export const usersPaths: Record<string, unknown> = {
  '/tokens': {
    post: {
      summary: 'Sign in for the API: returns a bearer token (shown once; stored hashed)',
      description:
        'An account with two-factor sign-in must also send `code`: the current 6-digit code of its authenticator app, or one of its ' +
        'recovery codes (used up). Without it the answer is 401 saying a code is needed; a wrong code counts as a failed sign-in. ' +
        'Secretariat accounts must enrol in two-factor sign-in (on /account/two-factor) before they can have a token: 403 until then, ' +
        'and any API call made for such an account (with a token issued earlier) is refused with 403 `two_factor_required`.',
      requestBody: { required: true, content: json(tokenRequest) },
      responses: {
        201: { description: 'The token', content: json({ type: 'object', properties: { token: { type: 'string' }, token_id: { type: 'integer' }, user } }) },
        401: error, 403: error, 422: error, 429: { description: 'Too many failed attempts (passwords or codes): see Retry-After' },
      },
    },
    get: { summary: 'Your tokens (never their secrets)', security: bearer, responses: { 200: { description: 'Tokens' }, 401: error } },
  },
  '/tokens/current': { delete: { summary: 'Revoke the token this request carries', security: bearer, responses: { 204: { description: 'Revoked' }, 401: error } } },
  '/tokens/{id}': {
    delete: { summary: 'Revoke one of your tokens', security: bearer, parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }], responses: { 204: { description: 'Revoked' }, 401: error, 404: error } },
  },
  '/register': {
    post: {
      summary: 'Register as a stakeholder; a link to verify the address is e-mailed',
      requestBody: bodyOf(registerSchema, withOrganisation),
      responses: { 202: { description: 'Accepted: the same answer whether or not the address already has an account' }, 422: error, 429: error },
    },
  },
  '/me': { get: { summary: 'Your account', security: bearer, responses: { 200: { description: 'You', content: json(userBody) }, 401: error } } },
  '/users': {
    get: { summary: 'All accounts (secretariat)', security: bearer, responses: { 200: { description: 'Accounts', content: json({ type: 'object', properties: { users: { type: 'array', items: user } } }) }, 401: error, 403: error } },
    post: {
      summary: 'Create an account with any role (secretariat); it is verified',
      description:
        'A `board` account votes for its organisation, as before the Review Board had dated memberships: its organisation joins the Board ' +
        'in the same write. The organisation is confirmed; with no membership holding today it gets one (status member, from today, this ' +
        'account as principal voter); a membership holding today with no principal gets this account as principal, otherwise this account ' +
        'is added as an alternate. An observer membership keeps its status; the chair\'s organisation is not made a member. Each change is ' +
        'audited. The same holds when PATCH /users/{id} makes an account `board` or moves a board account to another organisation.',
      security: bearer,
      requestBody: bodyOf(createUserSchema, withOrganisation),
      responses: { 201: { description: 'Created', content: json(userBody) }, 401: error, 403: error, 409: error, 422: error },
    },
  },
  '/users/{id}': {
    get: { summary: 'An account: your own, or any for the secretariat', security: bearer, parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }], responses: { 200: { description: 'The account', content: json(userBody) }, 401: error, 403: error, 404: error } },
    patch: {
      summary: 'Change an account: name, organisation, password (with current_password) for yourself; role and disabled for the secretariat',
      description: 'A new password signs out your other sessions and revokes all your API tokens, the one making this call included: ask for a new one with POST /tokens. A mail tells the owner. ' +
        'An account made `board`, or a board account moved to another organisation, joins the Board with its organisation as on POST /users.',
      security: bearer,
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
      // The widest of the three forms users/api.ts parses with (the secretariat's own account); others send a part of it.
      requestBody: bodyOf(adminUpdateSchema.extend(selfUpdateSchema.shape).strict(), withOrganisation),
      responses: { 200: { description: 'The account', content: json(userBody) }, 401: error, 403: error, 404: error, 422: error },
    },
  },
  '/audit': { get: { summary: 'The audit log, newest first (secretariat)', security: bearer, parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', maximum: 1000 } }], responses: { 200: { description: 'Events' }, 401: error, 403: error } } },
};
