// cairn attest NAME@V --as NAME: an in-toto Statement v1 about a dataset version (subjects: the
// version id and the Merkle root of its members, both SHA-256), in a DSSE envelope signed with the
// signer's Ed25519 key; cairn attest --verify FILE checks one offline. The predicate names the
// members erased by then, so an attestation never vouches for bytes without saying they are gone.
import type { Command } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import { contentIdOf } from '@cairn/core';
import { erasedMembersOf, readVersion } from '@cairn/projections';
import { currentSigner } from '../attest/current-signer.js';
import { keyValidAt, openStatement, readEnvelopeFile, shapeCheck, signStatement, signatureCheck, storeNamed, type Check } from '../attest/in-toto.js';
import { ExitCode } from '../exit-codes.js';
import { fail, messageOf, orFail, usage } from '../fail.js';
import { toJson } from '../output.js';
import { withSession, type Session } from '../session.js';
import { globalsOf, show } from './common.js';
import { resolveVersionArg } from './datasets.js';
import { writeNamedFile } from '../files.js';

export { IN_TOTO_PAYLOAD_TYPE, STATEMENT_TYPE } from '../attest/in-toto.js';
export const PREDICATE_TYPE = 'https://cairn.dev/attestation/dataset-version/v1';

export interface VersionPredicate {
  readonly dataset: string;
  readonly ordinal: number;
  readonly versionId: string;
  readonly manifestId: string;
  readonly merkleRoot: string;
  readonly memberCount: number;
  readonly position: string;
  /** Members erased by the time of the attestation: the version is still what was cut, but their bytes are gone. */
  readonly erasedMembers: readonly { readonly cfId: string; readonly eventId: string; readonly position: string }[];
  readonly attestedBy: { readonly contributorId: string; readonly publicKey: string };
}

export interface AttestCheck {
  readonly ok: boolean;
  readonly versionId: string | null;
  readonly attestedBy: string | null;
  readonly checks: readonly Check[];
}

/** Offline: the envelope and statement are well-formed, the signature verifies, the subjects agree with the predicate. */
export function checkAttestation(file: unknown): AttestCheck {
  const opened = openStatement<VersionPredicate>(file);
  const p = opened.statement.predicate ?? {};
  const derived = typeof p.manifestId === 'string' && typeof p.merkleRoot === 'string' ? contentIdOf('dataset-version', { manifest: p.manifestId, root: p.merkleRoot }) : E.left(null);
  const digests = (opened.statement.subject ?? []).map((s) => s.digest?.sha256);
  const checks = [
    shapeCheck(opened, PREDICATE_TYPE),
    signatureCheck(opened.envelope, p.attestedBy?.publicKey),
    { check: 'the subjects are the version id and the Merkle root', ok: digests.length === 2 && digests[0] === p.versionId && digests[1] === p.merkleRoot },
    { check: 'the version id is the content id of (manifest, root)', ok: E.isRight(derived) && derived.right === p.versionId },
  ];
  return { ok: checks.every((c) => c.ok), versionId: p.versionId ?? null, attestedBy: p.attestedBy?.contributorId ?? null, checks };
}

/** With a store: the key was the signer's at the version's cut, and the version is in the store with that root. */
async function storeChecks(session: Session, file: unknown): Promise<Check[]> {
  const p = openStatement<VersionPredicate>(file).statement.predicate ?? {};
  const key = await keyValidAt(session, p.attestedBy?.contributorId, p.attestedBy?.publicKey, p.position);
  const v = typeof p.versionId === 'string' ? await readVersion(session.db, p.versionId) : E.left(null);
  const matches = E.isRight(v) && v.right.merkleRoot === p.merkleRoot && v.right.manifestId === p.manifestId;
  return [key, { check: 'the version and its Merkle root are in the store (store)', ok: matches, ...(matches ? {} : { detail: E.isRight(v) ? 'the store has the version with another root or manifest' : `version ${String(p.versionId)} is not in the store` }) }];
}

export function registerAttest(program: Command): void {
  program
    .command('attest [ref]')
    .description('sign an in-toto attestation (DSSE, Ed25519) of NAME@VERSION, or --verify FILE offline')
    .option('--as <name>', 'the signer')
    .option('--out <file>', 'write the envelope to a file instead of stdout')
    .option('--verify <file>', 'check an attestation offline; with --store (or CAIRN_STORE) also that the key was the signer\'s at the cut and the version is in the store; exit 1 if it does not verify')
    .action(async (ref: string | undefined, opts: { as?: string; out?: string; verify?: string }, command: Command) => {
      const globals = globalsOf(command);
      if (opts.verify !== undefined) {
        const parsed = await readEnvelopeFile(opts.verify);
        const offline = checkAttestation(parsed);
        const c = storeNamed(globals)
          ? await withSession(globals, async (session) => {
              await session.catchUp();
              const checks = [...offline.checks, ...(await storeChecks(session, parsed))];
              return { ...offline, ok: checks.every((k) => k.ok), checks };
            })
          : offline;
        await show(globals.json === true, c, (x) => [...x.checks.map((k) => `${k.ok ? 'ok  ' : 'FAIL'} ${k.check}${k.detail === undefined ? '' : `: ${k.detail}`}`), x.ok ? `attestation OK: ${x.versionId} attested by ${x.attestedBy}` : 'attestation FAILED'].join('\n'));
        if (!c.ok) fail(ExitCode.checkFailed, `the attestation does not verify: ${c.checks.filter((k) => !k.ok).map((k) => k.check).join('; ')}`, c);
        return;
      }
      if (ref === undefined || opts.as === undefined) return usage('NAME@VERSION / --as', 'give the version and the signer (or --verify FILE)');
      await withSession(globals, async (session) => {
        await session.catchUp();
        const v = await resolveVersionArg(session, ref);
        const version = orFail(await readVersion(session.db, v.versionId), messageOf);
        const { entry, signer } = await currentSigner(session, opts.as!);
        const predicate: VersionPredicate = {
          dataset: v.dataset,
          ordinal: v.ordinal,
          versionId: v.versionId,
          manifestId: version.manifestId,
          merkleRoot: version.merkleRoot,
          memberCount: version.memberCount,
          position: version.position.toString(),
          erasedMembers: (await erasedMembersOf(session.db, v.versionId)).map((e) => ({ cfId: e.cfId, eventId: e.eventId, position: e.position.toString() })),
          attestedBy: { contributorId: entry.contributorId, publicKey: entry.publicKey },
        };
        const subject = [
          { name: `${v.dataset}@${v.versionId}`, digest: { sha256: v.versionId } },
          { name: `${v.dataset}@${v.versionId}#merkle-root`, digest: { sha256: version.merkleRoot } },
        ];
        const envelope = signStatement(subject, PREDICATE_TYPE, predicate, entry.contributorId, signer.secretKey);
        if (opts.out === undefined) {
          process.stdout.write(`${toJson(envelope)}\n`);
          return;
        }
        await writeNamedFile('--out', opts.out, `${toJson(envelope)}\n`);
        await show(session.json, { written: opts.out, versionId: v.versionId, merkleRoot: version.merkleRoot, keyid: entry.contributorId }, (x) => `attestation of ${v.dataset}@${v.ordinal} written to ${x.written}`);
      });
    });
}
