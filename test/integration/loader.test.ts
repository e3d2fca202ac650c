import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { emptyDb, tmpDir, TEST_NOW } from '../helpers/app.ts';
import { FakeClock } from '../../server/clock.ts';
import { loadStandards } from '../../server/standards/loader.ts';
import type { Db } from '../../server/db.ts';

const clock = new FakeClock(TEST_NOW);
let n = 0;

/** A copy of standards/ to break on purpose. */
function copyStandards(): string {
  const dir = path.join(tmpDir, `standards-${++n}`);
  fs.cpSync('standards', dir, { recursive: true });
  return dir;
}

describe('loading standards/', () => {
  let db: Db;
  beforeEach(async () => {
    db = await emptyDb();
  });
  afterEach(() => db.destroy());

  it('loads the catalogue and the sample texts, and loads nothing twice', async () => {
    const first = await loadStandards(db, clock, 'standards');
    expect(first.errors).to.deep.equal([]);
    expect(first.standardsAdded).to.be.at.least(25);
    expect(first.versionsAdded).to.be.at.least(5);
    const count = async (t: string) => Number((await db(t).count({ c: '*' }).first())!.c);
    const before = { s: await count('standards'), v: await count('versions'), c: await count('clauses'), k: await count('consultations') };
    const again = await loadStandards(db, clock, 'standards');
    expect(again).to.include({ standardsAdded: 0, standardsUpdated: 0, versionsAdded: 0, consultationsAdded: 0 });
    expect(again.versionsUnchanged).to.equal(first.versionsAdded);
    expect({ s: await count('standards'), v: await count('versions'), c: await count('clauses'), k: await count('consultations') }).to.deep.equal(before);
  });

  it('marks 09.20 withdrawn and replaced by 07.40, and unconfirmed titles as such', async () => {
    await loadStandards(db, clock, 'standards');
    const s = await db('standards').where({ ref: '09.20' }).first();
    const by = await db('standards').where({ id: s.replaced_by }).first();
    expect(String(s.withdrawn_on)).to.equal('2016-01-20');
    expect(by.ref).to.equal('07.40');
    expect(Number((await db('standards').where({ title_unconfirmed: false }).count({ c: '*' }).first())!.c)).to.be.at.least(25);
    expect(await db('standards').where({ ref: 'tnma-12.10-01' }).first()).to.include({ type: 'TNMA', number: '12.10/01' });
  });

  it('reports a malformed text by file and line and loads nothing of it or after it', async () => {
    const dir = copyStandards();
    const file = path.join(dir, '07.11', '02-edition-1-amendment-1.md');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.startsWith('## ')); // a numbered sub-clause: make it skip a level
    lines[at] = `#${lines[at]}`;
    fs.writeFileSync(file, lines.join('\n'));
    const r = await loadStandards(db, clock, dir);
    expect(r.errors).to.have.length(1);
    expect(r.errors[0]).to.match(new RegExp(`02-edition-1-amendment-1\\.md:${at + 1}: .*level`, 'i'));
    const s = await db('standards').where({ ref: '07.11' }).first();
    expect((await db('versions').where({ standard_id: s.id })).map((v: { n: number }) => v.n)).to.deep.equal([1]);
  });

  it('reports bad front matter at the line of the field', async () => {
    const dir = copyStandards();
    const file = path.join(dir, '10.60', '01-edition-2.md');
    const text = fs.readFileSync(file, 'utf8').replace(/^in_force_from: .*$/m, 'in_force_from: 2020-02-31');
    fs.writeFileSync(file, text);
    const line = text.split('\n').findIndex((l) => l.startsWith('in_force_from')) + 1;
    const r = await loadStandards(db, clock, dir);
    expect(r.errors).to.deep.equal([`${path.relative(process.cwd(), file)}:${line}: in_force_from: must be a date written YYYY-MM-DD`]);
  });

  it('refuses a publication date after today, at the line of the field', async () => {
    const dir = copyStandards();
    const file = path.join(dir, '10.60', '02-edition-2-amendment-1.md');
    const text = fs.readFileSync(file, 'utf8').replace(/^published: .*$/m, 'published: 2026-11-24'); // the day after TEST_NOW
    fs.writeFileSync(file, text);
    const line = text.split('\n').findIndex((l) => l.startsWith('published:')) + 1;
    const r = await loadStandards(db, clock, dir);
    expect(r.errors).to.have.length(1);
    expect(r.errors[0]).to.match(new RegExp(`^${path.relative(process.cwd(), file).replace(/\./g, '\\.')}:${line}: published: 2026-11-24 is after today \\(2026-11-23\\)`));
    const s = await db('standards').where({ ref: '10.60' }).first();
    expect((await db('versions').where({ standard_id: s.id })).map((v: { n: number }) => v.n)).to.deep.equal([1]);
    // the same day is today, not the future; and only the publication date is held to it
    fs.writeFileSync(file, text.replace(/^published: .*$/m, 'published: 2026-11-23'));
    expect((await loadStandards(db, clock, dir)).errors).to.deep.equal([]);
  });

  it('refuses a catalogue it cannot read, naming the line, and loads nothing', async () => {
    const dir = copyStandards();
    fs.writeFileSync(path.join(dir, 'catalogue.yaml'), 'series:\n  "07": x\ndocuments:\n  - type: IMAS\n    number: "7.11"\n    title: Land release\n');
    const r = await loadStandards(db, clock, dir);
    expect(r.errors[0]).to.match(/catalogue\.yaml:5: documents\.0\.number: number does not have the form/);
    expect(Number((await db('standards').count({ c: '*' }).first())!.c)).to.equal(0);
  });

  it('refuses to change the text of a version already loaded', async () => {
    const dir = copyStandards();
    await loadStandards(db, clock, dir);
    const file = path.join(dir, '10.60', '01-edition-2.md');
    fs.appendFileSync(file, '\nAn extra sentence.\n');
    const r = await loadStandards(db, clock, dir);
    expect(r.errors.join()).to.match(/01-edition-2\.md:1: version 1 is already loaded with another text/);
  });
});
