import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, bearerFor, createUser, csrfFrom, type TestUser } from '../helpers/auth.ts';
import { PERMISSIONS, type Rule } from '../../server/auth/permissions.ts';
import type { Role } from '../../server/auth/viewer.ts';
import { walkRoutes } from '../helpers/routes.ts';

type App = Awaited<ReturnType<typeof testApp>>;
const WHO = ['anonymous', 'stakeholder', 'board', 'secretariat'] as const;
type Who = (typeof WHO)[number];

function expected(rule: Rule, who: Who, api: boolean): 'ok' | 401 | 303 | 403 {
  if (rule === 'public') return 'ok';
  if (who === 'anonymous') return api ? 401 : 303;
  if (rule === 'signed-in' || rule === 'verified') return 'ok';
  return rule.includes(who as Role) ? 'ok' : 403;
}

// Routes whose service refuses some allowed roles for the sample object (not their own).
const OBJECT_CHECKS: Record<string, Partial<Record<Who, number>>> = {
  'GET /api/v1/users/:id': { stakeholder: 403, board: 403 },
  'PATCH /api/v1/users/:id': { stakeholder: 403, board: 403 },
  'GET /api/v1/users/:id/export': { stakeholder: 403, board: 403 },
  'POST /api/v1/users/:id/close': { stakeholder: 403, board: 403 },
};

describe('permissions', () => {
  let t: App;
  let target: TestUser;
  const agents = {} as Record<Exclude<Who, 'anonymous'>, { agent: ReturnType<typeof request.agent>; csrf: string; user: TestUser }>;
  before(async () => {
    t = await testApp();
    target = await createUser(t.db, { role: 'stakeholder' });
    for (const role of ['stakeholder', 'board', 'secretariat'] as const) agents[role] = await agentFor(t, role);
  });
  after(() => t.close());

  it('every route declares who may use it (fail closed)', () => {
    const routes = walkRoutes(t.app);
    expect(routes.length).to.be.greaterThan(20);
    const missing = routes.filter((r) => !r.guard).map((r) => `${r.method} ${r.path}`);
    expect(missing, `routes without allow(...): ${missing.join(', ')}`).to.deep.equal([]);
  });

  it('names only actions of the one table', () => {
    for (const [action, rule] of Object.entries(PERMISSIONS)) {
      expect(rule === 'public' || rule === 'signed-in' || rule === 'verified' || Array.isArray(rule), action).to.equal(true);
    }
  });

  it('route × role matrix: anonymous → 401 (API) or sign-in (HTML); wrong role → 403; never a 500', async function () {
    this.timeout(60_000);
    const routes = walkRoutes(t.app);
    const failures: string[] = [];
    for (const r of routes) {
      const api = r.path.startsWith('/api/');
      const url = r.path.replace(/:id\b/g, String(target.id)).replace(/:ref\b/g, '07.11').replace(/:n\b/g, '1').replace(/:(\w+)/g, 'x');
      for (const who of WHO) {
        let req: request.Test;
        const method = r.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
        const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(r.method);
        if (who === 'anonymous') {
          const agent = request.agent(t.app);
          let csrf = '';
          if (unsafe && !api) csrf = csrfFrom((await agent.get('/login')).text);
          req = agent[method](url);
          if (csrf) req = req.type('form').send({ _csrf: csrf });
        } else if (api) {
          const { auth } = await bearerFor(t, agents[who].user);
          req = request(t.app)[method](url).set(...auth);
          if (unsafe) req = req.send({});
        } else {
          // signing out would end the shared session: use a fresh one for that
          const a = /logout/.test(url) ? await agentFor(t, agents[who].user) : agents[who];
          req = a.agent[method](url);
          if (unsafe) req = req.type('form').send({ _csrf: a.csrf });
        }
        const res = await req;
        const want = OBJECT_CHECKS[`${r.method} ${r.path}`]?.[who] ?? expected(r.guard!.rule, who, api);
        const got = res.status;
        const ok =
          got < 500 &&
          (want === 'ok' ? got !== 401 && got !== 403 : got === want && (want !== 303 || String(res.headers.location).startsWith('/login')));
        if (!ok) failures.push(`${r.method} ${url} as ${who}: expected ${want}, got ${got}`);
      }
    }
    expect(failures).to.deep.equal([]);
  });

  it('account pages and API: explicit expectations', async () => {
    const table: Array<[string, string, [number, number, number, number]]> = [
      ['GET', '/account', [303, 200, 200, 200]],
      ['GET', '/admin/users', [303, 403, 403, 200]],
      ['GET', '/admin/users/new', [303, 403, 403, 200]],
      ['GET', '/admin/audit', [303, 403, 403, 200]],
      ['GET', '/login', [200, 303, 303, 303]],
      ['GET', '/register', [200, 200, 200, 200]],
      ['GET', '/api/v1/me', [401, 200, 200, 200]],
      ['GET', '/api/v1/users', [401, 403, 403, 200]],
      ['GET', '/api/v1/audit', [401, 403, 403, 200]],
      ['GET', '/api/v1/tokens', [401, 200, 200, 200]],
      ['GET', '/api/v1/standards', [200, 200, 200, 200]],
    ];
    for (const [method, path, statuses] of table) {
      for (const [i, who] of WHO.entries()) {
        const req = who === 'anonymous' ? request(t.app).get(path) : path.startsWith('/api/') ? request(t.app).get(path).set(...(await bearerFor(t, agents[who].user)).auth) : agents[who].agent.get(path);
        expect((await req).status, `${method} ${path} as ${who}`).to.equal(statuses[i]);
      }
    }
  });

  it('an unverified stakeholder can sign in but may not do what needs a verified address', async () => {
    const { allow } = await import('../../server/auth/permissions.ts');
    const { agent } = await agentFor(t, 'stakeholder', { verified: false });
    const page = await agent.get('/account').expect(200);
    expect(page.text).to.contain('not confirmed yet');
    // a guard on 'comments.create' refuses with a message saying what to do
    const guard = allow('comments.create');
    let err: unknown;
    guard({ originalUrl: '/x', method: 'POST' } as never, { locals: { viewer: { id: 1, role: 'stakeholder', name: 'x', email: 'x', organisation: 'o', emailVerified: false } } } as never, (e?: unknown) => (err = e));
    expect(err).to.have.property('status', 403);
    expect(String((err as Error).message)).to.contain('Confirm your e-mail address');
  });
});
