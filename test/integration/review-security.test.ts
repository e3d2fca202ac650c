import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, bearerFor, createUser, type TestUser } from '../helpers/auth.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';
import { boardOf, openBallot, secretariat, vote } from '../helpers/ballots.ts';
import { renderMarkdown } from '../../server/versions/render.ts';

type App = Awaited<ReturnType<typeof testApp>>;
type Agent = Awaited<ReturnType<typeof agentFor>>;

/** Findings of the security review: visibility of unreleased drafts, link schemes, bad requests, board organisations. */
describe('security review', () => {
  let t: App;
  let sec: { auth: [string, string]; user: TestUser };
  let stakeholder: Agent;
  let board: Agent;
  let cid: number;
  /** a draft of 07.11 based on version 4 that was never put out for consultation */
  let hidden: number;
  const SECRET = 'Unreleased second draft for the Board';

  before(async () => {
    t = await testApp();
    sec = await bearerFor(t, 'secretariat');
    stakeholder = await agentFor(t, 'stakeholder');
    board = await agentFor(t, 'board');
    cid = await sampleConsultationId(t.db);
    const v4 = await t.db('versions as v').join('standards as s', 's.id', 'v.standard_id').where({ 's.ref': '07.11', 'v.n': 4 }).first('v.source');
    const text = String(v4.source).replace(/^---[\s\S]*?---\n/, '').replace(/\bshall\b/, 'must');
    const res = await request(t.app).post('/api/v1/standards/07.11/versions').set(...sec.auth).send({ text, label: SECRET, based_on: 4 });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    hidden = res.body.n;
  });
  after(() => t.close());

  describe('a draft never under consultation', () => {
    it('is not offered on the comment matrix of an earlier consultation, except to the Board and the secretariat', async () => {
      const path = `/consultations/${cid}/comments`;
      const page = await stakeholder.agent.get(path).expect(200);
      expect(page.text).not.to.contain(SECRET);
      expect(page.text).not.to.match(new RegExp(`<option value="${hidden}"`));
      const insider = await board.agent.get(path).expect(200);
      expect(insider.text).to.contain(`<option value="${hidden}">${SECRET} (version ${hidden})</option>`);
    });

    it('stays out of every page and API answer for the public and stakeholders', async () => {
      const stb = await bearerFor(t, stakeholder.user);
      const paths = [
        '/', '/standards', '/standards/07.11', '/standards/07.11/versions', '/consultations', `/consultations/${cid}`, `/consultations/${cid}/comments`,
        '/ballots', '/api/v1/standards', '/api/v1/standards/07.11', '/api/v1/consultations', `/api/v1/consultations/${cid}`, '/api/v1/ballots',
      ];
      const hiddenOnes = [`/standards/07.11/versions/${hidden}`, `/standards/07.11/diff/4..${hidden}`, `/api/v1/standards/07.11/versions/${hidden}`, `/api/v1/standards/07.11/diff?from=4&to=${hidden}`, `/consultations/${cid}/comments?version=${hidden}`, `/api/v1/consultations/${cid}/comments?version=${hidden}`];
      for (const path of [...paths, ...hiddenOnes]) {
        const api = path.startsWith('/api/');
        const answers = [await request(t.app).get(path), api ? await request(t.app).get(path).set(...stb.auth) : await stakeholder.agent.get(path)];
        for (const res of answers) {
          expect(res.text, path).not.to.contain(SECRET);
          expect(res.status, path).to.be.below(500);
          if (hiddenOnes.includes(path) && res.status !== 303) expect([404, 409], path).to.include(res.status);
        }
      }
      // the Board sees it
      await board.agent.get(`/standards/07.11/versions/${hidden}`).expect(200);
    });
  });

  describe('Markdown links', () => {
    it('go only to the web, mail or this site: no other scheme becomes a link', () => {
      for (const url of ['ms-msdt:/id PCWDiagnostic', 'feed:javascript:alert(1)', 'search-ms:query=x', 'tel:123', 'a:b', 'javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,x', 'vbscript:x', '//evil.example/x']) {
        const html = renderMarkdown(`[x](<${url}>)`);
        expect(html, url).not.to.contain('<a ');
      }
      for (const [url, href] of [['https://www.imas.org/', 'https://www.imas.org/'], ['mailto:imas@example.org', 'mailto:imas@example.org'], ['#clause-4.2', '#clause-4.2'], ['/standards/07.11', '/standards/07.11'], ['../07.11', '../07.11'], ['annex-a', 'annex-a']]) {
        expect(renderMarkdown(`[x](${url})`), url).to.contain(`<a href="${href}">`);
      }
    });

    it('on a version page: an unsafe scheme is shown as text', async () => {
      const text = '# Foreword\n\nSee [the tool](ms-msdt:/id PCWDiagnostic) and [the feed](feed:javascript:alert(1)) or [the site](https://www.imas.org/).\n\n# 1 Scope\n\nScope.\n';
      const res = await request(t.app).post('/api/v1/standards/09.10/versions').set(...sec.auth).send({ text });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const page = await board.agent.get(`/standards/09.10/versions/${res.body.n}`).expect(200);
      expect(page.text).to.contain('<a href="https://www.imas.org/">the site</a>');
      expect(page.text).not.to.match(/href="(ms-msdt|feed):/);
    });
  });

  describe('bad requests are 400, never 500', () => {
    it('a path with a broken %-escape', async () => {
      for (const path of ['/ballots/%E0%A4%A', '/comments/%E0%A4%A', '/standards/%E0%A4%A', '/consultations/%E0%A4%A']) {
        const res = await request(t.app).get(path);
        expect(res.status, path).to.equal(400);
        expect(res.text).not.to.match(/URIError|Failed to decode|at \w+ \(/);
      }
      for (const path of ['/api/v1/ballots/%E0%A4%A', '/api/v1/comments/%E0%A4%A', '/api/v1/standards/%E0%A4%A']) {
        const res = await request(t.app).get(path);
        expect(res.status, path).to.equal(400);
        expect(res.body.error.code).to.equal('bad_request');
        expect(res.body.error.message).not.to.match(/URIError|Failed to decode/);
      }
    });

    it('a broken multipart body (sheet import, draft upload; API and form)', async () => {
      const secAgent = await agentFor(t, sec.user);
      for (const body of ['garbage', '--x\r\nContent-Disposition: form-data; name="sheet"; filename="a.csv"\r\n\r\nabc', '--x\r\n\r\n--x--']) {
        const api = await request(t.app).post(`/api/v1/consultations/${cid}/comments/sheet`).set(...sec.auth).set('Content-Type', 'multipart/form-data; boundary=x').send(body);
        expect(api.status, body).to.equal(400);
        expect(api.body.error.code).to.equal('bad_request');
        const form = await secAgent.agent.post(`/consultations/${cid}/comments/sheet?_csrf=${encodeURIComponent(secAgent.csrf)}`).set('Content-Type', 'multipart/form-data; boundary=x').send(body);
        expect(form.status, body).to.equal(400);
        const draft = await request(t.app).post('/api/v1/standards/07.11/versions').set(...sec.auth).set('Content-Type', 'multipart/form-data; boundary=x').send(body.replace('sheet', 'file'));
        expect(draft.status, body).to.equal(400);
      }
    });

    it('a compressed body that does not decompress', async () => {
      const res = await request(t.app).post(`/api/v1/consultations/${cid}/comments`).set(...sec.auth).set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').send('{"not":"gzip"}');
      expect(res.status).to.equal(400);
      expect(res.body.error).to.deep.include({ code: 'bad_request', message: 'The request could not be read.' });
    });
  });

  describe('a board member’s organisation', () => {
    it('cannot be changed by the member (it is the vote they cast): only by the secretariat', async () => {
      const secr = await secretariat(t);
      const m = await boardOf(t, ['Org A', 'Org B']);
      const b = await openBallot(t, secr);
      expect(b.electorate).to.include.members(['Org A', 'Org B']);
      expect((await vote(t, m['Org A']!, b.id, 'approve')).status).to.equal(200);
      // Org B's delegate tries to become Org A and overwrite its vote
      const api = await request(t.app).patch(`/api/v1/users/${m['Org B']!.user.id}`).set(...m['Org B']!.auth).send({ organisation: 'Org A' });
      expect(api.status).to.equal(403);
      expect(api.body.error.fields).to.have.property('organisation');
      const form = await agentFor(t, m['Org B']!.user);
      const page = await form.agent.post('/account').type('form').send({ _csrf: form.csrf, name: m['Org B']!.user.name, organisation: 'Org A' });
      expect(page.status).to.equal(403);
      expect(page.text).to.contain('ask the secretariat');
      expect((await t.db('users').where({ id: m['Org B']!.user.id }).first()).organisation).to.equal('Org B');
      expect((await vote(t, m['Org B']!, b.id, 'disapprove', 'No.')).status).to.equal(200);
      const after = await request(t.app).get(`/api/v1/ballots/${b.id}`).set(...secr.auth).expect(200);
      const positions = Object.fromEntries((after.body.votes as Array<{ organisation: string; position: string }>).map((v) => [v.organisation, v.position]));
      expect(positions).to.include({ 'Org A': 'approve', 'Org B': 'disapprove' });
      // the name stays the member's own to change; the secretariat changes the organisation
      await form.agent.post('/account').type('form').send({ _csrf: form.csrf, name: 'Renamed delegate', organisation: 'Org B' }).expect(303);
      await request(t.app).patch(`/api/v1/users/${m['Org B']!.user.id}`).set(...secr.auth).send({ organisation: 'Org C' }).expect(200);
      await request(t.app).post(`/api/v1/ballots/${b.id}/cancel`).set(...secr.auth).expect(200);
    });

    it('a stakeholder still changes their own organisation', async () => {
      const s = await createUser(t.db, { role: 'stakeholder', organisation: 'Old NGO' });
      const { auth } = await bearerFor(t, s);
      const res = await request(t.app).patch(`/api/v1/users/${s.id}`).set(...auth).send({ organisation: 'New NGO' }).expect(200);
      expect(res.body.user.organisation).to.equal('New NGO');
    });
  });
});
