// The command line on the embedded default (a folder, no server): the shared suite through the
// built program's main(), the demo through the real binary.
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import { cairn } from './__tests__/cli-run.js';
import { cliSpecification } from './__tests__/cli-suite.js';

cliSpecification('the embedded store', { env: (dir) => ({ CAIRN_STORE: path.join(dir, '.cairn') }), inProcess: true });

describe('cairn demo', () => {
  it('when run in a fresh folder, then it walks through diff, why, why-not, trace, impact, prove and verify, and verify passes', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-demo-test-'));
    const r = await cairn(dir, {}, 'demo', '--dir', path.join(dir, 'ledger'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const step of [
      'What changed between the versions?',
      'NOT in',
      'first failing rule: minApprovals',
      'first failing rule: license',
      'first failing rule: deprecated',
      '--amends-->',
      'dependent CFs',
      'ok   the leaf is the CF named',
      'verify: OK',
    ])
      expect(r.stdout).toContain(step);
    expect(r.stdout).toContain(path.join(dir, 'ledger'));
    // the diff names a removal's rule once
    expect(r.stdout).toMatch(/^ {2}- .* deprecated: deprecated by [0-9a-f]{64} at position \d+: dispute/m);
    expect(r.stdout).not.toContain('deprecated: deprecated:');
  }, 180_000);

  it('when the folder is not empty, then it refuses with a usage error', async () => {
    const r = await cairn(path.dirname(new URL(import.meta.url).pathname), {}, 'demo', '--dir', '.');
    expect(r.code).toBe(2);
  }, 60_000);
});
