/**
 * Packages that only a few requests need are loaded on first use, not at start (issue 17: an
 * instance's memory under load ≤ 250 MB; together they were ~20 MB of its resident set). Read from
 * the source, no import run: server/ may name them in `import type` and load them with `import()`,
 * never with a value import, which would load them with the server. Our own modules are never loaded
 * with `import()`: the test runner loads server/ as CommonJS, and an import() of one of our files there
 * makes a second copy of it (its classes then fail `instanceof`), so only packages are loaded lazily.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';

const SERVER = path.resolve(import.meta.dirname, '../../server');
/** Word export and import, XLSX, mail, second factor, uploads. */
const LAZY = ['docx', 'exceljs', 'mammoth', 'sanitize-html', 'htmlparser2', 'nodemailer', 'otplib', 'qrcode', 'multer', 'yauzl'];

function files(dir = SERVER): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return files(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

// `import x from 'pkg'`, `import { a } from 'pkg/sub'`, `export … from 'pkg'`, `import 'pkg'` — not `import type`.
const VALUE_IMPORT = /^[ \t]*(?:import|export)(?!\s+type\b)\b([^;'"`]*?)\bfrom\s*['"]([^'"./][^'"]*)['"]|^[ \t]*import\s*['"]([^'"./][^'"]*)['"]/gm;
const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);

export function valueImportsOf(src: string): string[] {
  return [...src.matchAll(VALUE_IMPORT)]
    .filter((m) => m[2] === undefined || !/^\s*\{[^}]*\}\s*$/.test(m[1]!) || !m[1]!.replace(/[{}]/g, '').split(',').map((s) => s.trim()).filter(Boolean).every((s) => s.startsWith('type ')))
    .map((m) => packageOf(m[2] ?? m[3]!));
}

describe('packages loaded on first use (test/unit/lazy-packages.test.ts)', () => {
  it('tells a value import from a type-only one', () => {
    expect(valueImportsOf("import docx from 'docx';\nimport { Paragraph } from 'docx';\nimport 'qrcode';\nexport { x } from 'yauzl/sub';")).to.deep.equal(['docx', 'docx', 'qrcode', 'yauzl']);
    expect(valueImportsOf("import type * as D from 'docx';\nimport type multer from 'multer';\nimport { type Row, type Style } from 'exceljs';\nconst m = await import('mammoth');")).to.deep.equal([]);
  });

  it('server/ never loads them at start', () => {
    const found = files().flatMap((f) => valueImportsOf(fs.readFileSync(f, 'utf8')).filter((p) => LAZY.includes(p)).map((p) => `${path.relative(SERVER, f)} imports ${p}`));
    expect(found).to.deep.equal([]);
  });

  it('server/ loads packages lazily, never its own modules', () => {
    const own = files().flatMap((f) => [...fs.readFileSync(f, 'utf8').matchAll(/\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g)].map((m) => `${path.relative(SERVER, f)}: import('${m[1]}')`));
    // the database's migrations are loaded by path (db.ts), not by a literal import('./…')
    expect(own).to.deep.equal([]);
  });
});
