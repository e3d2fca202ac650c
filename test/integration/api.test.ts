import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';

describe('JSON API, read side', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  it('GET /api/v1/standards lists the catalogue with current editions', async () => {
    const res = await request(t.app).get('/api/v1/standards').expect(200).expect('Content-Type', /json/);
    const s = res.body.standards.find((x: { ref: string }) => x.ref === '07.11');
    expect(s).to.deep.include({ designation: 'IMAS 07.11', type: 'IMAS', number: '07.11', series: '07', withdrawn_on: null, replaced_by: null });
    expect(s.current).to.deep.equal({ n: 3, label: 'Edition 2', edition: 2, amendment: null, in_force_from: '2026-01-16', awaiting_endorsement: false, endorsed_on: null });
    const w = res.body.standards.find((x: { ref: string }) => x.ref === '09.20');
    expect(w).to.include({ withdrawn_on: '2016-01-20', replaced_by: '07.40', current: null });
    const filtered = await request(t.app).get('/api/v1/standards?series=12').expect(200);
    expect(filtered.body.standards.map((x: { ref: string }) => x.ref)).to.include.members(['12.10', 'tnma-12.10-01']);
    expect(filtered.body.standards.every((x: { series: string }) => x.series === '12')).to.equal(true);
  });

  it('GET /api/v1/standards/{ref} gives versions and consultations, under any spelling', async () => {
    const res = await request(t.app).get('/api/v1/standards/IMAS%2007-11').expect(200);
    expect(res.body.ref).to.equal('07.11');
    expect(res.body.versions.map((v: { n: number }) => v.n)).to.deep.equal([1, 2, 3, 4]);
    expect(res.body.versions[0]).to.include({ state: 'published', imported: true, edition: 1, in_force_from: '2019-03-01', in_force_until: '2021-07-01' });
    expect(res.body.consultations[0]).to.include({ n: 4, state: 'open' });
    await request(t.app).get('/api/v1/standards/99.99').expect(404);
  });

  it('GET a version, the current one and the one in force on a date', async () => {
    const v = await request(t.app).get('/api/v1/standards/07.11/versions/2').expect(200);
    expect(v.body).to.include({ ref: '07.11', n: 2, edition: 1, amendment: 1, based_on: 1 });
    expect(v.body.sha256).to.match(/^[0-9a-f]{64}$/);
    expect(v.body.text).to.contain('# 1 Scope');
    const c = v.body.clauses.find((x: { ref: string }) => x.ref === '1');
    expect(c).to.include({ depth: 1, heading: 'Scope' });
    expect(c.key).to.be.a('string');
    const cur = await request(t.app).get('/api/v1/standards/07.11/current').expect(200);
    expect(cur.body.n).to.equal(3);
    const cur2 = await request(t.app).get('/api/v1/standards/07.11/versions/current').expect(200);
    expect(cur2.body.n).to.equal(3);
    const on = await request(t.app).get('/api/v1/standards/07.11/in-force?date=2021-07-01').expect(200);
    expect(on.body.n).to.equal(2);
    const bad = await request(t.app).get('/api/v1/standards/07.11/in-force?date=yesterday').expect(400);
    expect(bad.body.error).to.deep.include({ code: 'bad_request' });
    expect(bad.body.error.fields).to.have.property('date');
    await request(t.app).get('/api/v1/standards/07.11/in-force?date=2001-01-01').expect(404);
    await request(t.app).get('/api/v1/standards/09.20/current').expect(404);
    await request(t.app).get('/api/v1/standards/07.11/versions/0').expect(400);
    await request(t.app).get('/api/v1/standards/07.11/versions/77').expect(404);
  });

  it('keeps clause keys across versions where the clause is the same', async () => {
    const [a, b] = await Promise.all([1, 2].map((n) => request(t.app).get(`/api/v1/standards/07.11/versions/${n}`)));
    const scope = (r: request.Response) => r.body.clauses.find((x: { ref: string }) => x.ref === '1').key;
    expect(scope(a!)).to.equal(scope(b!));
  });

  it('describes itself with OpenAPI 3, and unknown API routes are JSON 404s', async () => {
    const res = await request(t.app).get('/api/v1/openapi.json').expect(200);
    expect(res.body.openapi).to.match(/^3\./);
    expect(res.body.paths).to.have.property('/standards/{ref}/versions/{n}');
    const nf = await request(t.app).get('/api/v1/nothing').expect(404);
    expect(nf.body.error.code).to.equal('not_found');
  });

  it('/healthz and /readyz', async () => {
    await request(t.app).get('/healthz').expect(200, { status: 'ok' });
    await request(t.app).get('/readyz').expect(200, { status: 'ready' });
  });
});
