import { expect } from 'chai';
import { testApp } from '../helpers/app.ts';
import { agentFor } from '../helpers/auth.ts';
import { boardOf, openBallot, secretariat, vote, type Member } from '../helpers/ballots.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';

type App = Awaited<ReturnType<typeof testApp>>;
/** The page's text as read: Handlebars escapes = and ' in what it prints; tags dropped. */
const read = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&#x3D;/g, '=').replace(/&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/[\u2066-\u2069]/g, '');
const ORGS = ['GICHD', 'UNDP', 'UNICEF', 'UNOPS', 'NMAA Cambodia', 'Mines Advisory Group', 'HALO Trust'];

/** The Board's ballot page (issue 11 item 10). */
describe('the ballot page: what is voted on first, the rule with its figures', () => {
  let t: App;
  let m: Record<string, Member>;
  let id: number;
  before(async () => {
    t = await testApp();
    m = await boardOf(t, ORGS);
    id = (await openBallot(t, await secretariat(t))).id;
  });
  after(() => t.close());

  it('puts "What the Board is voting on" (the summary, the comment report) before the tally and the vote form', async () => {
    const member = await agentFor(t, 'board', { organisation: 'GICHD' });
    const page = await member.agent.get(`/ballots/${id}`).expect(200);
    const at = (s: string) => page.text.indexOf(s);
    expect(at('id="reading-title"')).to.be.greaterThan(-1);
    expect(at('id="reading-title"')).to.be.lessThan(at('id="tally-title"'));
    expect(at('id="tally-title"')).to.be.lessThan(at('id="vote-title"'));
    // the summary of changes against the current edition and the comment report are in that first section
    const reading = page.text.slice(at('id="reading-title"'), at('id="tally-title"'));
    expect(read(reading)).to.contain('Changes against Edition 2');
    expect(reading).to.contain(`href="/consultations/${await sampleConsultationId(t.db)}/report"`);
    // the clause-by-clause diff comes after the vote form
    expect(at('id="changes-title"')).to.be.greaterThan(at('id="vote-title"'));
  });

  it('states the rule and the quorum with their figures as the votes come in', async () => {
    for (const o of ORGS.slice(0, 4)) expect((await vote(t, m[o]!, id, 'approve')).status).to.equal(200);
    expect((await vote(t, m[ORGS[4]!]!, id, 'disapprove', 'Clause 5 needs a worked example.')).status).to.equal(200);
    const member = await agentFor(t, 'board', { organisation: 'UNDP' });
    const text = read((await member.agent.get(`/ballots/${id}`).expect(200)).text);
    expect(text).to.contain('approve 4 of 5 votes cast = 80\u00a0% ≥ 66.7\u00a0%; disapprove 1 of 5 = 20\u00a0% ≤ 25\u00a0% — met');
    expect(text).to.contain('cast 5 of 7 = 71\u00a0% ≥ 50\u00a0% — met');
    expect(text).to.contain('the iso rule is met');
  });

  it('speaks of no votes still to come once everyone has voted', async () => {
    for (const o of ORGS.slice(5)) expect((await vote(t, m[o]!, id, 'disapprove', 'Not ready.')).status).to.equal(200);
    const member = await agentFor(t, 'board', { organisation: 'UNICEF' });
    const text = read((await member.agent.get(`/ballots/${id}`).expect(200)).text);
    expect(text).to.contain('approve 4 of 7 votes cast = 57\u00a0% < 66.7\u00a0%; disapprove 3 of 7 = 43\u00a0% > 25\u00a0% — not met');
    expect(text).to.contain('cannot be approved under the iso rule: everyone has voted');
    expect(text).to.not.contain('still to come');
  });
});
