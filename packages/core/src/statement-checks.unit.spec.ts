import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { generateSigningKey, publicKeyOf } from './ed25519.js';
import { toHex } from './hex.js';
import { contentIdOf } from './ids.js';
import { signEnvelope } from './dsse.js';
import { IN_TOTO_PAYLOAD_TYPE, openStatement, signStatement } from './in-toto.js';
import { ATTESTATION_PREDICATE_TYPE, PASSPORT_PREDICATE_TYPE, checkAttestation, checkPassport } from './statement-checks.js';

const secret = generateSigningKey();
const publicKey = toHex(publicKeyOf(secret));
const manifestId = 'a'.repeat(64);
const merkleRoot = 'b'.repeat(64);
const versionId = E.getOrElseW(() => 'no id')(contentIdOf('dataset-version', { manifest: manifestId, root: merkleRoot }));
const modelHash = 'c'.repeat(64);

const attestation = (
  overrides: Record<string, unknown> = {},
  subject = [
    { name: 'd@v', digest: { sha256: versionId } },
    { name: 'd@v#merkle-root', digest: { sha256: merkleRoot } },
  ],
) =>
  signStatement(
    subject,
    ATTESTATION_PREDICATE_TYPE,
    {
      dataset: 'd',
      ordinal: 1,
      versionId,
      manifestId,
      merkleRoot,
      memberCount: 2,
      position: '7',
      erasedMembers: [],
      attestedBy: { contributorId: 'alice', publicKey },
      ...overrides,
    },
    'alice',
    secret,
  );

const passport = (overrides: Record<string, unknown> = {}, subject = [{ name: 'model:r1', digest: { sha256: modelHash } }]) =>
  signStatement(
    subject,
    PASSPORT_PREDICATE_TYPE,
    {
      run: { runId: 'r1', modelHash, eventId: 'e'.repeat(64), position: '9' },
      dataset: { versionId, manifestId, merkleRoot },
      signedBy: { contributorId: 'alice', publicKey },
      ...overrides,
    },
    'alice',
    secret,
  );

const failed = (r: { checks: readonly { check: string; ok: boolean }[] }) => r.checks.filter((c) => !c.ok).map((c) => c.check);

describe('checkAttestation (offline)', () => {
  it('given an attestation signed by the key it names, then every check passes and it names the version and signer', () => {
    const r = checkAttestation(attestation());
    expect(failed(r)).toEqual([]);
    expect(r).toMatchObject({ ok: true, versionId, attestedBy: 'alice' });
    expect(r.checks).toHaveLength(4);
  });

  it('when the predicate is re-signed with another key than the one it names, then only the signature check fails', () => {
    const other = generateSigningKey();
    const env = attestation();
    const opened = openStatement(env);
    const forged = signEnvelope(IN_TOTO_PAYLOAD_TYPE, new TextEncoder().encode(JSON.stringify(opened.statement)), 'alice', other);
    expect(failed(checkAttestation(forged))).toEqual(['the Ed25519 signature over PAE(payloadType, payload) verifies']);
  });

  it('when the subjects do not name the version and its root, then the subject check fails', () => {
    expect(failed(checkAttestation(attestation({}, [{ name: 'x', digest: { sha256: merkleRoot } }])))).toEqual([
      'the subjects are the version id and the Merkle root',
    ]);
  });

  it('when the version id does not derive from (manifest, root), then that check fails', () => {
    const r = checkAttestation(
      attestation({ versionId: 'f'.repeat(64) }, [
        { name: 'x', digest: { sha256: 'f'.repeat(64) } },
        { name: 'y', digest: { sha256: merkleRoot } },
      ]),
    );
    expect(failed(r)).toEqual(['the version id is the content id of (manifest, root)']);
  });

  it('given a file that is no envelope, or a passport, then the shape check fails and nothing throws', () => {
    expect(checkAttestation(null)).toMatchObject({ ok: false, versionId: null, attestedBy: null });
    expect(failed(checkAttestation('text'))).toContain('a DSSE envelope of an in-toto Statement v1');
    expect(failed(checkAttestation(passport()))).toContain('a DSSE envelope of an in-toto Statement v1');
  });
});

