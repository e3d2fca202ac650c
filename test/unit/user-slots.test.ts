import { expect } from 'chai';
import { UserSlots, type SlotLocals } from '../../server/http/user-slots.ts';

const reader = (over: Partial<NonNullable<SlotLocals['viewer']>> = {}) => ({ role: 'stakeholder', emailVerified: true, name: 'Ada Reader', ...over });
const text = (bufs: Buffer[]) => bufs.map((b) => b.toString('utf8'));

describe('user slots (server/http/user-slots.ts)', () => {
  it('fills a slot rendered once per shape with each reader\u2019s own name and token: the same bytes as rendering it whole', () => {
    const slots = new UserSlots();
    const cases: SlotLocals[] = [];
    for (const lang of ['en', 'ar', 'fr']) {
      for (const name of ['Ada Reader', '<script>alert(1)</script> & "Bob"', 'Zo\u00eb \u202eevil', "O'Neil `x` =y"]) {
        for (const viewer of [reader({ name }), reader({ name, role: 'board' }), reader({ name, role: 'secretariat', emailVerified: false })]) {
          for (const watch of [null, { watching: true, via: 'standard', watch_id: 7, ref: '07.11' }, { watching: true, via: 'series', watch_id: null, ref: '07.11' }, { watching: false, via: null, watch_id: null, ref: '07.11' }]) {
            cases.push({ viewer, csrfToken: `tok-${name.length}-<&>"`, path: '/standards/07.11', lang, watch });
          }
        }
      }
    }
    // Twice over: the second pass is served from the shapes only.
    for (const pass of [1, 2]) {
      for (const c of cases) expect(text(slots.render(c)), `pass ${pass}: ${JSON.stringify(c)}`).to.deep.equal(new UserSlots().renderWhole(c));
    }
    const [header] = text(slots.render(cases.find((c) => c.viewer?.name.startsWith('<script>'))!));
    expect(header).to.include('<bdi>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Bob&quot;</bdi>');
    expect(header).to.not.include('\u0000');
  });

  it('two readers of the same shape never see each other\u2019s name or token', () => {
    const slots = new UserSlots();
    const a = text(slots.render({ viewer: reader({ name: 'Alice' }), csrfToken: 'token-a', path: '/standards/07.11', lang: 'en' })).join('');
    const b = text(slots.render({ viewer: reader({ name: 'Bruno' }), csrfToken: 'token-b', path: '/standards/07.11', lang: 'en' })).join('');
    expect(a).to.include('Alice').and.include('token-a').and.not.include('Bruno').and.not.include('token-b');
    expect(b).to.include('Bruno').and.include('token-b').and.not.include('Alice').and.not.include('token-a');
  });

  it('renders whole what has no shape: notices of this request, an empty name', () => {
    const slots = new UserSlots();
    const notices = { viewer: reader(), csrfToken: 't', path: '/standards/07.11', lang: 'en', userNotices: ['Saved.'] };
    expect(text(slots.render(notices))).to.deep.equal(slots.renderWhole(notices));
    expect(text(slots.render(notices))[1]).to.include('Saved.');
    const empty = { viewer: reader({ name: '' }), csrfToken: 't', path: '/standards/07.11', lang: 'en' };
    expect(text(slots.render(empty))).to.deep.equal(slots.renderWhole(empty));
  });
});
