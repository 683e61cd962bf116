// Issue #14, item 5: a 5 MB `attributes`, a 5 MB `source` and a 100 KB rationale all entered the
// signed log. Every limited field is now refused past its limit, naming the field and the limit,
// with nothing appended; a ledger's own limits are honoured within the hard caps.
import { describe, expect, it } from '@jest/globals';
import type * as E from 'fp-ts/lib/Either.js';
import { generateSigningKey } from '@cairn/core';
import { createInMemoryEventLog } from '@cairn/eventlog';
import { createLedger, type Ledger } from './ledger.js';
import { createMemoryBlobStore } from './blob-store/memory.js';
import { createMemoryKeyStore } from './key-store/memory.js';
import { contributeSample, expectViolation, left, logSize, register, right, text } from './__tests__/given.js';
import { DEFAULT_LIMITS, HARD_CAPS, type LimitSettings } from './limits.js';
import { openLedger } from './open-ledger.js';
import type { Signer } from './signing.js';
import type { LedgerError } from './errors.js';

function ledgerWith(limits?: LimitSettings, log = createInMemoryEventLog()): Ledger {
  return createLedger({
    log,
    blobs: createMemoryBlobStore(),
    keys: createMemoryKeyStore(),
    ...(limits ? { limits } : {}),
    onClose: () => log.close(),
  });
}

const sample = (extra: Record<string, unknown> = {}) => ({
  bytes: text('row 1'),
  mediaType: 'text/csv',
  license: 'CC-BY-4.0',
  source: 'wdbc',
  ...extra,
});

interface World {
  readonly ledger: Ledger;
  readonly alice: Signer;
  readonly bob: Signer;
  readonly cf: string;
}

async function world(limits?: LimitSettings): Promise<World> {
  const ledger = ledgerWith(limits);
  const alice = await register(ledger, 'alice');
  const bob = await register(ledger, 'bob');
  const cf = (await contributeSample(ledger, alice)).id;
  return { ledger, alice, bob, cf };
}

/** One case per limited field: the call that carries `size` bytes in it. */
interface Case {
  readonly limit: keyof typeof DEFAULT_LIMITS;
  readonly field: string;
  /** A limit to configure when the field's codec cannot carry more than the default (mediaType). */
  readonly configured?: number;
  readonly append: (w: World, bytes: number) => Promise<E.Either<LedgerError, unknown>>;
}

const CASES: readonly Case[] = [
  {
    limit: 'source',
    field: 'SampleContributed.payload.source',
    append: (w, n) => w.ledger.contribute.sample(sample({ source: 's'.repeat(n) }), w.alice),
  },
  {
    limit: 'license',
    field: 'SampleContributed.payload.license',
    append: (w, n) =>
      w.ledger.contribute.sample(sample({ license: Array.from({ length: Math.ceil(n / 7) }, () => 'MIT').join(' OR ') }), w.alice),
  },
  {
    limit: 'mediaType',
    field: 'SampleContributed.payload.mediaType',
    configured: 20,
    append: (w, n) => w.ledger.contribute.sample(sample({ mediaType: `text/${'x'.repeat(n)}` }), w.alice),
  },
  {
    limit: 'attributes',
    field: 'SampleContributed.payload.attributes',
    append: (w, n) => w.ledger.contribute.sample(sample({ attributes: { note: 'a'.repeat(n) } }), w.alice),
  },
  {
    limit: 'labelType',
    field: 'LabelContributed.payload.labelType',
    append: (w, n) => w.ledger.contribute.label({ targets: [w.cf], labelType: 't'.repeat(n), value: 'benign' }, w.bob),
  },
  {
    limit: 'labelValue',
    field: 'LabelContributed.payload.value',
    append: (w, n) => w.ledger.contribute.label({ targets: [w.cf], labelType: 'diagnosis', value: { text: 'v'.repeat(n) } }, w.bob),
  },
  {
    limit: 'rationale',
    field: 'LabelContributed.payload.rationale',
    append: (w, n) =>
      w.ledger.contribute.label({ targets: [w.cf], labelType: 'diagnosis', value: 'benign', rationale: 'r'.repeat(n) }, w.bob),
  },
  {
    limit: 'rationale',
    field: 'ValidationContributed.payload.rationale',
    append: (w, n) => w.ledger.contribute.validation({ targets: [w.cf], verdict: 'approve', rationale: 'r'.repeat(n) }, w.bob),
  },
  {
    limit: 'evidenceDescription',
    field: 'ValidationContributed.payload.evidence[1].description',
    append: (w, n) =>
      w.ledger.contribute.validation(
        { targets: [w.cf], verdict: 'approve', rationale: 'ok', evidence: [{ description: 'fine' }, { description: 'd'.repeat(n) }] },
        w.bob,
      ),
  },
  {
    limit: 'uri',
    field: 'ValidationContributed.payload.evidence[0].uri',
    append: (w, n) =>
      w.ledger.contribute.validation(
        { targets: [w.cf], verdict: 'approve', rationale: 'ok', evidence: [{ description: 'report', uri: `https://x/${'u'.repeat(n)}` }] },
        w.bob,
      ),
  },
  {
    limit: 'name',
    field: 'ContributorRegistered.payload.name',
    append: (w, n) => w.ledger.contributors.register(generateSigningKey(), { name: 'n'.repeat(n) }),
  },
  {
    limit: 'name',
    field: 'AssetAssembled.payload.name',
    append: (w, n) => w.ledger.assets.assemble({ name: 'n'.repeat(n), members: [w.cf], transformations: [] }, w.alice),
  },
  {
    limit: 'note',
    field: 'ContributionDeprecated.payload.note',
    append: (w, n) => w.ledger.deprecate(w.cf, { reason: 'quality', note: 'n'.repeat(n) }, w.alice),
  },
  { limit: 'note', field: 'SampleErased.payload.reason', append: (w, n) => w.ledger.erase(w.cf, w.alice, 'n'.repeat(n)) },
  {
    limit: 'note',
    field: 'DatasetDefined.payload.description',
    append: (w, n) => w.ledger.datasets.define('wdbc', w.alice, 'n'.repeat(n)),
  },
  {
    limit: 'note',
    field: 'AssetAssembled.payload.transformations[0].description',
    append: (w, n) =>
      w.ledger.assets.assemble(
        { name: 'a', members: [w.cf], transformations: [{ kind: 'filter', params: {}, description: 'n'.repeat(n) }] },
        w.alice,
      ),
  },
  { limit: 'event', field: 'TrainingRunRecorded', append: (w, n) => w.ledger.runs.record(runPayload(w, n), w.alice) },
];

