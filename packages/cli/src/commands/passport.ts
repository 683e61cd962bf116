// cairn passport RUN --as NAME: a model passport, an in-toto Statement v1 about the run's model
// (subject: its model hash) in a DSSE envelope signed with the signer's Ed25519 key. The predicate
// is the library's passportFacts: the dataset version and its root, code, seeds, environment,
// licenses and obligations, and the risk flags as of now. cairn passport --verify FILE checks one
// offline; with --store (or CAIRN_STORE) also against the ledger.
import type { Command } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import { contentIdOf } from '@cairn/core';
import { passportFacts, type PassportFacts } from '@cairn/projections';
import { currentSigner } from '../attest/current-signer.js';
import { keyValidAt, openStatement, readEnvelopeFile, shapeCheck, signStatement, signatureCheck, storeNamed, type Check } from '../attest/in-toto.js';
import { ExitCode } from '../exit-codes.js';
import { fail, messageOf, orFail, usage } from '../fail.js';
import { toJson } from '../output.js';
import { withSession, type Session } from '../session.js';
import { writeNamedFile } from '../files.js';
import { globalsOf, show } from './common.js';

export const PASSPORT_PREDICATE_TYPE = 'https://cairn.dev/passport/model/v1';

export interface PassportPredicate extends PassportFacts {
  readonly signedBy: { readonly contributorId: string; readonly publicKey: string };
}

export interface PassportCheck {
  readonly ok: boolean;
  readonly runId: string | null;
  readonly modelHash: string | null;
  readonly signedBy: string | null;
  readonly checks: readonly Check[];
}

/** Offline: envelope and statement shape, the signature, the subject is the model, the version id derives from (manifest, root). */
export function checkPassport(file: unknown): PassportCheck {
  const opened = openStatement<PassportPredicate>(file);
  const p = opened.statement.predicate ?? {};
  const subject = opened.statement.subject ?? [];
  const d = p.dataset;
  const derived = typeof d?.manifestId === 'string' && typeof d.merkleRoot === 'string' ? contentIdOf('dataset-version', { manifest: d.manifestId, root: d.merkleRoot }) : E.left(null);
  const checks: Check[] = [
    shapeCheck(opened, PASSPORT_PREDICATE_TYPE),
    signatureCheck(opened.envelope, p.signedBy?.publicKey),
    { check: 'the subject is the run\'s model hash', ok: subject.length === 1 && typeof p.run?.modelHash === 'string' && subject[0]?.digest?.sha256 === p.run.modelHash },
    { check: 'the dataset version id is the content id of (manifest, root)', ok: E.isRight(derived) && derived.right === d?.versionId },
  ];
  return { ok: checks.every((c) => c.ok), runId: p.run?.runId ?? null, modelHash: p.run?.modelHash ?? null, signedBy: p.signedBy?.contributorId ?? null, checks };
}

/** With a store: the key was the signer's at the run's position, and the run, its version and root are still what the ledger says. */
async function storeChecks(session: Session, file: unknown): Promise<Check[]> {
  const p = openStatement<PassportPredicate>(file).statement.predicate ?? {};
  const key = await keyValidAt(session, p.signedBy?.contributorId, p.signedBy?.publicKey, p.run?.position);
  const check = 'the run, its model hash, version and Merkle root match the ledger (store)';
  if (typeof p.run?.runId !== 'string') return [key, { check, ok: false, detail: 'the predicate names no run' }];
  const facts = await passportFacts(session.db, session.ledger.log, p.run.runId);
  if (E.isLeft(facts)) return [key, { check, ok: false, detail: facts.left.message }];
  const f = facts.right;
  const differ = [
    f.run.modelHash !== p.run.modelHash ? 'model hash' : null,
    f.run.eventId !== p.run.eventId ? 'run event' : null,
    f.dataset.versionId !== p.dataset?.versionId ? 'version id' : null,
    f.dataset.merkleRoot !== p.dataset?.merkleRoot ? 'Merkle root' : null,
  ].filter((x): x is string => x !== null);
  return [key, { check, ok: differ.length === 0, ...(differ.length === 0 ? {} : { detail: `the ledger has another ${differ.join(', ')}` }) }];
}

const checkText = (x: PassportCheck): string =>
  [...x.checks.map((k) => `${k.ok ? 'ok  ' : 'FAIL'} ${k.check}${k.detail === undefined ? '' : `: ${k.detail}`}`), x.ok ? `passport OK: run ${x.runId} (model ${x.modelHash}) signed by ${x.signedBy}` : 'passport FAILED'].join('\n');

export function registerPassport(program: Command): void {
  program
    .command('passport [run]')
    .description('sign a model passport (in-toto, DSSE, Ed25519) for a training run: data, code, licenses and risk flags; or --verify FILE')
    .option('--as <name>', 'the signer')
    .option('--out <file>', 'write the envelope to a file instead of stdout')
    .option('--verify <file>', 'check a passport offline; with --store (or CAIRN_STORE) also that the key was the signer\'s at the run and the predicate matches the ledger; exit 1 if it does not verify')
    .action(async (runId: string | undefined, opts: { as?: string; out?: string; verify?: string }, command: Command) => {
      const globals = globalsOf(command);
      if (opts.verify !== undefined) {
        const parsed = await readEnvelopeFile(opts.verify);
        const offline = checkPassport(parsed);
        const c = storeNamed(globals)
          ? await withSession(globals, async (session) => {
              await session.catchUp();
              const checks = [...offline.checks, ...(await storeChecks(session, parsed))];
              return { ...offline, ok: checks.every((k) => k.ok), checks };
            })
          : offline;
        await show(globals.json === true, c, checkText);
        if (!c.ok) fail(ExitCode.checkFailed, `the passport does not verify: ${c.checks.filter((k) => !k.ok).map((k) => k.check).join('; ')}`, c);
        return;
      }
      if (runId === undefined || opts.as === undefined) return usage('RUN / --as', 'give the run id and the signer (or --verify FILE)');
      await withSession(globals, async (session) => {
        await session.catchUp();
        const facts = orFail(await passportFacts(session.db, session.ledger.log, runId), messageOf);
        const { entry, signer } = await currentSigner(session, opts.as!);
        const predicate: PassportPredicate = { ...facts, signedBy: { contributorId: entry.contributorId, publicKey: entry.publicKey } };
        const envelope = signStatement([{ name: `model:${runId}`, digest: { sha256: facts.run.modelHash } }], PASSPORT_PREDICATE_TYPE, predicate, entry.contributorId, signer.secretKey);
        if (opts.out === undefined) {
          process.stdout.write(`${toJson(envelope)}\n`);
          return;
        }
        await writeNamedFile('--out', opts.out, `${toJson(envelope)}\n`);
        await show(session.json, { written: opts.out, runId, modelHash: facts.run.modelHash, keyid: entry.contributorId, flags: facts.flags.filter((f) => f.raised).map((f) => f.flag) }, (x) => `passport of run ${runId} written to ${x.written}; flags raised: ${x.flags.join(', ') || 'none'}`);
      });
    });
}
