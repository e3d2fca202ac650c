import { HtmlValidate } from 'html-validate';

// The pages are read on poor connections and by screen readers: they must be valid, accessible HTML.
export const validator = new HtmlValidate({
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

/** What html-validate finds wrong with a page, one line each ("line:column rule: message"). */
export async function htmlProblems(html: string): Promise<string[]> {
  const report = await validator.validateString(html);
  return report.results.flatMap((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
}
