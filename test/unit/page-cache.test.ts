import { expect } from 'chai';
import { PageCache, fresh } from '../../server/http/page-cache.ts';

const req = (headers: Record<string, string>) => ({ headers });

describe('page cache (server/http/page-cache.ts)', () => {
  it('drops the least recently used pages once their bytes pass the bound', () => {
    const html = 'x'.repeat(1000);
    const size = (() => {
      const p = new PageCache('t').put('probe', html);
      return p.html.length + p.gzip.length;
    })();
    const cache = new PageCache('t', size * 2);
    cache.put('a', html);
    cache.put('b', html);
    expect(cache.get('a')).to.not.equal(undefined); // a is now the most recently used
    cache.put('c', html);
    expect(cache.get('b')).to.equal(undefined);
    expect(cache.get('a')?.html.toString()).to.equal(html);
    expect(cache.get('c')).to.not.equal(undefined);
    cache.clear();
    expect(cache.get('a')).to.equal(undefined);
  });

  it('keeps the headers set before rendering, but not its own', () => {
    const page = new PageCache('t').put('k', '<p>', { 'X-Frame-Options': 'DENY', ETag: '"other"', 'Set-Cookie': 's=1' });
    expect(page.headers).to.deep.equal([['X-Frame-Options', 'DENY']]);
  });

  it('answers If-None-Match by the ETag, weak or strong, alone or in a list', () => {
    const etag = new PageCache('build').etagFor('key');
    expect(etag).to.equal(new PageCache('build').etagFor('key'));
    expect(etag).to.not.equal(new PageCache('other build').etagFor('key'));
    expect(fresh(req({ 'if-none-match': etag }), etag)).to.equal(true);
    expect(fresh(req({ 'if-none-match': `W/${etag}` }), etag)).to.equal(true);
    expect(fresh(req({ 'if-none-match': `"a", ${etag}` }), etag)).to.equal(true);
    expect(fresh(req({ 'if-none-match': '"a"' }), etag)).to.equal(false);
    expect(fresh(req({}), etag)).to.equal(false);
  });
});
