// The small ledger the browser suite looks at, written through the client's ledger as any
// contributor would: three contributors, three samples (one under a license the manifest does not
// allow, so it is out), a label, approvals, and a dataset cut three times: built; re-assembled when
// alice amends a member (the amendment not yet approved, so version 2 holds neither); built
// again once the amendment is approved (version 3 holds it); a training run r1 on version 3, its
// train and query gradients recorded, so attribution scores it.
import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { openCairn } from '@cairn/client';
import { newSigner, signEvent, type IngestItem, type Signer } from '@cairn/sdk';

export const DATASET = 'corpus';
export const RUN = 'r1';

export interface Seeded {
  readonly alice: Signer;
  /** Carol: labels and approves, neither author nor reader of the samples. */
  readonly carol: Signer;
  readonly samples: readonly [string, string, string];
  /** The amendment of samples[0]. */
  readonly amended: string;
  /** The log position version 1 was cut at (before the amendment). */
  readonly firstCut: string;
}

const must = <T>(r: E.Either<unknown, T>): T => {
  if (E.isLeft(r)) throw new Error(`seed: ${JSON.stringify(r.left)}`);
  return r.right;
};

const text = (s: string) => new TextEncoder().encode(s);

/** A float32 matrix as a .npy file (NPY format 1.0), the way gradient artifacts are recorded. */
function npy(rows: readonly (readonly number[])[]): Uint8Array {
  const cols = rows[0]!.length;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows.length}, ${cols}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + rows.length * cols * 4);
  out.set([0x93, ...text('NUMPY'), 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(text(header), 10);
  new Float32Array(out.buffer, 10 + header.length).set(rows.flat());
  return out;
}

export async function seed(store: string): Promise<Seeded> {
  const cairn = must(await openCairn({ store, env: {}, create: true }));
  try {
    const { ledger } = cairn;
    const curator = must(await ledger.contributors.register(newSigner().secretKey, { name: 'curator' }));
    const alice = must(await ledger.contributors.register(newSigner().secretKey, { name: 'alice' }));
    const carol = must(await ledger.contributors.register(newSigner().secretKey, { name: 'carol' }));
    const sample = async (body: string, license: string, source: string) =>
      must(await ledger.contribute.sample({ bytes: text(body), mediaType: 'text/plain', license, source }, alice)).id;
    const s1 = await sample('The mitochondria is the powerhouse of the cell.', 'MIT', 'biology-notes');
    const s2 = await sample('Water boils at 100 degrees Celsius at sea level.', 'MIT', 'physics-notes');
    const s3 = await sample('Photosynthesis turns light into chemical energy.', 'GPL-3.0-only', 'biology-notes');
    must(await ledger.contribute.label({ targets: [s1], labelType: 'topic', value: 'biology' }, carol));
    for (const s of [s1, s2, s3])
      must(await ledger.contribute.validation({ targets: [s], verdict: 'approve', rationale: 'accurate' }, carol));
    const { manifestId } = must(
      // Every rule written out (see packages/server's fixture: defaults made by structuredClone
      // fail the canonical-JSON plain-object check under Jest).
      await ledger.manifests.define(
        {
          licensePolicy: { allowed: ['MIT'] },
          candidates: { kinds: ['sample'], sources: 'any', assets: 'any' },
          minApprovals: { count: 1, scope: 'sample' },
          minAgreement: 0.5,
          scoreThreshold: 0.5,
          labels: { required: [] },
          dedup: 'content-commitment',
          excludeDeprecated: true,
        },
        curator,
      ),
    );
    must(await ledger.datasets.define(DATASET, curator, 'a tiny corpus'));
    must(await ledger.datasets.requestBuild(DATASET, manifestId, curator));
    must(await cairn.catchUp());
    const head = must(await ledger.log.head());
    const amended = must(await ledger.amend(s1, { bytes: text('The mitochondrion is the powerhouse of the cell.') }, alice)).id;
    must(await ledger.contribute.validation({ targets: [amended], verdict: 'approve', rationale: 'fixed' }, carol));
    must(await ledger.datasets.requestBuild(DATASET, manifestId, curator, { nonce: '0123456789abcdef' }));
    must(await cairn.catchUp());
    // A training run on the latest version (not scored: no gradients recorded).
    const latest = must(await cairn.datasetVersions(DATASET)).versions.at(-1)!;
    must(
      await ledger.runs.record(
        {
          runId: RUN,
          dataset: { name: DATASET, versionId: latest.versionId },
          codeVersion: 'git:abc123',
          seeds: { training: 7 },
          hyperparameters: { lr: 0.1, attribution: { projectedDim: 4, seed: 7, topK: 2 } },
          environment: { torch: '2.3.0' },
          modelHash: 'ab'.repeat(32),
        },
        curator,
      ),
    );
    must(await cairn.catchUp());
    // Gradients of the run: a train row per member of version 3 (in id order) and two query rows.
    const members = must(await cairn.memberIds(`${DATASET}@3`));
    const gradients = async (split: 'train' | 'query', rows: number[][], rowMap: readonly string[]) => {
      const bytes = npy(rows);
      const contentHash = await cairn.artifacts.put(bytes);
      must(
        await ledger.runs.recordGradients(
          {
            runId: RUN,
            split,
            artifact: { contentHash, format: 'npy', rows: rows.length, dims: rows[0]!.length, dtype: 'float32' },
            rowMap: [...rowMap],
            kind: split === 'train' ? 'loss-gradients' : 'output-gradients',
          },
          curator,
        ),
      );
    };
    await gradients(
      'train',
      members.map((_, i) => [1 + i, -0.5 * i, 0.25, 2 - i]),
      members,
    );
    await gradients(
      'query',
      [
        [1, 0, 0.5, 1],
        [-1, 2, 0, 0.5],
      ],
      [s3, s2],
    );
    must(await cairn.catchUp());
    return { alice, carol, samples: [s1, s2, s3], amended, firstCut: String(head) };
  } finally {
    await cairn.close();
  }
}

export const WIDE = 'wide';

/**
 * A ledger whose one version's lineage is a large graph: `samples` samples by two contributors,
 * written in one batch (the SDK's bulk path), all selected into `wide@1`. Returns the version's id.
 */
export async function seedWide(store: string, samples: number): Promise<string> {
  const cairn = must(await openCairn({ store, env: {}, create: true }));
  try {
    const { ledger } = cairn;
    const curator = must(await ledger.contributors.register(newSigner().secretKey, { name: 'curator' }));
    const authors = [
      must(await ledger.contributors.register(newSigner().secretKey, { name: 'dana' })),
      must(await ledger.contributors.register(newSigner().secretKey, { name: 'eli' })),
    ];
    const items = Array.from({ length: samples }, (_, n): IngestItem => {
      const bytes = text(`wide sample ${n}`);
      const commitment = { scheme: 'sha256', value: createHash('sha256').update(bytes).digest('hex') };
      const payload = { commitment, mediaType: 'text/plain', size: bytes.length, license: 'MIT', source: 'wide' };
      return { envelope: must(ledger.sign('SampleContributed', payload, authors[n % 2]!)), sample: { bytes } };
    });
    must(await ledger.ingest(items));
    const { manifestId } = must(
      await ledger.manifests.define(
        {
          licensePolicy: { allowed: ['MIT'] },
          candidates: { kinds: ['sample'], sources: 'any', assets: 'any' },
          minApprovals: { count: 0, scope: 'sample' },
          minAgreement: 0.5,
          scoreThreshold: 0.5,
          labels: { required: [] },
          dedup: 'content-commitment',
          excludeDeprecated: true,
        },
        curator,
      ),
    );
    must(await ledger.datasets.define(WIDE, curator, 'a version with a wide lineage'));
    must(await ledger.datasets.requestBuild(WIDE, manifestId, curator));
    must(await cairn.catchUp());
    return must(await cairn.datasetVersions(WIDE)).versions[0]!.versionId;
  } finally {
    await cairn.close();
  }
}

/** A signed event as a remote contributor sends it to `POST /v1/events`. */
export const signed = (type: string, payload: unknown, signer: Signer) => must(signEvent(type, payload, signer));