describe('checkPassport (offline)', () => {
  it('given a passport signed by the key it names, then every check passes and it names run, model and signer', () => {
    const r = checkPassport(passport());
    expect(failed(r)).toEqual([]);
    expect(r).toMatchObject({ ok: true, runId: 'r1', modelHash, signedBy: 'alice' });
  });

  it("when the subject is not the run's model hash, then the subject check fails", () => {
    expect(failed(checkPassport(passport({}, [{ name: 'model:r1', digest: { sha256: 'd'.repeat(64) } }])))).toEqual([
      "the subject is the run's model hash",
    ]);
  });

  it('when the dataset version id does not derive from (manifest, root), then that check fails', () => {
    expect(failed(checkPassport(passport({ dataset: { versionId, manifestId, merkleRoot: 'd'.repeat(64) } })))).toEqual([
      'the dataset version id is the content id of (manifest, root)',
    ]);
  });

  it('when the payload is not JSON, then the shape check fails and nothing throws', () => {
    const env = {
      payloadType: IN_TOTO_PAYLOAD_TYPE,
      payload: Buffer.from('not json').toString('base64'),
      signatures: [{ keyid: 'k', sig: '' }],
    };
    expect(checkPassport(env)).toMatchObject({ ok: false, runId: null });
    expect(failed(checkPassport(env))).toContain('a DSSE envelope of an in-toto Statement v1');
  });
});

describe('openStatement (an untrusted payload)', () => {
  const envelopeOf = (payload: Uint8Array) => ({
    payloadType: IN_TOTO_PAYLOAD_TYPE,
    payload: Buffer.from(payload).toString('base64'),
    signatures: [{ keyid: 'k', sig: '' }],
  });
  const statementBytes = (versionId: string) => new TextEncoder().encode(`{"_type":"x","predicate":{"versionId":"${versionId}"}}`);

  it('given a payload holding a byte that is not UTF-8, then it is refused naming the payload, not read with U+FFFD in its place', () => {
    const bytes = statementBytes('a_b');
    bytes[bytes.indexOf(0x5f)] = 0xff;
    const opened = openStatement(envelopeOf(bytes));
    expect(opened.error).toEqual({ _tag: 'StatementError', field: 'payload', reason: 'not well-formed UTF-8' });
    expect(opened.statement).toEqual({});
    expect(checkAttestation(envelopeOf(bytes)).checks[0]).toEqual({
      check: 'a DSSE envelope of an in-toto Statement v1',
      ok: false,
      detail: 'payload: not well-formed UTF-8',
    });
  });

  it('given a payload whose JSON spells a lone surrogate ("\\ud800"), then it is refused naming the member that holds it', () => {
    const opened = openStatement(envelopeOf(statementBytes('a\\ud800b')));
    expect(opened.error).toMatchObject({ _tag: 'StatementError', field: 'payload.predicate.versionId' });
    expect(opened.error?.reason).toMatch(/lone surrogate/);
    expect(opened.statement).toEqual({});
  });

  it('given a payload that names a member twice, then it is refused rather than read as one parser or another would', () => {
    const opened = openStatement(envelopeOf(new TextEncoder().encode('{"_type":"x","_type":"y"}')));
    expect(opened.error).toMatchObject({ _tag: 'StatementError', field: 'payload._type' });
  });

  it.each([['null'], ['5'], ['[]'], ['"text"']])(
    'given a payload that is JSON but no object (%s), then the checks fail saying so and nothing throws',
    (text) => {
      const env = envelopeOf(new TextEncoder().encode(text));
      expect(openStatement(env).error).toEqual({ _tag: 'StatementError', field: 'payload', reason: 'expected a JSON object' });
      expect(checkPassport(env)).toMatchObject({ ok: false, runId: null });
      expect(checkAttestation(env).checks[0]?.detail).toBe('payload: expected a JSON object');
    },
  );

  it('given a well-formed statement, then it opens with no error', () => {
    const opened = openStatement(passport());
    expect(opened.error).toBeNull();
    expect(opened.statement.predicateType).toBe(PASSPORT_PREDICATE_TYPE);
  });
});
