// Cairn hardening #13, item 3, through the real binary: a NUL in a sample's source is refused at
// the edge, naming the field; and a log that already holds one (planted straight into the
// embedded folder, as an older version let it in) no longer stops status, why or verify.
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { isLeft } from 'fp-ts/lib/Either.js';
import { openEmbeddedEventLog } from '@cairn/eventlog';
import { appendRequestFor, envelopeEvent, samplePayload } from '@cairn/projector';
import { cairn, cairnJson } from './__tests__/cli-run.js';
import { givenLedger, type Ledger } from './__tests__/cli-suite.js';

const embedded = { env: (dir: string) => ({ CAIRN_STORE: path.join(dir, '.cairn') }) };

describe('hardening: a NUL in a text field through the cairn binary', () => {
  let l: Ledger;
  beforeAll(async () => {
    l = await givenLedger(embedded);
  }, 180_000);

  it('given a JSONL row whose source holds a NUL, when imported, then it is refused as rejected input naming the field and the reason, without a stack trace, and nothing is appended', async () => {
    const before = await cairnJson<{ events: number }>(l.dir, l.env, 'status');
    await writeFile(
      path.join(l.dir, 'rows.jsonl'),
      `${JSON.stringify({ kind: 'sample', text: 'hello', license: 'MIT', source: 'web\u0000b' })}\n`,
    );
    const imported = await cairn(l.dir, l.env, 'import', 'rows.jsonl', '--as', 'alice');
    expect(imported.code).toBe(3);
    // The import checks every row before appending any, and names the line and the row's field.
    expect(imported.stderr).toContain('line 1: source: expected text without U+0000 (NUL)');
    expect(imported.stderr).not.toMatch(/^\s+at /m);
    const sample = await cairn(
      l.dir,
      l.env,
      'contribute',
      'sample',
      '--as',
      'alice',
      '--text',
      'x',
      '--license',
      'MIT',
      '--source',
      'web',
      '--attributes',
      '{"tags":["a\\u0000"]}',
    );
    expect([sample.code, sample.stderr.trim()]).toEqual([
      3,
      'cairn: SampleContributed.payload.attributes.tags[0]: expected text without U+0000 (NUL), which Postgres text and jsonb cannot store, got "a\\u0000"',
    ]);
    expect((await cairnJson<{ events: number }>(l.dir, l.env, 'status')).events).toBe(before.events);
  }, 180_000);

  it('given a NUL sample planted straight into the log, when status, why and verify run, then status and why answer with the failure named, and verify fails listing it', async () => {
    const keys = await cairnJson<{ signers: { name: string; contributorId: string }[] }>(l.dir, l.env, 'keys', 'list');
    const alice = keys.signers.find((k) => k.name === 'alice')!.contributorId;
    const planted = envelopeEvent({
      type: 'SampleContributed',
      payload: samplePayload('planted', { source: 'web\u0000b' }),
      signer: alice,
    });
    const log = await openEmbeddedEventLog({ dataDir: path.join(l.dir, '.cairn', 'log') });
    try {
      const appended = await log.append(appendRequestFor(planted));
      if (isLeft(appended)) throw new Error(JSON.stringify(appended.left));
    } finally {
      await log.close();
    }

    const status = await cairn(l.dir, l.env, '--json', 'status');
    expect(status.code).toBe(0);
    expect(status.stderr).toContain(`cairn: warning: lineage could not apply SampleContributed ${planted.id}`);
    const json = JSON.parse(status.stdout) as {
      projections: { name: string; caughtUp: boolean; failedEvents: number; firstFailure: string | null }[];
    };
    for (const p of json.projections) {
      expect([p.name, p.caughtUp, p.failedEvents]).toEqual([p.name, true, 1]);
      expect(p.firstFailure).toContain('SampleContributed.payload.source: expected text without U+0000 (NUL)');
    }

    const why = await cairnJson<{ included: boolean }>(l.dir, l.env, 'why', l.s1, '--in', 'corpus@1');
    expect(why.included).toBe(true);

    const verify = await cairn(l.dir, l.env, 'verify');
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain('FAILED: projection lineage did not apply 1 event(s) of the log');
    expect(verify.stdout).toContain(planted.id);
    expect(verify.stdout).not.toContain('verify: OK');
  }, 240_000);
});
