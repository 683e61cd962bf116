// cairn demo: builds a small ledger in a fresh folder (several contributors, samples, labels,
// validations, a rejection, an amendment, a deprecation, two dataset versions) and walks through
// diff, why, why-not, trace, impact, history, prove and verify, printing each step. The README's
// main job: `npm run demo` on a clean clone.
import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { ExitCode } from '../exit-codes.js';
import { fail, messageOf, orFail } from '../fail.js';
import { toJson } from '../output.js';
import { openSession, orFailRead, type Session } from '../session.js';
import { globalsOf, short } from './common.js';
import { buildDataset, buildText, defineManifest, signerFor } from './datasets.js';
import { writesOf } from '../write-session.js';
import { newKey } from './keys.js';
import { diffOf, diffText, historyOf, historyText, impactOf, impactText, whyOf, whyText } from './queries.js';
import { checkProof } from '@cairn/core';
import { proveOf, traceOf, traceText } from './trace-prove.js';
import { appendCheckpoint, runVerify, verifyText } from './verify.js';

const DATASET = 'demo-corpus';

async function freshDir(dir: string | undefined): Promise<string> {
  if (dir === undefined) return mkdtemp(path.join(os.tmpdir(), 'cairn-demo-'));
  const entries = await readdir(dir).catch(() => []);
  if (entries.length > 0) fail(ExitCode.usage, `--dir ${dir}: the demo needs a new or empty folder`);
  return dir;
}

export async function runDemo(dir: string | undefined, write: (text: string) => void): Promise<string> {
  const folder = await freshDir(dir);
  const session = await openSession({ store: folder }, { create: true });
  let step = 0;
  const say = (title: string, command: string, body: string) => {
    step += 1;
    write(`\n━━ ${step}. ${title}\n$ cairn --store ${folder} ${command}\n${body}\n`);
  };
  try {
    await story(session, say);
  } finally {
    await session.close();
  }
  write(
    `\nThe demo ledger is in ${folder}\nTry: node packages/cli/dist/bin.js --store ${folder} status   (or trace, why, diff ... --help)\n` +
      `Or see it in a browser: node packages/cli/dist/bin.js --store ${folder} serve   then open http://127.0.0.1:7420/\n`,
  );
  return folder;
}

type Say = (title: string, command: string, body: string) => void;

