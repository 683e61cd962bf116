// cairn passport RUN --as NAME: a model passport, an in-toto Statement v1 about the run's model
// (subject: its model hash) in a DSSE envelope signed with the signer's Ed25519 key. The predicate
// is the library's passportFacts: the dataset version and its root, code, seeds, environment,
// licenses and obligations, and the risk flags as of now. cairn passport --verify FILE checks one
// offline; with --store (or CAIRN_STORE) also against the ledger.
import type { Command } from 'commander';
import { checkPassport, PASSPORT_PREDICATE_TYPE, signStatement } from '@cairn/core';
import type { PassportPredicate } from '@cairn/client';
import { currentSigner } from '../attest/current-signer.js';
import { verifyStatementFile } from '../attest/verify-statement.js';
import { withRunFacts } from '../attest/facts-session.js';
import { messageOf, orFail, usage } from '../fail.js';
import { toJson } from '../output.js';
import { writeNamedFile } from '../files.js';
import { globalsOf, show } from './common.js';

export function registerPassport(program: Command): void {
  program
    .command('passport [run]')
    .description('sign a model passport (in-toto, DSSE, Ed25519) for a training run: data, code, licenses and risk flags; or --verify FILE')
    .option('--as <name>', 'the signer')
    .option('--out <file>', 'write the envelope to a file instead of stdout')
    .option(
      '--verify <file>',
      "check a passport offline; with --store (or CAIRN_STORE) also that the key was the signer's at the run and the predicate matches the ledger; exit 1 if it does not verify",
    )
    .action(async (runId: string | undefined, opts: { as?: string; out?: string; verify?: string }, command: Command) => {
      const globals = globalsOf(command);
      if (opts.verify !== undefined)
        return verifyStatementFile(globals, opts.verify, {
          noun: 'passport',
          offline: checkPassport,
          summary: (x) => `passport OK: run ${x.runId} (model ${x.modelHash}) signed by ${x.signedBy}`,
        });
      if (runId === undefined || opts.as === undefined) return usage('RUN / --as', 'give the run id and the signer (or --verify FILE)');
      await withRunFacts(globals, async (session) => {
        const facts = orFail(await session.facts.passport(runId), messageOf);
        const { entry, signer } = await currentSigner({ keyring: session.writes.keyring, facts: session.facts }, opts.as!);
        const predicate: PassportPredicate = { ...facts, signedBy: { contributorId: entry.contributorId, publicKey: entry.publicKey } };
        const envelope = signStatement(
          [{ name: `model:${runId}`, digest: { sha256: facts.run.modelHash } }],
          PASSPORT_PREDICATE_TYPE,
          predicate,
          entry.contributorId,
          signer.secretKey,
        );
        if (opts.out === undefined) {
          process.stdout.write(`${toJson(envelope)}\n`);
          return;
        }
        await writeNamedFile('--out', opts.out, `${toJson(envelope)}\n`);
        await show(
          session.json,
          {
            written: opts.out,
            runId,
            modelHash: facts.run.modelHash,
            keyid: entry.contributorId,
            flags: facts.flags.filter((f) => f.raised).map((f) => f.flag),
          },
          (x) => `passport of run ${runId} written to ${x.written}; flags raised: ${x.flags.join(', ') || 'none'}`,
        );
      });
    });
}
