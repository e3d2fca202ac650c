import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { htmlProblems } from '../helpers/html.ts';

const pages = [
  '/',
  '/standards',
  '/standards?q=land',
  '/standards/07.11',
  '/standards/07.11/versions',
  '/standards/07.11/versions/1',
  '/standards/07.11/versions/4',
  '/standards/07.11/on/2020-06-30',
  '/standards/07.11/on/2010-01-01',
  '/standards/09.20',
  '/standards/09.10',
  '/standards/07.11/diff/1..2',
  '/standards/07.11/diff/2..3?view=side-by-side&changes=all',
  // with the heat strip of the draft's consultation (issue 20)
  '/standards/07.11/diff/3..4',
  '/consultations/1',
  '/standards/no-such',
  '/login',
  '/register',
];

describe('valid HTML', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  for (const url of pages) {
    it(url, async () => {
      const res = await request(t.app).get(url);
      expect(res.headers['content-type']).to.match(/text\/html/);
      const problems = await htmlProblems(res.text);
      expect(problems, problems.join('\n')).to.deep.equal([]);
    });
  }
});
