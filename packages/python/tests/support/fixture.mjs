// The ledger the Python client's tests read, written through the client's ledger as contributors
// would: a curator (the founder, so the first admin), alice who contributes five samples, carol
// who approves them; dataset "corpus" built once (four MIT members, the GPL one excluded), then
// alice erases one member, which cuts version 2 without it while version 1 keeps naming it.
// Keyring files for curator and alice are written as `cairn keys new` writes them.
// Usage: node fixture.mjs STORE; prints the ids as JSON.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openCairn } from '@cairn/client';
import { newSigner } from '@cairn/sdk';

const store = process.argv[2];
if (!store) {
  process.stderr.write('usage: node fixture.mjs STORE\n');
  process.exit(2);
}

const must = (r, what) => {
  if (r._tag === 'Left') throw new Error(`fixture: ${what}: ${JSON.stringify(r.left)}`);
  return r.right;
};

const cairn = must(await openCairn({ store, create: true }), 'open');
try {
  const { ledger } = cairn;
  const keys = {};
  const register = async (name) => {
    const fresh = newSigner();
    const signer = must(await ledger.contributors.register(fresh.secretKey, { name }), `register ${name}`);
    keys[name] = { signer, publicKey: fresh.publicKey };
    return signer;
  };
  const curator = await register('curator');
  const alice = await register('alice');
  const carol = await register('carol');
  const texts = [
    'The mitochondrion is the powerhouse of the cell.',
    'Water boils at 100 degrees Celsius at sea level.',
    'Photosynthesis turns light into chemical energy.',
    'Sound travels faster in water than in air.',
    'A GPL-licensed note the manifest leaves out.',
  ];
  const samples = [];
  for (const [i, body] of texts.entries()) {
    const license = i === 4 ? 'GPL-3.0-only' : 'MIT';
    const sample = { bytes: new TextEncoder().encode(body), mediaType: 'text/plain', license, source: 'notes' };
    samples.push(must(await ledger.contribute.sample(sample, alice), `sample ${i}`).id);
  }
  for (const s of samples)
    must(await ledger.contribute.validation({ targets: [s], verdict: 'approve', rationale: 'accurate' }, carol), 'approve');
  const { manifestId } = must(
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
    'manifest',
  );
  must(await ledger.datasets.define('corpus', curator, 'four short notes'), 'dataset');
  must(await ledger.datasets.requestBuild('corpus', manifestId, curator), 'build');
  must(await cairn.catchUp(), 'catch up');
  const erased = samples[1];
  must(await ledger.erase(erased, alice, 'the contributor withdrew it'), 'erase');
  must(await cairn.catchUp(), 'catch up');

  const signers = path.join(store, 'signers');
  await mkdir(signers, { recursive: true, mode: 0o700 });
  for (const [name, { signer, publicKey }] of Object.entries(keys)) {
    const entry = {
      name,
      contributorId: signer.contributorId,
      secretKey: Buffer.from(signer.secretKey).toString('hex'),
      publicKey,
      previousKeys: [],
      revoked: false,
    };
    await writeFile(path.join(signers, `${name}.json`), `${JSON.stringify(entry, null, 2)}\n`, { mode: 0o600 });
  }
  process.stdout.write(
    `${JSON.stringify({ dataset: 'corpus', samples, texts, erased, excluded: samples[4], contributors: Object.fromEntries(Object.entries(keys).map(([n, k]) => [n, k.signer.contributorId])) })}\n`,
  );
} finally {
  await cairn.close();
}