async function story(session: Session, say: Say): Promise<void> {
  const people = ['curator', 'alice', 'bob', 'carol', 'dave'];
  const keys = [];
  for (const name of people) keys.push(await newKey(session, name));
  say(
    'Five contributors register their keys (curator, registered first, founded the ledger: it is its first admin)',
    'keys new alice',
    keys.map((k) => `  ${k.name.padEnd(8)} ${k.contributorId}`).join('\n'),
  );

  const sign = (name: string) => signerFor(session, name);
  const text = (s: string) => new TextEncoder().encode(s);
  const sample = async (who: string, body: string, license: string, source: string) =>
    orFail(
      await session.ledger.contribute.sample({ bytes: text(body), mediaType: 'text/plain', license, source }, await sign(who)),
      messageOf,
    ).id;
  const s1 = await sample('alice', 'The mitochondria is the powerhouse of the cell.', 'MIT', 'biology-notes');
  const s2 = await sample('alice', 'Water boils at 100 degres Celsius at sea level.', 'CC-BY-4.0', 'physics-notes');
  const s3 = await sample('bob', 'Buy cheap watches now!!!', 'MIT', 'web-crawl');
  const s4 = await sample('bob', 'Photosynthesis turns light into chemical energy.', 'GPL-3.0-only', 'biology-notes');
  const s5 = await sample('alice', 'The speed of light is about 300,000 km/s.', 'MIT', 'physics-notes');
  say(
    'Alice and Bob contribute five samples (bytes encrypted in the blob store, only commitments in the log)',
    'contribute sample --as alice --text "..." --license MIT --source biology-notes',
    [
      `  s1 ${short(s1)} MIT           biology`,
      `  s2 ${short(s2)} CC-BY-4.0     physics (with a typo)`,
      `  s3 ${short(s3)} MIT           spam`,
      `  s4 ${short(s4)} GPL-3.0-only  biology`,
      `  s5 ${short(s5)} MIT           physics`,
    ].join('\n'),
  );

  const label = async (who: string, target: string, value: string) =>
    orFail(await session.ledger.contribute.label({ targets: [target], labelType: 'topic', value }, await sign(who)), messageOf).id;
  const validate = async (who: string, target: string, verdict: 'approve' | 'reject', rationale: string) =>
    orFail(await session.ledger.contribute.validation({ targets: [target], verdict, rationale }, await sign(who)), messageOf).id;
  await label('carol', s1, 'biology');
  await label('carol', s2, 'physics');
  await validate('carol', s1, 'approve', 'accurate');
  await validate('dave', s1, 'approve', 'checked against a textbook');
  await validate('carol', s2, 'approve', 'correct apart from spelling');
  await validate('carol', s3, 'reject', 'advertising spam');
  await validate('dave', s4, 'approve', 'accurate');
  await validate('dave', s5, 'approve', 'accurate');
  say(
    'Carol labels; Carol and Dave review (s3 is rejected as spam)',
    `contribute validation --as carol --target ${short(s3)} --verdict reject --rationale "advertising spam"`,
    '  2 labels, 6 validations (5 approve, 1 reject)',
  );

  const manifest = await defineManifest(
    session,
    { licensePolicy: { allowed: ['MIT', 'CC-BY-4.0', 'Apache-2.0'] }, minApprovals: { count: 1, scope: 'sample' } },
    'curator',
  );
  orFail(await session.ledger.datasets.define(DATASET, await sign('curator'), 'a tiny science corpus'), messageOf);
  const v1 = await buildDataset(writesOf(session), DATASET, manifest.manifestId, 'curator');
  say(
    'The curator defines a manifest (licenses MIT/CC-BY-4.0/Apache-2.0, one approval) and builds version 1',
    `dataset build ${DATASET} --manifest ${short(manifest.manifestId)} --as curator`,
    `  manifest ${manifest.manifestId}\n  ${buildText(v1)}`,
  );

  const s2fixed = orFail(
    await session.ledger.amend(s2, { bytes: text('Water boils at 100 degrees Celsius at sea level.') }, await sign('alice')),
    messageOf,
  ).id;
  await validate('dave', s2fixed, 'approve', 'typo fixed');
  orFail(await session.ledger.deprecate(s5, { reason: 'dispute', note: 'source disputes the licence' }, await sign('alice')), messageOf);
  await session.catchUp();
  const { versions } = orFailRead(await session.cairn.datasetVersions(DATASET));
  say(
    'Alice amends s2 (typo), deprecates s5 (dispute): the dataset re-assembles itself with the same manifest',
    `amend ${short(s2)} --file fixed.txt --as alice; deprecate ${short(s5)} --reason dispute --as alice; dataset versions ${DATASET}`,
    versions
      .map((v) => `  ${DATASET}@${v.ordinal}  ${short(v.versionId, 16)}  cut at ${v.position} by ${v.builds[0]?.cause ?? '?'}`)
      .join('\n') + '\n  (old versions stay readable forever; @latest is the current one)',
  );

  const d = await diffOf(session, `${DATASET}@1`, `${DATASET}@latest`);
  say('What changed between the versions?', `diff ${DATASET}@1 ${DATASET}@latest`, await diffText(session, d));
  say(
    'Why is s1 in the latest version?',
    `why ${short(s1)} --in ${DATASET}@latest`,
    await whyText(session, await whyOf(session, s1, `${DATASET}@latest`)),
  );
  say(
    'Why is s3 not in? (rejected)',
    `why ${short(s3)} --in ${DATASET}@latest`,
    await whyText(session, await whyOf(session, s3, `${DATASET}@latest`)),
  );
  say(
    'Why is s4 not in? (license)',
    `why ${short(s4)} --in ${DATASET}@latest`,
    await whyText(session, await whyOf(session, s4, `${DATASET}@latest`)),
  );
  say(
    'Why is s5 not in any more? (deprecated)',
    `why ${short(s5)} --in ${DATASET}@latest`,
    await whyText(session, await whyOf(session, s5, `${DATASET}@latest`)),
  );
  say(
    'Where does the amended sample come from?',
    `trace ${short(s2fixed)} --direction up`,
    traceText(await traceOf(session, s2fixed, { direction: 'up' })),
  );
  say('The history of s2', `history ${short(s2)}`, await historyText(session, await historyOf(session, s2)));
  say('If s1 were erased, what would be affected?', `impact ${short(s1)}`, await impactText(session, await impactOf(session, s1)));

  const proof = await proveOf(session, s1, `${DATASET}@latest`);
  const check = checkProof(JSON.parse(toJson(proof)));
  say(
    'Alice gets a proof that s1 is in the latest version and checks it offline',
    `prove ${short(s1)} --in ${DATASET}@latest --out proof.json; cairn prove --verify proof.json`,
    `  leaf ${proof.proof.leafIndex} of ${proof.proof.treeSize}, root ${proof.merkleRoot}\n${check.checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.check}`).join('\n')}`,
  );

  const cp = await appendCheckpoint(session, 'curator');
  say('The curator signs a checkpoint of the log (RFC 6962 tree head)', 'checkpoint --as curator', `  ${cp.size} events, root ${cp.root}`);
  const v = await runVerify(session, { projections: true });
  say('Verify everything: ids, signatures, Merkle root, projections rebuilt from scratch', 'verify', verifyText(v));
  if (!v.ok) fail(ExitCode.checkFailed, 'the demo ledger did not verify');
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('build a small ledger in a fresh folder and walk through diff, why, why-not, trace, impact, prove and verify')
    .option('--dir <folder>', 'a new or empty folder (default: a fresh temporary folder, printed at the end)')
    .action(async (opts: { dir?: string }, command: Command) => {
      const globals = globalsOf(command);
      const folder = await runDemo(opts.dir, (t) => (globals.json ? undefined : process.stdout.write(t)));
      if (globals.json) process.stdout.write(`${toJson({ dir: folder, ok: true })}\n`);
    });
}
