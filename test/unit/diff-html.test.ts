import { expect } from 'chai';
import { diffVersions, renderDiffHtml, renderSummaryHtml } from '../../server/diff/index.ts';
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
    expect(html).to.include('<del class="diff-del"><span class="sr-only">[deleted: </span>should<span class="sr-only">]</span></del>');
    expect(html).to.include('<ins class="diff-ins"><span class="sr-only">[inserted: </span>shall<span class="sr-only">]</span></ins>');
  });

  it('gives each clause an anchor the summary links to', () => {
    const html = renderDiffHtml(diff, { view: 'inline', changesOnly: false });
    const summary = renderSummaryHtml(diff);
    expect(html).to.include('<section class="diff-clause diff-status-changed" id="change-4.2">');
    expect(html).to.include('id="change-removed-4.5"');
    expect(summary).to.include('<a href="#change-4.2">should → shall in 4.2</a>');
    expect(summary).to.include('<a href="#change-4.2">50 m → 100 m in 4.2</a>');
    expect(summary).to.include('<a href="#change-removed-4.5">4.5</a>');
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

  it('shows a heading change and renumbering in the clause title', () => {
    const d = diffVersions([clause('4.1', 'Marking', 'Text.', 0, 'k')], [clause('4.2', 'Marking of areas', 'Text.', 0, 'k')]);
    const html = renderDiffHtml(d, { view: 'inline', changesOnly: true });
    expect(html).to.include('<del class="diff-del"><span class="sr-only">[deleted: </span>Marking<span class="sr-only">]</span></del>');
    expect(html).to.include('(was 4.1)');
  });
});
