// CFs named by a unique prefix of their id, like git commits (issue 16, item 5), through the built
// program's main() in the process kept for this file (cli-run.ts cairnHere). The demo prints every
// CF id cut to 12 characters and an ellipsis, and prints the commands a reader would type next
// with those short ids; those commands now answer exactly what the full id answers. A prefix that
// names several CFs, none, or is too short is refused in one line naming the argument.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { eventIdOf } from '@cairn/core';
import { cairnHere as cairn, cairnJsonHere as cairnJson, type CliResult } from './__tests__/cli-run.js';

const TIMEOUT = 300_000;

/** The one stderr line of a refusal, after checking the exit code and that it is one line. */
function refusal(r: CliResult, exitCode: number): string {
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: exitCode, stderr: expect.stringMatching(/^cairn: [^\n]+\n$/) });
  return r.stderr.trim();
}

describe('CF ids by unique prefix', () => {
  let cwd: string;
  let store: string;
  let env: NodeJS.ProcessEnv;
  /** The commands the demo printed, without `cairn --store DIR`, by their first word. */
  let printed: Map<string, string[]>;

  beforeAll(async () => {
    cwd = await mkdtemp(path.join(os.tmpdir(), 'cairn-cf-prefix-'));
    const demo = await cairn(cwd, {}, 'demo');
    if (demo.code !== 0) throw new Error(`cairn demo exited ${demo.code}: ${demo.stderr}`);
    store = /The demo ledger is in (\S+)/.exec(demo.stdout)![1]!;
    env = { CAIRN_STORE: store };
    printed = new Map();
    for (const m of demo.stdout.matchAll(/^\$ cairn --store \S+ ([^;\n]+)/gm)) {
      const args = m[1]!.trim().split(/\s+/);
      if (!printed.has(args[0]!)) printed.set(args[0]!, args);
    }
  }, TIMEOUT);

  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
    if (store !== undefined) await rm(store, { recursive: true, force: true });
  });

  /** The full id a printed short id stands for (what `show` resolves it to). */
  const fullIdOf = async (short: string): Promise<string> => (await cairnJson<{ cfId: string }>(cwd, env, 'show', short)).cfId;

  it.each(['why', 'history', 'impact'])(
    'given the demo ledger, when the printed `%s` command is run with its short CF id, then it answers what the full id answers',
    async (command) => {
      const args = printed.get(command)!;
      const short = args[1]!;
      expect(short).toMatch(/^[0-9a-f]{12}…$/);
      const full = await fullIdOf(short);
      expect(full.startsWith(short.slice(0, 12))).toBe(true);
      const byPrefix = await cairnJson(cwd, env, ...args);
      const byId = await cairnJson(cwd, env, command, full, ...args.slice(2));
      expect(byPrefix).toEqual(byId);
    },
    TIMEOUT,
  );

  it(
    'given the demo ledger, when the printed prove and trace commands run with short ids, then they name the full CF',
    async () => {
      const prove = printed.get('prove')!;
      const proofFile = path.join(cwd, 'proof.json');
      const out = prove.map((a, i) => (prove[i - 1] === '--out' ? proofFile : a));
      const proof = await cairnJson<{ cfId: string }>(cwd, env, ...out);
      expect(proof.cfId).toBe(await fullIdOf(prove[1]!));
      expect(await cairnJson<{ ok: boolean }>(cwd, env, 'prove', '--verify', proofFile)).toMatchObject({ ok: true });

      const trace = printed.get('trace')!;
      const lineage = await cairnJson<{ root: string }>(cwd, env, ...trace);
      expect(lineage.root).toBe(await fullIdOf(trace[1]!));
    },
    TIMEOUT,
  );

  it(
    'given a 12-character prefix typed without the ellipsis, when show runs, then it shows that CF',
    async () => {
      const short = printed.get('history')![1]!.slice(0, 12);
      const shown = await cairnJson<{ cfId: string; kind: string }>(cwd, env, 'show', short);
      expect(shown.cfId.slice(0, 12)).toBe(short);
    },
    TIMEOUT,
  );

  it(
    'given two CFs whose ids share their first 6+ hex chars, when that prefix names a CF, then the refusal lists both; one more char picks one',
    async () => {
      // Label ids are SHA-256 over (type, payload, signer): ground offline for two label values
      // whose ids collide in a 6-hex prefix, then contributed as alice would.
      const target = await fullIdOf(printed.get('why')![1]!);
      const label = (value: string) =>
        cairnJson<{ id: string }>(
          cwd,
          env,
          'contribute',
          'label',
          '--as',
          'alice',
          '--target',
          target,
          '--type',
          'grind',
          '--value',
          value,
        );
      const first = await label('v0');
      const shown = await cairnJson<{ payload: Record<string, unknown>; signer: string }>(cwd, env, 'show', first.id);
      const idOf = (value: string): string => {
        const id = eventIdOf('LabelContributed', { ...shown.payload, value }, shown.signer);
        if (E.isLeft(id)) throw new Error(JSON.stringify(id.left));
        return id.right;
      };
      expect(idOf('v0')).toBe(first.id); // the offline id is the ledger's
      const byPrefix = new Map<string, string>([[first.id.slice(0, 6), 'v0']]);
      let pair: [string, string] | undefined;
      for (let i = 1; pair === undefined; i++) {
        const value = `v${i}`;
        const seen = byPrefix.get(idOf(value).slice(0, 6));
        if (seen !== undefined) pair = [seen, value];
        else byPrefix.set(idOf(value).slice(0, 6), value);
      }
      const ids: string[] = [];
      for (const value of pair) {
        if (value === 'v0') ids.push(first.id);
        else ids.push((await label(value)).id);
      }
      const [a, b] = ids.sort() as [string, string];
      let common = 0;
      while (a[common] === b[common]) common++;
      const prefix = a.slice(0, common);

      const ambiguous = refusal(await cairn(cwd, env, 'why', prefix, '--in', 'demo-corpus@latest'), 2);
      expect(ambiguous).toBe(`cairn: CF: the prefix ${prefix} names several CFs (${a}, ${b}); give more of the id`);
      const asTarget = refusal(await cairn(cwd, env, 'deprecate', prefix, '--as', 'alice', '--reason', 'quality'), 2);
      expect(asTarget).toContain(`cairn: CF: the prefix ${prefix} names several CFs`);

      const one = await cairnJson<{ cfId: string }>(cwd, env, 'show', a.slice(0, common + 1));
      expect(one.cfId).toBe(a);
    },
    TIMEOUT,
  );

  it(
    'given a prefix no CF id starts with, or one under 6 chars, when a command names it, then it says so, naming the argument',
    async () => {
      // a few dozen CFs: the chance that one of them starts with these 7 chars is about 1 in 10^7
      const unknown = 'fffff0f';
      expect(refusal(await cairn(cwd, env, 'history', unknown), 4)).toBe(`cairn: CF: no CF id starts with ${unknown}`);
      expect(
        refusal(
          await cairn(
            cwd,
            env,
            'contribute',
            'validation',
            '--as',
            'alice',
            '--target',
            unknown,
            '--verdict',
            'approve',
            '--rationale',
            'ok',
          ),
          4,
        ),
      ).toBe(`cairn: --target: no CF id starts with ${unknown}`);
      expect(refusal(await cairn(cwd, env, 'show', 'abc12'), 2)).toBe(
        'cairn: CF: the CF id prefix "abc12" is too short; give at least 6 hex chars',
      );
    },
    TIMEOUT,
  );
});
