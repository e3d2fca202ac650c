import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, bearerFor, createUser } from '../helpers/auth.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';

type App = Awaited<ReturnType<typeof testApp>>;
const WHO = ['anonymous', 'stakeholder', 'board', 'secretariat'] as const;

/** Who may do what with consultations and comments (design.md §6), status by status, on the sample consultation (open). */
describe('consultations: permission matrix', () => {
  let t: App;
  let cid: number;
  let commentId: number;
  const tokens = {} as Record<(typeof WHO)[number], [string, string] | null>;
  before(async () => {
    t = await testApp();
    cid = await sampleConsultationId(t.db);
    tokens.anonymous = null;
    for (const role of ['stakeholder', 'board', 'secretariat'] as const) tokens[role] = (await bearerFor(t, role)).auth;
    const author = await bearerFor(t, await createUser(t.db, { organisation: 'Author Org' }));
    commentId = (await request(t.app).post(`/api/v1/consultations/${cid}/comments`).set(...author.auth).send({ clause: '1', type: 'ed', comment: 'by someone else' }).expect(201)).body.id;
  });
  after(() => t.close());

  const call = (method: 'get' | 'post' | 'patch' | 'delete', path: string, who: (typeof WHO)[number], body?: object) => {
    let req = request(t.app)[method](path);
    if (tokens[who]) req = req.set(...tokens[who]!);
    return body ? req.send(body) : req;
  };

  it('API', async () => {
    const table: Array<[('get' | 'post' | 'patch' | 'delete'), string, object | undefined, [number, number, number, number]]> = [
      ['get', '/api/v1/consultations', undefined, [200, 200, 200, 200]],
      ['get', `/api/v1/consultations/${cid}`, undefined, [200, 200, 200, 200]],
      // the comments of an open consultation: signed-in users; the public waits for the report
      ['get', `/api/v1/consultations/${cid}/comments`, undefined, [409, 200, 200, 200]],
      ['get', `/api/v1/consultations/${cid}/comments.csv`, undefined, [409, 200, 200, 200]],
      ['get', `/api/v1/comments/${commentId}`, undefined, [409, 200, 200, 200]],
      ['post', `/api/v1/consultations/${cid}/comments`, { clause: '2', type: 'te', comment: 'x' }, [401, 201, 201, 201]],
      ['post', `/api/v1/consultations/${cid}/comments`, { clause: '2', type: 'te', comment: 'x', on_behalf_of: 'UNDP' }, [401, 403, 403, 201]],
      // someone else's comment: not found for its readers, refused to the secretariat (who disposes, not edits)
      ['patch', `/api/v1/comments/${commentId}`, { comment: 'edited' }, [401, 404, 404, 403]],
      ['delete', `/api/v1/comments/${commentId}`, undefined, [401, 404, 404, 403]],
      ['patch', `/api/v1/comments/${commentId}`, { disposition: 'noted' }, [401, 404, 404, 200]],
      ['patch', `/api/v1/consultations/${cid}`, { closes_at: '2027-08-01T00:00:00Z' }, [401, 403, 403, 200]],
      ['post', '/api/v1/standards/07.11/versions/4/consultations', { closes_at: '2027-08-01T00:00:00Z' }, [401, 403, 403, 409]],
    ];
    const failures: string[] = [];
    for (const [method, path, body, statuses] of table) {
      for (const [i, who] of WHO.entries()) {
        const got = (await call(method, path, who, body)).status;
        if (got !== statuses[i]) failures.push(`${method.toUpperCase()} ${path} ${JSON.stringify(body ?? '')} as ${who}: expected ${statuses[i]}, got ${got}`);
      }
    }
    expect(failures).to.deep.equal([]);
  });

  it('pages', async () => {
    const agents = { anonymous: request.agent(t.app), stakeholder: (await agentFor(t, 'stakeholder')).agent, board: (await agentFor(t, 'board')).agent, secretariat: (await agentFor(t, 'secretariat')).agent };
    const table: Array<[string, [number, number, number, number]]> = [
      ['/consultations', [200, 200, 200, 200]],
      [`/consultations/${cid}`, [200, 200, 200, 200]],
      [`/consultations/${cid}/comments`, [303, 200, 200, 200]],
      // the report is public after the close; signed-in users can read the comments already
      [`/consultations/${cid}/report`, [409, 200, 200, 200]],
      [`/comments/${commentId}`, [409, 200, 200, 200]],
      ['/consultations/new', [303, 403, 403, 200]],
    ];
    const failures: string[] = [];
    for (const [path, statuses] of table) {
      for (const [i, who] of WHO.entries()) {
        const got = (await agents[who].get(path)).status;
        if (got !== statuses[i]) failures.push(`GET ${path} as ${who}: expected ${statuses[i]}, got ${got}`);
      }
    }
    expect(failures).to.deep.equal([]);
  });
});
