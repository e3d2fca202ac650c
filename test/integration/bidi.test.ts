import { expect } from 'chai';
import { HtmlValidate } from 'html-validate';
import { testApp } from '../helpers/app.ts';
import { agentFor, bearerFor, createUser } from '../helpers/auth.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';
import { openBallot, secretariat, vote } from '../helpers/ballots.ts';

type App = Awaited<ReturnType<typeof testApp>>;
// U+202E RIGHT-TO-LEFT OVERRIDE: without isolation it reverses whatever follows it on the line.
const RLO = '\u202E';
const NAME = `Mallory ${RLO}yrollaM`;
const ORG = `Org ${RLO}groO`;
const COMMENT = `Delete ${RLO}7.4 esualc`;
const REASON = `Disapprove ${RLO}evorppa`;

const validator = new HtmlValidate({
  extends: ['html-validate:standard', 'html-validate:a11y'],
  rules: { 'no-inline-style': 'error', 'valid-id': ['error', { relaxed: true }], 'doctype-style': 'off', 'require-sri': 'off', 'long-title': 'off', 'no-trailing-whitespace': 'off', 'attribute-boolean-style': 'off', 'void-style': 'off', 'no-redundant-role': 'off', 'text-content': 'off' },
});
async function valid(html: string): Promise<void> {
  const report = await validator.validateString(html);
  const problems = report.results.flatMap((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
  expect(problems, problems.join('\n')).to.deep.equal([]);
}
const isolated = (html: string, text: string) => expect(html).to.contain(`<bdi>${text}</bdi>`);

describe('bidi controls in user text are isolated where shown', () => {
  let t: App;
  let cid: number;
  let ballotId: number;
  let sec: Awaited<ReturnType<typeof agentFor>>;
  let author: Awaited<ReturnType<typeof agentFor>>;
  before(async () => {
    t = await testApp();
    cid = await sampleConsultationId(t.db);
    author = await agentFor(t, 'stakeholder', { name: NAME, organisation: ORG });
    await author.agent.post(`/api/v1/consultations/${cid}/comments`).set('x-csrf-token', author.csrf).send({ clause: null, type: 'general', comment: COMMENT, proposed_change: COMMENT }).expect(201);
    await author.agent.post('/account/tokens').type('form').send({ _csrf: author.csrf, name: `script ${RLO}tpircs` }).expect(201);
    const member = await createUser(t.db, { role: 'board', name: NAME, organisation: ORG });
    ballotId = (await openBallot(t, await secretariat(t))).id;
    expect((await vote(t, { user: member, auth: (await bearerFor(t, member)).auth }, ballotId, 'disapprove', REASON)).status).to.equal(200);
    sec = await agentFor(t, 'secretariat');
  });
  after(() => t.close());

  it('the comment matrix: organisation, comment and proposed change', async () => {
    const html = (await sec.agent.get(`/consultations/${cid}/comments`).expect(200)).text;
    isolated(html, ORG);
    isolated(html, COMMENT);
    await valid(html);
  });

  it('the consultation page and the comment receipt: the signed-in name, the author and the comment', async () => {
    const page = (await author.agent.get(`/consultations/${cid}`).expect(200)).text;
    isolated(page, NAME);
    await valid(page);
    const id = (await t.db('comments').where({ comment: COMMENT }).first('id')).id;
    const receipt = (await sec.agent.get(`/comments/${id}`).expect(200)).text;
    isolated(receipt, NAME);
    isolated(receipt, ORG);
    isolated(receipt, COMMENT);
    await valid(receipt);
  });

  it('the ballot page: organisation, reasons and who cast the vote', async () => {
    const html = (await sec.agent.get(`/ballots/${ballotId}`).expect(200)).text;
    isolated(html, ORG);
    isolated(html, REASON);
    isolated(html, NAME);
    await valid(html);
  });

  it('the account page and the secretariat’s account pages', async () => {
    const account = (await author.agent.get('/account').expect(200)).text;
    isolated(account, NAME);
    isolated(account, `script ${RLO}tpircs`);
    await valid(account);
    const list = (await sec.agent.get('/admin/users').expect(200)).text;
    isolated(list, NAME);
    isolated(list, ORG);
    await valid(list);
    const one = (await sec.agent.get(`/admin/users/${author.user.id}`).expect(200)).text;
    isolated(one, NAME);
    expect(one).to.contain(`<title>\u2068Account: ${NAME}\u2069 · imas-review</title>`);
    await valid(one);
  });
});
