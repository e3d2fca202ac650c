import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import * as tableModule from '../../server/auth/permissions.ts';

/**
 * Permissions only through the table (issue 10, item 6): no code outside server/auth/permissions.ts
 * decides by naming a role. It asks can(viewer, action), roleCan(role, action) or rolesThatCan(action),
 * and views use the `can` helper, so a change of who may do what is one line of PERMISSIONS.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const TABLE = 'server/auth/permissions.ts';
const ROLE = `(?:secretariat|board|stakeholder)`;

const PATTERNS: RegExp[] = [
  // viewer.role === 'secretariat', 'board' !== who.role
  new RegExp(`[!=]==?\\s*['"\`]${ROLE}['"\`]`),
  new RegExp(`['"\`]${ROLE}['"\`]\\s*[!=]==?`),
  // anything named role compared with a literal
  /\brole\s*[!=]==?\s*['"`]/,
  // ['board', 'secretariat'].includes(viewer.role), switch (viewer.role)
  /\.includes\(\s*[\w.?!]*\brole\s*\)/,
  /\bswitch\s*\(\s*[\w.?!]*\brole\s*\)/,
  // a query that picks accounts by a role it names: where({ role: 'board' })
  new RegExp(`\\bwhere(?:Not)?\\(\\s*\\{[^}]*\\brole:\\s*['"\`]${ROLE}`),
  new RegExp(`\\bwhere(?:In|NotIn)?\\(\\s*['"\`]role['"\`]\\s*,\\s*(?:\\[\\s*)?['"\`]${ROLE}`),
  // a rule written in place instead of an action of the table: allow(['secretariat']), can(viewer, ['board'])
  new RegExp(`\\b(?:allow|can|roleCan)\\([^)]*\\[\\s*['"\`]${ROLE}`),
  // Handlebars: (eq viewer.role "secretariat"), (eq "board" user.role)
  /\(eq\s+[\w.@]*\brole\b/,
  /\(eq\s+"[^"]*"\s+[\w.@]*\brole\b/,
];

export function roleChecks(text: string): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  text.split('\n').forEach((l, i) => {
    if (PATTERNS.some((p) => p.test(l))) out.push({ line: i + 1, text: l.trim() });
  });
  return out;
}

function files(dir: string, ext: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

describe('role checks only in the permissions table', () => {
  it('finds the comparisons it is meant to find', () => {
    const bad = [
      "if (viewer.role === 'secretariat') {",
      "const own = viewer?.role !== 'board' ? x : y;",
      "if ('stakeholder' === user.role) return;",
      'if (role == "board") return;',
      "return ['board', 'secretariat'].includes(viewer.role);",
      'switch (user.role) {',
      "await db('users').where({ role: 'board', board_chair: false })",
      "await db('users').whereIn('role', ['secretariat'])",
      '{{#if (eq viewer.role "secretariat")}}',
      '{{#unless (eq "stakeholder" viewer.role)}}',
      "r.post('/x', allow(['secretariat']), handler);",
      "if (can(viewer, ['board', 'secretariat'])) {",
    ];
    for (const l of bad) expect(roleChecks(l), l).to.have.length(1);
    const fine = [
      "if (can(viewer, 'accounts.manage')) {",
      "if (patch.role !== undefined && patch.role !== user.role) changes.role = patch.role;",
      "export const role = z.enum(['secretariat', 'board', 'stakeholder']);",
      "return createUser(ctx, null, { role: 'secretariat', password });",
      "if (h.startsWith('secretariat')) return 'ignored';",
      '{{#if (can viewer "ballots.read-open")}}',
      "await db('users').whereIn('role', rolesThatCan('ballots.vote'))",
    ];
    for (const l of fine) expect(roleChecks(l), l).to.deep.equal([]);
  });

  it(`no role is compared outside ${TABLE} (server/**/*.ts, views/**/*.hbs)`, () => {
    const found: string[] = [];
    for (const f of [...files('server', '.ts'), ...files('views', '.hbs')]) {
      if (f === TABLE) continue;
      for (const hit of roleChecks(fs.readFileSync(path.join(ROOT, f), 'utf8'))) found.push(`${f}:${hit.line}: ${hit.text}`);
    }
    expect(found, `use can(viewer, action), roleCan(role, action) or rolesThatCan(action) of ${TABLE}:\n${found.join('\n')}`).to.deep.equal([]);
  });

  it('every action of the table is used (unused names are removed)', () => {
    const { PERMISSIONS } = tableModule;
    const code = [...files('server', '.ts'), ...files('views', '.hbs')].filter((f) => f !== TABLE).map((f) => fs.readFileSync(path.join(ROOT, f), 'utf8')).join('\n');
    const unused = Object.keys(PERMISSIONS).filter((a) => !code.includes(`'${a}'`) && !code.includes(`"${a}"`));
    expect(unused).to.deep.equal([]);
  });
});
