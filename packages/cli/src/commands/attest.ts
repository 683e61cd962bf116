// cairn attest NAME@V --as NAME: an in-toto Statement v1 about a dataset version (subjects: the
// version id and the Merkle root of its members, both SHA-256), in a DSSE envelope signed with the
// signer's Ed25519 key; cairn attest --verify FILE checks one offline. The predicate names the
// members erased by then, so an attestation never vouches for bytes without saying they are gone.
import type { Command } from 'commander';
import { ATTESTATION_PREDICATE_TYPE, checkAttestation, signStatement, type VersionPredicate } from '@cairn/core';
import { versionAttestationOf } from '@cairn/client';
import { currentSigner } from '../attest/current-signer.js';
import { verifyStatementFile } from '../attest/verify-statement.js';
import { withRunFacts } from '../attest/facts-session.js';
import { messageOf, orFail, usage } from '../fail.js';
import { toJson } from '../output.js';
import { globalsOf, show } from './common.js';
import { writeNamedFile } from '../files.js';

export function registerAttest(program: Command): void {
  program
    .command('attest [ref]')
    .description('sign an in-toto attestation (DSSE, Ed25519) of NAME@VERSION, or --verify FILE offline')
    .option('--as <name>', 'the signer')
    .option('--out <file>', 'write the envelope to a file instead of stdout')
    .option(
      '--verify <file>',
      "check an attestation offline; with --store (or CAIRN_STORE) also that the key was the signer's at the cut and the version is in the store; exit 1 if it does not verify",
    )
    .action(async (ref: string | undefined, opts: { as?: string; out?: string; verify?: string }, command: Command) => {
      const globals = globalsOf(command);
      if (opts.verify !== undefined)
        return verifyStatementFile(globals, opts.verify, {
          noun: 'attestation',
          offline: checkAttestation,
          summary: (x) => `attestation OK: ${x.versionId} attested by ${x.attestedBy}`,
        });
      if (ref === undefined || opts.as === undefined)
        return usage('NAME@VERSION / --as', 'give the version and the signer (or --verify FILE)');
      await withRunFacts(globals, async (session) => {
        const facts = orFail(await session.facts.attestFacts(ref), messageOf);
        const { ref: v, version } = facts;
        const { entry, signer } = await currentSigner({ keyring: session.writes.keyring, facts: session.facts }, opts.as!);
        const unsigned = versionAttestationOf(facts);
        const predicate: VersionPredicate = {
          ...unsigned.predicate,
          attestedBy: { contributorId: entry.contributorId, publicKey: entry.publicKey },
        };
        const subject = unsigned.subject;
        const envelope = signStatement(subject, ATTESTATION_PREDICATE_TYPE, predicate, entry.contributorId, signer.secretKey);
        if (opts.out === undefined) {
          process.stdout.write(`${toJson(envelope)}\n`);
          return;
        }
        await writeNamedFile('--out', opts.out, `${toJson(envelope)}\n`);
        await show(
          session.json,
          { written: opts.out, versionId: v.versionId, merkleRoot: version.merkleRoot, keyid: entry.contributorId },
          (x) => `attestation of ${v.dataset}@${v.ordinal} written to ${x.written}`,
        );
      });
    });
}
