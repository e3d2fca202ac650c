/**
 * `npm start` gives Node V8 flags (package.json; README: heap limits, and no allocation-site
 * pretenuring, bench/PROFILE.md). Node refuses to start at all on a flag its V8 does not know, so a
 * Node upgrade that drops one would break `npm start` while every test still passed: this runs the
 * flags through the Node the tests run on.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const pkg = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { scripts: Record<string, string> };

/** The options between `node` and `--import`: Node's and V8's. */
function startFlags(script: string): string[] {
  const words = script.split(/\s+/);
  expect(words[0], 'npm start runs node').to.equal('node');
  const end = words.indexOf('--import');
  return words.slice(1, end < 0 ? undefined : end);
}

describe('npm start', () => {
  it("gives Node flags that this Node accepts, the heap limit and no pretenuring among them", () => {
    const flags = startFlags(pkg.scripts.start!);
    expect(flags).to.include.members(['--max-old-space-size=256', '--no-allocation-site-pretenuring']);
    const run = spawnSync(process.execPath, [...flags, '-e', 'process.stdout.write(String(require("v8").getHeapStatistics().heap_size_limit))'], { encoding: 'utf8' });
    expect(run.stderr, 'Node complained about a flag').to.equal('');
    expect(run.status).to.equal(0);
    // the flags took effect: the limit is the old space's 256 MB plus the young generation, not V8's default of 2 GB or more
    expect(Number(run.stdout) / 2 ** 20).to.be.within(256, 400);
  });

  it('catches a flag this Node does not know', () => {
    const run = spawnSync(process.execPath, ['--no-such-v8-flag-at-all', '-e', '0'], { encoding: 'utf8' });
    expect(run.status).to.not.equal(0);
  });
});
