// `cairn import` prepares its next chunk while the current one is appended. Through the real
// binary: a refusal only the log can give, in a chunk prepared while the chunk before it was being
// appended, is the refusal a chunk-at-a-time import gave: the same row, field and reason, every
// chunk before it appended and acknowledged, nothing after it.
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { cairn, cairnJson } from '../__tests__/cli-run.js';
import { initStore } from '../__tests__/init-store.js';

interface Status {
  readonly cfs: { readonly sample?: number; readonly label?: number };
}

interface Refusal {
  readonly error: {
    readonly message: string;
    readonly detail: {
      readonly error: {
        readonly _tag: string;
        readonly rule: string;
        readonly field: string;
        readonly reason: string;
        readonly index: number;
      };
      readonly cfs: readonly { readonly item: string; readonly kind: string; readonly alreadyAppended: boolean }[];
    };
  };
}

const jsonl = (rows: readonly object[]): string => rows.map((r) => JSON.stringify(r)).join('\n');

describe('hardening: cairn import pipelines its chunks and still stops where it did', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-pipelined-import-'));
    env = { CAIRN_STORE: path.join(dir, 'store') };
    await initStore(dir, env);
    await cairnJson(dir, env, 'keys', 'new', 'alice');
  }, 120_000);

  it('given a label in the second label chunk that targets a CF the log lacks, when imported in chunks of 3, then the error names that line, field and reason, and exactly the chunks before it are appended', async () => {
    const samples = Array.from({ length: 4 }, (_, i) => ({ text: `sample ${i}`, license: 'MIT', source: 's' }));
    // Lines 5 to 13: labels on line 1; line 9 (the second label chunk: lines 8 to 10) targets a CF
    // id no log holds, which only the append can find out.
    const labels = Array.from({ length: 9 }, (_, i) => ({
      targets: [i === 4 ? 'ab'.repeat(32) : 1],
      labelType: 'topic',
      value: `label ${i}`,
    }));
    await writeFile(path.join(dir, 'rows.jsonl'), jsonl([...samples, ...labels]));
    const r = await cairn(dir, env, '--json', 'import', 'rows.jsonl', '--as', 'alice', '--seal-size', '3');
    expect(r.code).toBe(3);
    const refusal = JSON.parse(r.stderr) as Refusal;
    expect(refusal.error.message).toMatch(
      /^line 9: .*nothing of this chunk was appended, but the 7 CFs of earlier chunks were \(listed in --json's detail.cfs; a re-run skips them as duplicates\)\)$/,
    );
    expect(refusal.error.detail.error).toMatchObject({ _tag: 'RuleViolation', rule: 'reference-exists', index: 1 });
    expect(refusal.error.detail.error.field).toContain('targets[0]');
    expect(refusal.error.detail.cfs.map((c) => `${c.item} ${c.kind}`)).toEqual([
      'line 1 sample',
      'line 2 sample',
      'line 3 sample',
      'line 4 sample',
      'line 5 label',
      'line 6 label',
      'line 7 label',
    ]);
    // What was acknowledged is what was appended: the label chunk after the refused one was prepared, never appended.
    const status = await cairnJson<Status>(dir, env, 'status');
    expect(status.cfs).toMatchObject({ sample: 4, label: 3 });
  }, 120_000);
});
