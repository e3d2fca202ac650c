import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

/**
 * The accounts' arrows run one way (issue 10, item 3): pages → accounts → auth. auth/ is who is asking
 * and what they may do, below every feature (all of them consult its PERMISSIONS table), so it imports
 * none; the Passport strategy is handed the account lookups by app.ts.
 */
const SERVER = path.resolve(import.meta.dirname, '../../server');

// folder → the folders it must never import (type imports included)
const NEVER: Record<string, string[]> = {
  auth: ['accounts', 'users', 'signin', 'twofactor', 'privacy'],
  accounts: ['users', 'signin', 'twofactor', 'privacy'],
  twofactor: ['users', 'signin', 'privacy'],
  users: ['signin', 'privacy'],
  privacy: ['signin'],
};

function importsOf(folder: string): Array<{ file: string; target: string }> {
  const out: Array<{ file: string; target: string }> = [];
  for (const name of fs.readdirSync(path.join(SERVER, folder)).filter((n) => n.endsWith('.ts'))) {
    const text = fs.readFileSync(path.join(SERVER, folder, name), 'utf8');
    for (const m of text.matchAll(/\b(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = path.relative(SERVER, path.resolve(SERVER, folder, m[1]!));
      out.push({ file: `${folder}/${name}`, target });
    }
  }
  return out;
}

describe('accounts: the arrows run one way', () => {
  for (const [folder, never] of Object.entries(NEVER)) {
    it(`server/${folder}/ imports nothing of ${never.map((n) => `${n}/`).join(', ')}`, () => {
      const imports = importsOf(folder);
      expect(imports, 'the scan reads the imports').to.not.be.empty;
      const wrong = imports.filter((i) => never.includes(i.target.split(path.sep)[0]!)).map((i) => `${i.file} → ${i.target}`);
      expect(wrong).to.deep.equal([]);
    });
  }
});
