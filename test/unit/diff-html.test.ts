import { expect } from 'chai';
import { diffVersions, renderDiffHtml, renderSummaryHtml } from '../../server/diff/index.ts';
import { escapeHtml, marked } from '../../server/diff/html.ts';
import fc from 'fast-check';
import type { Clause } from '../../server/versions/clause.ts';

function clause(ref: string, heading: string, text: string, position: number, key = ref): Clause {
  return { ref, heading, text, depth: ref.split('.').length, position, key };
}

const from = [
  clause('4.1', 'Scope', 'Unchanged text.', 0),
  clause('4.2', 'Marking <signs>', 'Teams should mark every 50 m with <script>alert("x")</script> & "signs".', 1),
  clause('4.3', 'Records', 'Unchanged records text.', 2),
  clause('4.4', 'Training', 'Unchanged training text.', 3),
  clause('4.5', 'Old', 'Removed <b>clause</b>.', 4),
];
const to = [
  clause('4.1', 'Scope', 'Unchanged text.', 0),
  clause('4.2', 'Marking <signs>', 'Teams shall mark every 100 m with <script>alert("y")</script> & "signs".', 1),
  clause('4.3', 'Records', 'Unchanged records text.', 2),
  clause('4.4', 'Training', 'Unchanged training text.', 3),
];
const diff = diffVersions(from, to);

