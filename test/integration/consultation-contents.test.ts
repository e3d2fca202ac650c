import { expect } from 'chai';
import request from 'supertest';
import { TEST_NOW, testApp } from '../helpers/app.ts';
import { agentFor } from '../helpers/auth.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';
import { htmlProblems } from '../helpers/html.ts';

/** Issue 11 item 5: the consultation page has a contents list, counts that link to the comments, and the changes. */
describe('consultation page: contents, comment counts, changes', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let cid: number;
  before(async () => {
    t = await testApp();
    cid = await sampleConsultationId(t.db);
  });
  after(() => t.close());

  const contentsOf = (html: string) => /<details class="toc consultation-contents" open>([\s\S]*?)<\/details>/.exec(html)?.[1] ?? '';

  it('lists every clause of the draft, nested, each linking to its anchor on the page', async () => {
    const res = await request(t.app).get(`/consultations/${cid}`).expect(200);
    const anchors = [...res.text.matchAll(/<section class="clause depth-\d" id="([^"]+)"/g)].map((m) => m[1]);
    expect(anchors.length).to.be.greaterThan(30);
    const contents = contentsOf(res.text);
    const links = [...contents.matchAll(/<a href="#([^"]+)">/g)].map((m) => m[1]);
    expect(links).to.deep.equal(anchors);
    // nested as the clauses are: 7.4 sits in a list inside 7's item
    expect(contents).to.match(/<a href="#clause-7">[\s\S]*?<ol>[\s\S]*?<a href="#clause-7.4">/);
    expect(contents).not.to.match(/<a href="#clause-7.4">[^\n]*<ol>/);
  });

  it("a clause with comments has its count linked to that clause's comments in the matrix; the public gets no link before the report", async () => {
    const { agent, csrf } = await agentFor(t, 'stakeholder', { organisation: 'Field NGO' });
    for (const comment of ['First', 'Second']) {
      await agent.post(`/consultations/${cid}/comments`).type('form').send({ _csrf: csrf, clause: '7.4', type: 'technical', comment }).expect(303);
    }
    // (Handlebars writes = in attributes as &#x3D;, which the browser reads as =)
    const page = { text: (await agent.get(`/consultations/${cid}`).expect(200)).text.replaceAll('&#x3D;', '=') };
    const link = `<a class="count" href="/consultations/${cid}/comments?clause=7.4">2 comments</a>`;
    expect(contentsOf(page.text)).to.contain(`<a href="#clause-7.4"><span class="clause-number">7.4</span> Buffer zone</a> ${link}`);
    expect(page.text).to.contain(`<p class="clause-comments">${link}</p>`);
    // a clause without comments: a count in the clause, nothing in the contents
    expect(page.text).to.contain('<p class="clause-comments"><span class="count">0 comments</span></p>');
    const matrix = await agent.get(`/consultations/${cid}/comments?clause=7.4`).expect(200);
    expect(matrix.text).to.contain('Second');
    const anon = { text: (await request(t.app).get(`/consultations/${cid}`).expect(200)).text.replaceAll('&#x3D;', '=') };
    expect(anon.text).to.contain('<span class="count">2 comments</span>');
    expect(anon.text).not.to.contain(`/consultations/${cid}/comments?clause=`);
    // once closed, the report is public: the public's counts lead there
    t.clock.set('2027-07-01T12:00:00.000Z');
    try {
      const closed = (await request(t.app).get(`/consultations/${cid}`).expect(200)).text.replaceAll('&#x3D;', '=');
      expect(closed).to.contain(`<a class="count" href="/consultations/${cid}/report?clause=7.4">2 comments</a>`);
      const report = await request(t.app).get(`/consultations/${cid}/report?clause=7.4`).expect(200);
      expect(report.text).to.contain('Second');
    } finally {
      t.clock.set(TEST_NOW);
    }
  });

  it('offers the changes against the current edition, and that diff answers', async () => {
    const res = await request(t.app).get(`/consultations/${cid}`).expect(200);
    const m = /<a href="([^"]+)">Show changes against (Edition \d+)<\/a>/.exec(res.text);
    expect(m, 'the changes link').to.not.equal(null);
    expect(m![1]).to.equal('/standards/07.11/diff/3..4');
    expect(m![2]).to.equal('Edition 2');
    const diff = await request(t.app).get(m![1]!).expect(200);
    expect(diff.text).to.contain('Draft Edition 3');
  });

  it('is valid, accessible HTML, signed out and signed in', async () => {
    const { agent } = await agentFor(t, 'stakeholder');
    for (const html of [(await request(t.app).get(`/consultations/${cid}`)).text, (await agent.get(`/consultations/${cid}`)).text]) {
      const problems = await htmlProblems(html);
      expect(problems, problems.join('\n')).to.deep.equal([]);
    }
  });
});