function runPayload(w: World, bytes: number): Record<string, unknown> {
  return {
    runId: 'run-1',
    dataset: { name: 'wdbc', versionId: 'ab'.repeat(32) },
    codeVersion: 'abc123',
    seeds: { data: 1 },
    hyperparameters: { blob: 'h'.repeat(bytes) },
    environment: { python: '3.11' },
    modelHash: 'cd'.repeat(32),
  };
}

describe('hardening: size limits', () => {
  for (const c of CASES) {
    const limit = c.configured ?? DEFAULT_LIMITS[c.limit];
    it(`given a ledger${c.configured ? ` whose ${c.limit} limit is ${c.configured}` : ''}, when ${c.field} is past the ${c.limit} limit, then size-limit refuses it naming the field and the limit, and nothing is appended`, async () => {
      const w = await world(c.configured ? { [c.limit]: c.configured } : undefined);
      const before = await logSize(w.ledger);
      const result = await c.append(w, limit + 1);
      expectViolation(result, 'size-limit', c.field);
      expect(left(result)).toMatchObject({ reason: expect.stringContaining(`; the limit is ${limit} (limit "${c.limit}")`) });
      expect(await logSize(w.ledger)).toBe(before);
      await w.ledger.close();
    });
  }

  it("given the issue's inputs (5 MB attributes, 5 MB source, 100 KB rationale), when appended, then each is refused with its size and limit, and the log holds none of them", async () => {
    const w = await world();
    const five = 5 * 1024 * 1024;
    const before = await logSize(w.ledger);
    expect(left(await w.ledger.contribute.sample(sample({ source: 's'.repeat(five) }), w.alice))).toMatchObject({
      rule: 'size-limit',
      field: 'SampleContributed.payload.source',
      reason: `is ${five} bytes; the limit is 2048 (limit "source")`,
    });
    expectViolation(
      await w.ledger.contribute.sample(sample({ attributes: { blob: 'a'.repeat(five) } }), w.alice),
      'size-limit',
      'SampleContributed.payload.attributes',
    );
    expectViolation(
      await w.ledger.contribute.validation({ targets: [w.cf], verdict: 'approve', rationale: 'r'.repeat(100 * 1024) }, w.bob),
      'size-limit',
      'ValidationContributed.payload.rationale',
    );
    expect(await logSize(w.ledger)).toBe(before);
    await w.ledger.close();
  });

  it('given text of two-byte characters, when its length in characters is within the limit but its UTF-8 bytes are not, then it is refused in bytes', async () => {
    const w = await world();
    const result = await w.ledger.contribute.sample(sample({ source: 'é'.repeat(1100) }), w.alice);
    expect(left(result)).toMatchObject({
      field: 'SampleContributed.payload.source',
      reason: expect.stringMatching(/^is 2200 bytes; the limit is 2048/),
    });
    await w.ledger.close();
  });

  it('given attributes, when measured, then their canonical JSON bytes count (keys and quotes included), not the text inside', async () => {
    const w = await world({ attributes: 20 });
    // {"k":"0123456789"} is 18 bytes; {"key":"0123456789"} is 20; {"keys":"0123456789"} is 21.
    right(await w.ledger.contribute.sample(sample({ attributes: { key: '0123456789' } }), w.alice));
    expect(left(await w.ledger.contribute.sample(sample({ attributes: { keys: '0123456789' } }), w.alice))).toMatchObject({
      reason: expect.stringMatching(/^is 21 bytes; the limit is 20/),
    });
    await w.ledger.close();
  });

  it('given a ledger configured with a larger source limit, when a source past the default but within it is appended, then it is accepted; past it, refused naming the configured limit', async () => {
    const w = await world({ source: 4096 });
    right(await w.ledger.contribute.sample(sample({ source: 's'.repeat(4000) }), w.alice));
    expect(left(await w.ledger.contribute.sample(sample({ source: 's'.repeat(4097) }), w.alice))).toMatchObject({
      reason: 'is 4097 bytes; the limit is 4096 (limit "source")',
    });
    await w.ledger.close();
  });

  it('given a ledger configured with a smaller source limit, when a source within the default but past it is appended, then it is refused', async () => {
    const w = await world({ source: 16 });
    expectViolation(
      await w.ledger.contribute.sample(sample({ source: 'https://example.org/wdbc' }), w.alice),
      'size-limit',
      'SampleContributed.payload.source',
    );
    await w.ledger.close();
  });

  it('given a bulk ingest whose third item is past a limit, when ingested, then the batch is refused at that item and nothing of it is appended', async () => {
    const w = await world();
    const before = await logSize(w.ledger);
    const items = ['one', 'two', 'r'.repeat(20_000), 'four'].map((rationale) => ({
      envelope: right(w.ledger.sign('ValidationContributed', { targets: [w.cf], verdict: 'approve', rationale }, w.bob)),
    }));
    const result = await w.ledger.ingest(items);
    expect(left(result)).toMatchObject({ rule: 'size-limit', field: 'ValidationContributed.payload.rationale', index: 2 });
    expect(await logSize(w.ledger)).toBe(before);
    const batches = await w.ledger.ingestBatches([items.slice(0, 2), items.slice(2)]);
    expect(batches).toMatchObject({ left: { rule: 'size-limit', batch: 1, index: 0 } });
    expect(await logSize(w.ledger)).toBe(before + 2);
    await w.ledger.close();
  });

  it('given an event admitted under looser limits, when it is ingested again into a ledger with tighter ones, then it is a replay (already appended), not an admission', async () => {
    const log = createInMemoryEventLog();
    const loose = ledgerWith({ source: 8192 }, log);
    const alice = await register(loose, 'alice');
    const receipt = right(await loose.contribute.sample(sample({ source: 's'.repeat(5000) }), alice));
    const stored = await log.readByIds([receipt.id]);
    const data = stored._tag === 'Right' ? stored.right[0]?.data : undefined;
    const tight = createLedger({ log, blobs: createMemoryBlobStore(), keys: createMemoryKeyStore() });
    const again = right(await tight.ingest([{ envelope: data }]));
    expect(again[0]).toMatchObject({ id: receipt.id, alreadyAppended: true });
    expectViolation(
      await tight.contribute.sample(sample({ source: 's'.repeat(5001) }), alice),
      'size-limit',
      'SampleContributed.payload.source',
    );
    await loose.close();
  });

  it('given a GradientsRecorded row map past the event limit but within its own, when recorded, then the row map is held by the rowMap limit, not the event limit', async () => {
    // 64 ids in canonical JSON: 64 quoted 64-hex strings, 63 commas, 2 brackets = 4289 bytes.
    const w = await world({ event: 4096, rowMap: 4289 });
    const payload = (rows: number) => ({
      runId: 'run-1',
      split: 'train',
      artifact: { contentHash: 'ef'.repeat(32), format: 'npy', rows, dims: 2, dtype: 'float32' },
      rowMap: Array.from({ length: rows }, () => w.cf),
    });
    // The run does not exist: past the size check, the references rule answers.
    expectViolation(await w.ledger.runs.recordGradients(payload(64), w.alice), 'reference-exists');
    expect(left(await w.ledger.runs.recordGradients(payload(65), w.alice))).toMatchObject({
      rule: 'size-limit',
      field: 'GradientsRecorded.payload.rowMap',
    });
    await w.ledger.close();
  });

  for (const [settings, message] of [
    [{ sources: 10 }, /limits\.sources: no such limit/],
    [{ source: 0 }, /limits\.source: expected a whole number of bytes of at least 1, got 0/],
    [{ source: 1.5 }, /limits\.source: expected a whole number/],
    [{ event: HARD_CAPS.event + 1 }, new RegExp(`limits\\.event: ${HARD_CAPS.event + 1} bytes is past the hard cap of ${HARD_CAPS.event}`)],
  ] as const) {
    it(`given limits ${JSON.stringify(settings)}, when a ledger is opened, then it refuses naming the limit`, async () => {
      expect(() => ledgerWith(settings as LimitSettings)).toThrow(message);
      await expect(
        openLedger({
          log: createInMemoryEventLog(),
          blobs: createMemoryBlobStore(),
          keys: createMemoryKeyStore(),
          verifyWorkers: 0,
          limits: settings as LimitSettings,
        }),
      ).rejects.toThrow(message);
    });
  }
});
