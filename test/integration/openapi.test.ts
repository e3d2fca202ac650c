import { expect } from 'chai';
import request from 'supertest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { testApp } from '../helpers/app.ts';
import { walkRoutes } from '../helpers/routes.ts';

type App = Awaited<ReturnType<typeof testApp>>;
type Doc = { paths: Record<string, Record<string, unknown>> };

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
// The document describes the API; it does not describe itself.
const SELF = 'GET /openapi.json';

/** Express's `/ballots/:id/vote` is OpenAPI's `/ballots/{id}/vote`. */
const openapiPath = (expressPath: string) => expressPath.replace(/:(\w+)/g, '{$1}');

describe('the OpenAPI document', () => {
  let t: App;
  let doc: Doc;
  before(async () => {
    t = await testApp();
    doc = (await request(t.app).get('/api/v1/openapi.json').expect(200)).body;
  });
  after(() => t.close());

  it('is a valid OpenAPI 3 document, and every $ref in it resolves', async () => {
    const validator = new Validator();
    const res = await validator.validate(structuredClone(doc) as Record<string, unknown>);
    expect(res.errors ?? [], JSON.stringify(res.errors, null, 2)).to.deep.equal([]);
    expect(res.valid).to.equal(true);
    expect(() => validator.resolveRefs()).not.to.throw();
  });

  it('describes every route of the API router with its method, and nothing the router lacks', () => {
    const routes = walkRoutes(t.app)
      .filter((r) => r.path.startsWith('/api/v1/'))
      .map((r) => `${r.method} ${openapiPath(r.path.slice('/api/v1'.length))}`)
      .filter((r) => r !== SELF);
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => METHODS.includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(routes.length).to.be.greaterThan(30);
    const undocumented = routes.filter((r) => !documented.includes(r));
    const unrouted = documented.filter((d) => !routes.includes(d));
    expect(undocumented, `routes missing from the document: ${undocumented.join(', ')}`).to.deep.equal([]);
    expect(unrouted, `documented but not routed: ${unrouted.join(', ')}`).to.deep.equal([]);
  });
});
