import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';

type Part = { op: string; text: string };
type Entry = { status: string; from_ref: string | null; to_ref: string | null; moved: boolean; renumbered: boolean; heading: string; parts: Part[] };

describe('diffs between versions', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  it('JSON: the summary names verb and number changes, and parts rebuild both texts of every clause', async () => {
    const res = await request(t.app).get('/api/v1/standards/07.11/diff?from=1&to=2').expect(200);
    expect(res.body.from).to.deep.equal({ n: 1, label: 'Edition 1', state: 'published' });
    expect(res.body.summary.verbs).to.deep.include({ anchor: 'change-6.2.1', from_ref: '6.2.1', to_ref: '6.2.1', from: 'should', to: 'shall' });
    expect(res.body.summary.numbers).to.deep.include({ anchor: 'change-7.4', from_ref: '7.4', to_ref: '7.4', from: '25 m', to: '50 m' });
    expect(res.body.summary.added.map((a: { to_ref: string }) => a.to_ref)).to.include('9.5');
    const [a, b] = await Promise.all([1, 2].map((n) => request(t.app).get(`/api/v1/standards/07.11/versions/${n}`)));
    const oldText = new Map(a!.body.clauses.map((c: { ref: string; text: string }) => [c.ref, c.text]));
    const newText = new Map(b!.body.clauses.map((c: { ref: string; text: string }) => [c.ref, c.text]));
    for (const e of res.body.clauses as Entry[]) {
      const side = (op: string) => e.parts.filter((p) => p.op === 'equal' || p.op === op).map((p) => p.text).join('');
      if (e.from_ref) expect(side('delete'), `old ${e.from_ref}`).to.equal(oldText.get(e.from_ref));
      if (e.to_ref) expect(side('insert'), `new ${e.to_ref}`).to.equal(newText.get(e.to_ref));
      for (const k of ['status', 'moved', 'renumbered', 'from_ref', 'to_ref', 'heading', 'parts']) expect(e).to.have.property(k);
    }
  });

  it('JSON: follows clauses that moved and were renumbered between editions', async () => {
    const res = await request(t.app).get('/api/v1/standards/07.11/diff?from=2&to=current').expect(200);
    expect(res.body.to.n).to.equal(3);
    const renumbered = (res.body.clauses as Entry[]).filter((e) => e.renumbered);
    expect(renumbered.length).to.be.greaterThan(0);
    expect(renumbered.every((e) => e.from_ref !== e.to_ref)).to.equal(true);
  });

  it('JSON: clear errors for missing, equal or unknown ends', async () => {
    const missing = await request(t.app).get('/api/v1/standards/07.11/diff?from=1').expect(400);
    expect(missing.body.error.fields).to.have.property('to');
    await request(t.app).get('/api/v1/standards/07.11/diff?from=1&to=1').expect(400);
    await request(t.app).get('/api/v1/standards/07.11/diff?from=1&to=99').expect(404);
    await request(t.app).get('/api/v1/standards/07.11/diff?from=abc&to=2').expect(400);
    await request(t.app).get('/api/v1/standards/09.20/diff?from=current&to=1').expect(400); // withdrawn: no current edition
  });

  it('HTML: summary with links to each change, folded unchanged clauses, ins/del marked for screen readers', async () => {
    const res = await request(t.app).get('/standards/07.11/diff/1..2').expect(200);
    expect(res.text).to.contain('Summary of changes');
    expect(res.text).to.contain('href="#change-7.4"');
    expect(res.text).to.contain('id="change-7.4"');
    expect(res.text).to.match(/<details class="diff-folded">/);
    expect(res.text).to.match(/<ins class="diff-ins">/);
    expect(res.text).to.contain('[inserted: ');
    expect(res.text).not.to.contain('DRAFT — not for use');
    const side = await request(t.app).get('/standards/07.11/diff/1..2?view=side-by-side&changes=all').expect(200);
    expect(side.text).to.contain('diff-side');
    expect(side.text).not.to.contain('diff-folded');
  });

  it('HTML: a changed number reads "25 → 50 m", with the changed verbs and numbers marked in the text', async () => {
    const res = await request(t.app).get('/standards/07.11/diff/1..2').expect(200);
    const clause = res.text.split('id="change-7.4"')[1]!.split('</section>')[0]!;
    expect(clause).to.contain('<mark class="diff-term diff-number">25</mark><span class="sr-only">]</span></del><span class="diff-to" aria-hidden="true"> → </span><ins class="diff-ins"><span class="sr-only">[inserted: </span><mark class="diff-term diff-number">50</mark>');
    const seen = clause.replace(/<span class="sr-only">[^<]*<\/span>/g, '').replace(/<[^>]+>/g, '');
    expect(seen).to.contain('at least 25 → 50 m shall');
    const desk = res.text.split('id="change-6.2.1"')[1]!.split('</section>')[0]!;
    expect(desk).to.contain('<mark class="diff-term diff-verb">should</mark>');
    expect(desk).to.contain('<mark class="diff-term diff-verb">shall</mark>');
  });

  it('HTML: the summary names added and removed clauses, and a clause moved and renumbered once', async () => {
    const one = await request(t.app).get('/standards/07.11/diff/1..2').expect(200);
    expect(one.text).to.contain('<a href="#change-9.5">9.5 Informing communities after release</a>');
    const res = await request(t.app).get('/standards/07.11/diff/2..3').expect(200);
    const summary = res.text.split('<section class="diff-summary">')[1]!.split('</section>')[0]!;
    expect(summary).to.contain('<a href="#change-removed-4.4">4.4 Efficiency</a>');
    expect(summary).to.contain('<a href="#change-11">11 Residual contamination</a>');
    const moved = summary.split('<h3>Clauses moved</h3>')[1]!.split('<h3>')[0]!;
    const renumbered = summary.split('<h3>Clauses renumbered</h3>')[1]!.split('<h3>')[0]!;
    expect(moved).to.contain('4 Responsibilities (was 5)');
    expect(renumbered).to.contain('5 General principles (was 4)');
    for (const item of moved.match(/<li>.*?<\/li>/g)!) expect(renumbered).not.to.contain(item);
    expect(res.text).to.contain('<span class="diff-note">(moved from 5)</span>');
  });

  it('HTML: a draft under consultation can be compared, with the DRAFT banner; the picker redirects', async () => {
    const res = await request(t.app).get('/standards/07.11/diff/current..4').expect(200);
    expect(res.text).to.contain('DRAFT — not for use');
    const pick = await request(t.app).get('/standards/07.11/diff?from=1&to=3').expect(303);
    expect(pick.headers.location).to.equal('/standards/07.11/diff/1..3');
    expect((await request(t.app).get('/standards/07-11/diff/1..2').expect(301)).headers.location).to.equal('/standards/07.11/diff/1..2');
    await request(t.app).get('/standards/07.11/diff/1-2').expect(400);
  });

  it('the history page has a picker and compare links; old versions link to the current one', async () => {
    const h = await request(t.app).get('/standards/07.11/versions').expect(200);
    expect(h.text).to.contain('action="/standards/07.11/diff"');
    expect(h.text).to.contain('href="/standards/07.11/diff/1..current"');
    expect(h.text).to.contain('href="/standards/07.11/diff/1..2"');
    const v = await request(t.app).get('/standards/07.11/versions/1').expect(200);
    expect(v.text).to.contain('href="/standards/07.11/diff/1..current"');
  });
});
