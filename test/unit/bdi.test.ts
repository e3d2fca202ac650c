import { expect } from 'chai';
import bdi from '../../server/http/helpers/bdi.ts';
import isolate from '../../server/http/helpers/isolate.ts';

describe('{{bdi}} and {{isolate}}: user text cannot reorder the page around it', () => {
  it('wraps escaped text in <bdi>', () => {
    expect(String(bdi('a\u202Eb <i>"x"</i>'))).to.equal('<bdi>a\u202Eb &lt;i&gt;&quot;x&quot;&lt;/i&gt;</bdi>');
    expect(String(bdi(42))).to.equal('<bdi>42</bdi>');
  });
  it('gives nothing for an empty value', () => {
    for (const v of [null, undefined, '', {}]) expect(String(bdi(v))).to.equal('');
  });
  it('isolate puts FSI … PDI around plain text (for <title> and <option>)', () => {
    expect(isolate('a\u202Eb')).to.equal('\u2068a\u202Eb\u2069');
    expect(isolate(null)).to.equal('');
  });
});
