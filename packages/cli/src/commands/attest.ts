// cairn attest NAME@V --as NAME: an in-toto Statement v1 about a dataset version (subjects: the
// version id and the Merkle root of its members, both SHA-256), in a DSSE envelope signed with the
// signer's Ed25519 key; cairn attest --verify FILE checks one offline. The predicate names the
// members erased by then, so an attestation never vouches for bytes without saying they are gone.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import { contentIdOf, fromHex } from '@cairn/core';
import { erasedMembersOf, readVersion } from '@cairn/projections';
import { signEnvelope, verifyEnvelope, type DsseEnvelope } from '../attest/dsse.js';
import { ExitCode } from '../exit-codes.js';
import { fail, messageOf, orFail, usage } from '../fail.js';
import { toJson } from '../output.js';
import { withSession } from '../session.js';
import { globalsOf, show } from './common.js';
import { resolveVersionArg } from './datasets.js';
import { writeNamedFile } from '../files.js';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
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
  readonly checks: readonly { readonly check: string; readonly ok: boolean }[];
}

/** Offline: the envelope and statement are well-formed, the signature verifies, the subjects agree with the predicate. */
export function checkAttestation(file: unknown): AttestCheck {
  const env = (typeof file === 'object' && file !== null ? file : {}) as Partial<DsseEnvelope>;
  const wellFormed = typeof env.payload === 'string' && env.payloadType === IN_TOTO_PAYLOAD_TYPE && Array.isArray(env.signatures) && env.signatures.length > 0;
  let statement: { _type?: unknown; subject?: { name?: string; digest?: { sha256?: string } }[]; predicateType?: unknown; predicate?: Partial<VersionPredicate> } = {};
  try {
    if (wellFormed) statement = JSON.parse(Buffer.from(env.payload!, 'base64').toString('utf8')) as typeof statement;
  } catch {
    statement = {};
  }
  const p = statement.predicate ?? {};
  const key = typeof p.attestedBy?.publicKey === 'string' ? fromHex(p.attestedBy.publicKey, 32) : E.left(null);
  const derived = typeof p.manifestId === 'string' && typeof p.merkleRoot === 'string' ? contentIdOf('dataset-version', { manifest: p.manifestId, root: p.merkleRoot }) : E.left(null);
  const digests = (statement.subject ?? []).map((s) => s.digest?.sha256);
  const checks = [
    { check: 'a DSSE envelope of an in-toto Statement v1', ok: wellFormed && statement._type === STATEMENT_TYPE && statement.predicateType === PREDICATE_TYPE },
    { check: 'the Ed25519 signature over PAE(payloadType, payload) verifies', ok: wellFormed && E.isRight(key) && verifyEnvelope(env as DsseEnvelope, key.right) },
    { check: 'the subjects are the version id and the Merkle root', ok: digests.length === 2 && digests[0] === p.versionId && digests[1] === p.merkleRoot },
    { check: 'the version id is the content id of (manifest, root)', ok: E.isRight(derived) && derived.right === p.versionId },
  ];
  return { ok: checks.every((c) => c.ok), versionId: p.versionId ?? null, attestedBy: p.attestedBy?.contributorId ?? null, checks };
}

export function registerAttest(program: Command): void {
  program
    .command('attest [ref]')
    .description('sign an in-toto attestation (DSSE, Ed25519) of NAME@VERSION, or --verify FILE offline')
    .option('--as <name>', 'the signer')
    .option('--out <file>', 'write the envelope to a file instead of stdout')
    .option('--verify <file>', 'check an attestation offline (no store needed); exit 1 if it does not verify')
    .action(async (ref: string | undefined, opts: { as?: string; out?: string; verify?: string }, command: Command) => {
      const globals = globalsOf(command);
      if (opts.verify !== undefined) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(await readFile(opts.verify, 'utf8'));
        } catch (cause) {
          return usage('--verify', `${opts.verify} is not a readable JSON file (${cause instanceof Error ? cause.message : String(cause)})`);
        }
        const c = checkAttestation(parsed);
        await show(globals.json === true, c, (x) => [...x.checks.map((k) => `${k.ok ? 'ok  ' : 'FAIL'} ${k.check}`), x.ok ? `attestation OK: ${x.versionId} attested by ${x.attestedBy}` : 'attestation FAILED'].join('\n'));
        if (!c.ok) fail(ExitCode.checkFailed, 'the attestation does not verify', c);
        return;
      }
      if (ref === undefined || opts.as === undefined) return usage('NAME@VERSION / --as', 'give the version and the signer (or --verify FILE)');
      await withSession(globals, async (session) => {
        await session.catchUp();
        const v = await resolveVersionArg(session, ref);
        const version = orFail(await readVersion(session.db, v.versionId), messageOf);
        const entry = orFail(await session.keyring.get(opts.as!), (e) => e.message);
        const signer = orFail(await session.keyring.signer(opts.as!), (e) => e.message);
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
        const statement = {
          _type: STATEMENT_TYPE,
          subject: [
            { name: `${v.dataset}@${v.versionId}`, digest: { sha256: v.versionId } },
            { name: `${v.dataset}@${v.versionId}#merkle-root`, digest: { sha256: version.merkleRoot } },
          ],
          predicateType: PREDICATE_TYPE,
          predicate,
        };
        const envelope = signEnvelope(IN_TOTO_PAYLOAD_TYPE, new TextEncoder().encode(JSON.stringify(statement)), entry.contributorId, signer.secretKey);
        if (opts.out === undefined) {
          process.stdout.write(`${toJson(envelope)}\n`);
          return;
        }
        await writeNamedFile('--out', opts.out, `${toJson(envelope)}\n`);
        await show(session.json, { written: opts.out, versionId: v.versionId, merkleRoot: version.merkleRoot, keyid: entry.contributorId }, (x) => `attestation of ${v.dataset}@${v.ordinal} written to ${x.written}`);
      });
    });
}