describe('diff: HTML', () => {
  it('escapes all clause text and headings', () => {
    for (const view of ['inline', 'side-by-side'] as const) {
      const html = renderDiffHtml(diff, { view, changesOnly: false });
      expect(html).to.not.include('<script>');
      expect(html).to.not.include('<b>');
      expect(html).to.not.include('<signs>');
      expect(html).to.include('&lt;script&gt;alert(&quot;');
      expect(html).to.include('&amp; &quot;signs&quot;');
      expect(html).to.include('Marking &lt;signs&gt;');
    }
  });

  it('marks insertions and deletions in text, not by colour alone', () => {
    const html = renderDiffHtml(diff, { view: 'inline', changesOnly: false });
    expect(html).to.include('<del class="diff-del"><span class="sr-only">[deleted: </span><mark class="diff-term diff-verb">should</mark><span class="sr-only">]</span></del>');
    expect(html).to.include('<ins class="diff-ins"><span class="sr-only">[inserted: </span><mark class="diff-term diff-verb">shall</mark><span class="sr-only">]</span></ins>');
  });

  it('separates a deletion from the insertion that replaces it by an arrow screen readers skip', () => {
    const html = renderDiffHtml(diff, { view: 'inline', changesOnly: false });
    expect(html).to.include('</del><span class="diff-to" aria-hidden="true"> → </span><ins class="diff-ins">');
    // what a sighted reader sees (screen-reader text left out), and what a screen reader reads
    const seen = html.replace(/<span class="sr-only">[^<]*<\/span>/g, '').replace(/<[^>]+>/g, '');
    expect(seen).to.include('Teams should → shall mark every 50 → 100 m with');
    const heard = html.replace(/<span class="diff-to" aria-hidden="true">[^<]*<\/span>/g, '').replace(/<[^>]+>/g, '');
    expect(heard).to.include('every [deleted: 50][inserted: 100] m');
    // an insertion alone gets no arrow
    const added = renderDiffHtml(diffVersions([clause('4.1', 'A', 'Keep records.', 0)], [clause('4.1', 'A', 'Keep records. Add more.', 0)]), { view: 'inline', changesOnly: false });
    expect(added).to.not.include('diff-to');
  });

  it('makes changed verbs and numbers stand out in the text, as the summary reads them', () => {
    const d = diffVersions(
      [clause('4.1', 'Buffer', 'A buffer of 25 m shall be searched. Teams should report within 5 days.', 0)],
      [clause('4.1', 'Buffer', 'A buffer of 50 m shall not be skipped. Teams should report within 5 days.', 0)],
    );
    const html = renderDiffHtml(d, { view: 'inline', changesOnly: false });
    expect(html).to.include('<mark class="diff-term diff-number">25</mark>');
    expect(html).to.include('<mark class="diff-term diff-number">50</mark>');
    expect(html).to.include('<mark class="diff-term diff-verb">not</mark>'); // "shall" → "shall not"
    expect(html.match(/<mark /g)).to.have.length(3); // unchanged "should" and "5 days" are not marked
    const side = renderDiffHtml(d, { view: 'side-by-side', changesOnly: false });
    const [oldCol, newCol] = side.split('<div class="diff-new diff-text">');
    expect(oldCol).to.include('<mark class="diff-term diff-number">25</mark>').and.not.include('>50<');
    expect(newCol).to.include('<mark class="diff-term diff-number">50</mark>').and.include('<mark class="diff-term diff-verb">not</mark>');
    // a whole added or removed clause is not strewn with marks (the summary does not list its terms either)
    const whole = renderDiffHtml(diffVersions([], [clause('4.1', 'New', 'Teams shall mark every 50 m.', 0)]), { view: 'inline', changesOnly: false });
    expect(whole).to.not.include('<mark');
  });

  it('marks a term in escaped text without breaking the escapes', () => {
    const spans = [{ kind: 'verb' as const, start: 13, end: 18 }];
    expect(marked('<b> & they shall', 2, spans)).to.equal('&lt;b&gt; &amp; they <mark class="diff-term diff-verb">shall</mark>');
    expect(marked('all <now>', 15, spans)).to.equal('<mark class="diff-term diff-verb">all</mark> &lt;now&gt;'); // the end of a term begun in the part before
    expect(marked('x', 0, [])).to.equal('x');
  });

  it('gives each clause an anchor the summary links to', () => {
    const html = renderDiffHtml(diff, { view: 'inline', changesOnly: false });
    const summary = renderSummaryHtml(diff);
    expect(html).to.include('<section class="diff-clause diff-status-changed" id="change-4.2">');
    expect(html).to.include('id="change-removed-4.5"');
    expect(summary).to.include('<a href="#change-4.2">should → shall in 4.2</a>');
    expect(summary).to.include('<a href="#change-4.2">50 m → 100 m in 4.2</a>');
    expect(summary).to.include('<a href="#change-removed-4.5">4.5 Old</a>');
  });

  it('folds runs of unchanged clauses into <details> in "changes only"', () => {
    const html = renderDiffHtml(diff, { view: 'inline', changesOnly: true });
    expect(html.match(/<details class="diff-folded">/g)).to.have.length(2);
    expect(html).to.include('<summary>2 unchanged clauses (4.3 to 4.4)</summary>');
    expect(html).to.include('<summary>1 unchanged clause (4.1)</summary>');
    expect(renderDiffHtml(diff, { view: 'inline', changesOnly: false })).to.not.include('<details');
  });

  it('shows old and new side by side', () => {
    const html = renderDiffHtml(diff, { view: 'side-by-side', changesOnly: false });
    const side = html.split('id="change-4.2"')[1]!;
    const [oldCol, newCol] = side.split('<div class="diff-new diff-text">');
    expect(oldCol).to.include('should').and.not.include('shall');
    expect(newCol).to.include('shall').and.not.include('should');
  });

  it('names added and removed clauses by number and heading in the summary', () => {
    const d = diffVersions([clause('foreword', 'Foreword', 'Old.', 0), clause('4.1', 'Scope', 'Text.', 1)], [clause('4.1', 'Scope', 'Text.', 0), clause('annex-b', 'Forms & <lists>', 'New.', 1)]);
    const summary = renderSummaryHtml(d);
    expect(summary).to.include('<a href="#change-annex-b">Annex B Forms &amp; &lt;lists&gt;</a>');
    expect(summary).to.include('<a href="#change-removed-foreword">Foreword</a>');
  });

  it('lists a clause moved and renumbered once, under "moved", with its old number', () => {
    const from = [clause('4.1', 'Marking', 'Signs shall be red.', 0, 'a'), clause('4.2', 'Records', 'Keep records for 5 years.', 1, 'b'), clause('4.3', 'Training', 'Train.', 2, 'c')];
    const to = [clause('4.1', 'Records', 'Keep records for 5 years.', 0, 'b'), clause('4.2', 'Marking', 'Signs shall be red.', 1, 'a'), clause('4.3', 'Training', 'Train.', 2, 'c')];
    const d = diffVersions(from, to);
    const summary = renderSummaryHtml(d);
    const moved = d.clauses.find((c) => c.moved)!;
    const other = d.clauses.find((c) => c.renumbered && !c.moved)!;
    const movedText = `${moved.to_ref} ${moved.heading} (was ${moved.from_ref})`;
    expect(summary.split(movedText)).to.have.length(2); // once
    expect(summary).to.match(new RegExp(`<h3>Clauses moved</h3>\\n<ul class="diff-summary-list">\\n<li><a href="#change-${moved.to_ref}">${movedText.replace(/[.()]/g, '\\$&')}</a></li>\\n</ul>`));
    expect(summary).to.match(new RegExp(`<h3>Clauses renumbered</h3>\\n<ul class="diff-summary-list">\\n<li><a href="#change-${other.to_ref}">${other.to_ref} ${other.heading} \\(was ${other.from_ref}\\)</a></li>\\n</ul>`));
    const html = renderDiffHtml(d, { view: 'inline', changesOnly: true });
    expect(html).to.include(`(moved from ${moved.from_ref})`);
    expect(html).to.include(`(was ${other.from_ref})`);
  });

  it('shows a heading change and renumbering in the clause title', () => {
    const d = diffVersions([clause('4.1', 'Marking', 'Text.', 0, 'k')], [clause('4.2', 'Marking of areas', 'Text.', 0, 'k')]);
    const html = renderDiffHtml(d, { view: 'inline', changesOnly: true });
    expect(html).to.include('<del class="diff-del"><span class="sr-only">[deleted: </span>Marking<span class="sr-only">]</span></del>');
    expect(html).to.include('(was 4.1)');
  });

  it('says split and merged in words, reads a moved sentence\'s edit with where it went, and shows each piece beside its origin', () => {
    const medic = 'A qualified medic shall be present whenever demining is in progress. The medic shall hold a current trauma care qualification.';
    const evac = 'A casualty shall be evacuated to a surgical facility within 2 hours of injury. The evacuation route shall be driven and timed before work starts.';
    const fence = 'The perimeter shall be fenced with posts at intervals of no more than 5 m. The fence shall be at least 1.2 m high.';
    const gate = 'Each worksite shall have a single gate for vehicles. The gate shall be 3 m wide and shall be locked outside working hours.';
    const d = diffVersions(
      [clause('6.1', 'Fencing', fence, 0), clause('6.2', 'Gates', gate, 1), clause('7.3', 'Medical support', `${medic} ${evac}`, 2)],
      [clause('6.1', 'Fencing and gates', `${fence} ${gate.replace('3 m', '4 m')}`, 0, '6.1'), clause('7.3', 'Medics', medic, 1, '7.3'), clause('7.4', 'Evacuation', evac.replace('2 hours', '1 hour'), 2, 'new')],
    );
    const summary = renderSummaryHtml(d);
    expect(summary).to.include('<h3>Clauses split</h3>\n<ul class="diff-summary-list">\n<li><a href="#change-7.3">7.3 was split into 7.3 and 7.4</a></li>');
    expect(summary).to.include('<h3>Clauses merged</h3>\n<ul class="diff-summary-list">\n<li><a href="#change-6.1">6.1 and 6.2 were merged into 6.1</a></li>');
    expect(summary).to.include('<a href="#change-7.4">2 hours → 1 hour, moved from 7.3 to 7.4</a>');
    expect(summary).to.include('<a href="#change-6.1">3 m → 4 m in 6.1, was 6.2</a>');
    expect(summary).to.not.include('Clauses renumbered'); // the merge is told once, as a merge
    const side = renderDiffHtml(d, { view: 'side-by-side', changesOnly: true });
    const piece = side.split('id="change-7.4"')[1]!.split('</section>')[0]!;
    expect(piece).to.include('<p class="diff-origin">From 7.3 Medical support</p>').and.include('<p class="diff-origin">Now 7.4 Evacuation</p>');
    expect(piece).to.include('(part of 7.3, which was split into 7.3 and 7.4)');
    expect(side.split('<p class="diff-origin">From 6.2 Gates</p>')).to.have.length(2);
    // inline, no column captions
    expect(renderDiffHtml(d, { view: 'inline', changesOnly: true })).to.not.include('diff-origin');
  });
});

describe('diff: escapeHtml', () => {
  it('escapes the five characters in short and long text alike', () => {
    // (a long text is searched for each of them natively, a short one by one regexp)
    const ref = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
    const piece = fc.constantFrom('a', 'shall ', '50 m', '&', '<', '>', '"', "'", 'é', '\n', 'x'.repeat(40));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (xs) => {
        const s = xs.join('');
        expect(escapeHtml(s)).to.equal(ref(s));
      }),
      { numRuns: 2000 },
    );
  });
});
