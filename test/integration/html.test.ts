import { expect } from 'chai';
import request from 'supertest';
import { HtmlValidate } from 'html-validate';
import { testApp } from '../helpers/app.ts';

// The pages are read on poor connections and by screen readers: they must be valid, accessible HTML.
const validator = new HtmlValidate({
  extends: ['html-validate:standard', 'html-validate:a11y'],
  rules: {
    'no-inline-style': 'error',
    'valid-id': ['error', { relaxed: true }], // ids like clause-4.2.1 are valid HTML (no spaces)
    'doctype-style': 'off',
    'require-sri': 'off', // the stylesheet is our own, same origin
    'long-title': 'off',
    'no-trailing-whitespace': 'off',
    'attribute-boolean-style': 'off',
    'void-style': 'off',
    'no-redundant-role': 'off',
    'text-content': 'off', // the clause links carry an aria-label
  },
});

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
      const report = await validator.validateString(res.text);
      const problems = report.results.flatMap((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
      expect(problems, problems.join('\n')).to.deep.equal([]);
    });
  }
});
