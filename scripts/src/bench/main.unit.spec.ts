import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { row } from './types.js';

// The bench contract other tools rely on: rows carry ratio = value / baseline, and the runner
// refuses unknown groups by name. Runs the built runner (turbo builds before test).
const main = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/bench/main.js');

describe('benchmark contract', () => {
  it('given a baseline from the same run, when a row is made, then its ratio is value / baseline', () => {
    expect(row('append', 'batch of 100', 8000, 'events/s', 16000)).toEqual({
      group: 'append',
      name: 'batch of 100',
      value: 8000,
      unit: 'events/s',
      baseline: 16000,
      ratio: 0.5,
    });
    expect(row('merkle', 'root', 1.5, 's')).toEqual({ group: 'merkle', name: 'root', value: 1.5, unit: 's' });
  });

  it('given --list, then every group of the contract is there', () => {
    const out = spawnSync(process.execPath, [main, '--list'], { encoding: 'utf8' });
    expect(out.status).toBe(0);
    const groups = out.stdout
      .split('\n')
      .map((l) => l.split(/\s+/)[0])
      .filter(Boolean);
    expect(groups).toEqual(
      expect.arrayContaining(['append', 'ingest', 'rebuild', 'query', 'merkle', 'kernel', 'attribution', 'explorer', 'server']),
    );
  });

  it('given --quick, then the runner takes it (groups that support it run smaller) and the usage names it', () => {
    const out = spawnSync(process.execPath, [main, '--quick', '--list'], { encoding: 'utf8' });
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('explorer');
    expect(spawnSync(process.execPath, [main, '--help'], { encoding: 'utf8' }).stdout).toContain('--quick');
  });

  it('given an unknown group, when run with --only, then it exits 2 naming the known groups and prints no JSON', () => {
    const out = spawnSync(process.execPath, [main, '--only', 'append,nope', '--json'], { encoding: 'utf8' });
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('unknown group(s) nope');
    expect(out.stderr).toContain('append');
    expect(out.stdout).toBe('');
  });

  it('given --help, then it prints the usage and exits 0 without running a group', () => {
    const out = spawnSync(process.execPath, [main, '--help'], { encoding: 'utf8' });
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/^usage: npm run bench/);
    expect(out.stdout).toContain('--only');
    expect(out.stderr).toBe('');
  });

  // The server group refuses a duration that is not a positive number before it builds anything.
  const failingGroup = { ...process.env, CAIRN_BENCH_SERVER_SECONDS: 'soon', CAIRN_DEBUG: '' };

  it('given a group that throws, then the runner exits 1 with one line naming the group and the reason, no stack and no JSON', () => {
    const out = spawnSync(process.execPath, [main, '--only', 'server', '--quick', '--json'], { encoding: 'utf8', env: failingGroup });
    expect(out.status).toBe(1);
    const errorLines = out.stderr.split('\n').filter((l) => l.startsWith('bench:'));
    expect(errorLines).toEqual([
      'bench: group server failed: CAIRN_BENCH_SERVER_SECONDS: expected a positive number, got soon (CAIRN_DEBUG=1 shows where)',
    ]);
    expect(out.stderr).not.toMatch(/\n\s+at /);
    expect(out.stdout).toBe('');
  });

  it('given a group that throws and CAIRN_DEBUG=1, then the stack is printed after the one line', () => {
    const out = spawnSync(process.execPath, [main, '--only', 'server', '--quick'], {
      encoding: 'utf8',
      env: { ...failingGroup, CAIRN_DEBUG: '1' },
    });
    expect(out.status).toBe(1);
    expect(out.stderr).toContain('bench: group server failed: CAIRN_BENCH_SERVER_SECONDS: expected a positive number, got soon\n');
    expect(out.stderr).toMatch(/\n\s+at .*server\.js/);
  });

  it('given an option the runner does not know, then it exits 2 naming it, with the usage, and no stack trace', () => {
    const out = spawnSync(process.execPath, [main, '--fast'], { encoding: 'utf8' });
    expect(out.status).toBe(2);
    expect(out.stderr).toContain("Unknown option '--fast'");
    expect(out.stderr).toContain('usage: npm run bench');
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });
});
