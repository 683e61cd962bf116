// A model passport and a run's record-keeping through the real binary, on every store: cairn
// passport RUN signs the run's facts and risk flags, --verify checks it offline and (with a store
// named) against the ledger, cairn attest --verify gets the same store check, and cairn
// record-keeping RUN lists the events that shaped the run's data with inclusion proofs.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { fromHex, signEnvelope, verifyInclusion } from '@cairn/core';
import { jsonFor, runnerFor, type StoreUnderTest } from './cli-suite.js';
import { initStore } from './init-store.js';

const T = 240_000;

interface Flag {
  flag: string;
  raised: boolean;
  count: number;
  detail: string;
}
interface Predicate {
  run: { runId: string; modelHash: string; position: string };
  dataset: { name: string; versionId: string; merkleRoot: string; memberCount: number };
  code: string;
  seeds: Record<string, number>;
  environment: Record<string, string>;
  licenses: { inForce: string[]; unknown: string[]; obligations: { attribution: string[] } };
  erasedMembers: { cfId: string }[];
  flags: Flag[];
  signedBy: { contributorId: string; publicKey: string };
}
interface Envelope {
  payload: string;
  payloadType: string;
  signatures: { keyid: string; sig: string }[];
}
interface Statement {
  _type: string;
  subject: { name: string; digest: { sha256: string } }[];
  predicateType: string;
  predicate: Predicate;
}
interface Verified {
  ok: boolean;
  checks: { check: string; ok: boolean; detail?: string }[];
}

const statementOf = (e: Envelope): Statement => JSON.parse(Buffer.from(e.payload, 'base64').toString('utf8')) as Statement;
const flagOf = (s: Statement, name: string): Flag => s.predicate.flags.find((f) => f.flag === name)!;

export function passportSpecification(name: string, store: StoreUnderTest): void {
  const cairnJson = jsonFor(store);
  const cairn = runnerFor(store);
  describe(`cairn passport / record-keeping on ${name}`, () => {
    let dir: string;
    let env: NodeJS.ProcessEnv;
    /** no store named, run from a folder without one: --verify is offline */
    let offline: NodeJS.ProcessEnv;
    let away: string;
    let ids: Record<string, string>;
    const modelHash = 'b'.repeat(64);

    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-passport-'));
      away = await mkdtemp(path.join(os.tmpdir(), 'cairn-passport-away-'));
      env = await store.env(dir);
      const { CAIRN_STORE: _named, ...rest } = { ...process.env, ...env };
      offline = { ...rest };
      delete offline.CAIRN_STORE;
      const run = (...args: string[]) => cairnJson(dir, env, ...args);
      await initStore(dir, env, cairnJson);
      await run('keys', 'new', 'alice');
      await run('keys', 'new', 'bob');
      await run('keys', 'new', 'carol');
      await run('roles', 'grant', 'bob', 'curator', '--as', 'alice');
      await writeFile(
        path.join(dir, 'mit.jsonl'),
        ['s0', 's1', 's2'].map((id) => JSON.stringify({ id, text: `plain sample ${id}`, source: 'web' })).join('\n'),
      );
      await writeFile(
        path.join(dir, 'custom.jsonl'),
        JSON.stringify({ id: 's3', text: 'a person wrote this', source: 'forum', personalData: true }),
      );
      const a = await cairnJson<{ cfs: { kind: string; cfId: string }[] }>(
        dir,
        env,
        'import',
        'mit.jsonl',
        '--as',
        'alice',
        '--license',
        'MIT',
      );
      const b = await cairnJson<{ cfs: { kind: string; cfId: string }[] }>(
        dir,
        env,
        'import',
        'custom.jsonl',
        '--as',
        'alice',
        '--license',
        'LicenseRef-Custom',
      );
      const samples = [...a.cfs, ...b.cfs].filter((c) => c.kind === 'sample').map((c) => c.cfId);
      ids = Object.fromEntries(samples.map((id, i) => [`s${i}`, id]));
      await run(
        'contribute',
        'validation',
        '--as',
        'bob',
        '--target',
        ids.s0!,
        '--target',
        ids.s1!,
        '--verdict',
        'approve',
        '--rationale',
        'checked',
      );
      // carol's key is revoked before the cut and the run: what she signs later was not signed by a key valid then
      await run('keys', 'revoke', 'carol');
      await writeFile(
        path.join(dir, 'manifest.json'),
        JSON.stringify({ licensePolicy: { allowed: ['MIT', 'LicenseRef-Custom'] }, minApprovals: { count: 0 } }),
      );
      const { manifestId } = await cairnJson<{ manifestId: string }>(dir, env, 'manifest', 'define', 'manifest.json', '--as', 'alice');
      await run('dataset', 'define', 'corpus', '--as', 'alice');
      await run('dataset', 'build', 'corpus', '--manifest', manifestId, '--as', 'alice');
      await run(
        'record-run',
        '--dataset',
        'corpus@1',
        '--code',
        'git:abc',
        '--seed',
        '7',
        '--env',
        'torch=2.3.0',
        '--model-hash',
        modelHash,
        '--run-id',
        'r1',
        '--as',
        'bob',
      );
    }, T);

    /**
     * What someone holding a signer's retired secret key could make without cairn: the statement
     * re-signed with that key, naming that signer (cairn itself refuses to sign with it).
     */
    async function resignedBy(name: string, envelope: Envelope): Promise<Envelope> {
      const folder = env.CAIRN_KEYS ?? path.join(dir, '.cairn');
      const entry = JSON.parse(await readFile(path.join(folder, 'signers', `${name}.json`), 'utf8')) as {
        contributorId: string;
        publicKey: string;
        secretKey: string;
      };
      const s = statementOf(envelope);
      const who = { contributorId: entry.contributorId, publicKey: entry.publicKey };
      const p = s.predicate as unknown as Record<string, unknown>;
      const predicate = { ...p, ...('signedBy' in p ? { signedBy: who } : {}), ...('attestedBy' in p ? { attestedBy: who } : {}) };
      return signEnvelope(
        envelope.payloadType,
        Buffer.from(JSON.stringify({ ...s, predicate })),
        entry.contributorId,
        Uint8Array.from(Buffer.from(entry.secretKey, 'hex')),
      ) as unknown as Envelope;
    }

    it(
      'given a recorded run, when alice signs its passport, then it names the model, data, code, licenses and flags, and verifies offline and against the store',
      async () => {
        const r = await cairn(dir, env, 'passport', 'r1', '--as', 'alice');
        expect(r.code).toBe(0);
        const envelope = JSON.parse(r.stdout) as Envelope;
        const s = statementOf(envelope);
        expect(envelope.payloadType).toBe('application/vnd.in-toto+json');
        expect(s._type).toBe('https://in-toto.io/Statement/v1');
        expect(s.predicateType).toBe('https://cairn.dev/passport/model/v1');
        expect(s.subject).toEqual([{ name: 'model:r1', digest: { sha256: modelHash } }]);
        const shown = await cairnJson<{ versionId: string; version: { merkleRoot: string; memberCount: number } }>(
          dir,
          env,
          'runs',
          'show',
          'r1',
        );
        expect(s.predicate.dataset).toMatchObject({
          name: 'corpus',
          versionId: shown.versionId,
          merkleRoot: shown.version.merkleRoot,
          memberCount: 4,
        });
        expect(s.predicate.code).toBe('git:abc');
        expect(s.predicate.environment).toEqual({ torch: '2.3.0' });
        expect(Object.values(s.predicate.seeds)).toEqual([7]);
        expect(s.predicate.licenses.inForce).toEqual(expect.arrayContaining(['MIT']));
        // the flags the ledger supports: s3 is personal data under a license no rule knows; s2 and s3 have no approval
        expect(flagOf(s, 'personal_data')).toMatchObject({ raised: true, count: 1 });
        expect(flagOf(s, 'unknown_license')).toMatchObject({ raised: true });
        expect(flagOf(s, 'unknown_license').detail).toContain('LicenseRef-Custom');
        expect(flagOf(s, 'unvalidated_members')).toMatchObject({ raised: true, count: 2 });
        expect(flagOf(s, 'erased_data_used')).toMatchObject({ raised: false, count: 0 });
        expect(flagOf(s, 'contaminated_eval')).toMatchObject({ raised: false });
        expect(flagOf(s, 'contaminated_eval').detail).toContain('evalVersion');

        await writeFile(path.join(away, 'p.json'), r.stdout);
        const off = await cairn(away, offline, '--json', 'passport', '--verify', 'p.json');
        expect(off.code).toBe(0);
        const offChecks = (JSON.parse(off.stdout) as Verified).checks;
        expect(offChecks.map((c) => c.ok)).toEqual([true, true, true, true]);
        expect(offChecks.some((c) => c.check.includes('(store)'))).toBe(false);
        const on = await cairnJson<Verified>(dir, env, 'passport', '--verify', path.join(away, 'p.json'));
        expect(on.ok).toBe(true);
        expect(on.checks.filter((c) => c.check.includes('(store)')).map((c) => c.ok)).toEqual([true, true]);
      },
      T,
    );

    it(
      'given a signed passport, when one byte of its payload changes, then --verify exits 1 naming the signature check',
      async () => {
        const envelope = JSON.parse((await cairn(dir, env, 'passport', 'r1', '--as', 'alice')).stdout) as Envelope;
        const s = statementOf(envelope);
        const forged = {
          ...envelope,
          payload: Buffer.from(JSON.stringify({ ...s, predicate: { ...s.predicate, code: 'git:evil' } })).toString('base64'),
        };
        await writeFile(path.join(away, 'forged.json'), JSON.stringify(forged));
        const r = await cairn(away, offline, 'passport', '--verify', 'forged.json');
        expect(r.code).toBe(1);
        expect(r.stdout).toMatch(/FAIL the Ed25519 signature over PAE\(payloadType, payload\) verifies/);
        expect(r.stderr).toContain('the Ed25519 signature');
      },
      T,
    );

    it(
      'given carol revoked her key before the run, when she asks for a passport, then it is refused naming signer-key-current and nothing is written',
      async () => {
        const out = path.join(dir, 'carol-refused.json');
        const r = await cairn(dir, env, 'passport', 'r1', '--as', 'carol', '--out', out);
        expect(r.code).toBe(3);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).toMatch(/^cairn: \[signer-key-current\] --as: signer "carol" .* has no valid key \(revoked\)/);
        await expect(readFile(out)).rejects.toThrow();
        expect((await cairn(dir, env, 'attest', 'corpus@1', '--as', 'carol')).code).toBe(3);
      },
      T,
    );

    it(
      "given a passport re-signed outside cairn with carol's key revoked before the run, when verified, then it verifies offline but the store check fails naming the key",
      async () => {
        const signed = JSON.parse((await cairn(dir, env, 'passport', 'r1', '--as', 'alice')).stdout) as Envelope;
        const forged = await resignedBy('carol', signed);
        await writeFile(path.join(away, 'carol.json'), JSON.stringify(forged));
        expect((await cairn(away, offline, 'passport', '--verify', 'carol.json')).code).toBe(0);
        const r = await cairn(dir, env, '--json', 'passport', '--verify', path.join(away, 'carol.json'));
        expect(r.code).toBe(1);
        const failed = (JSON.parse(r.stdout) as Verified).checks.filter((c) => !c.ok);
        expect(failed.map((c) => c.check)).toEqual(["the signing key was the signer's registered key at that log position (store)"]);
        expect(failed[0]!.detail).toMatch(/revoked at position \d+/);
      },
      T,
    );

    it(
      'given an attestation re-signed outside cairn with a key revoked before the cut, when verified against the store, then attest --verify fails naming the key check too',
      async () => {
        const out = path.join(dir, 'att.json');
        expect((await cairn(dir, env, 'attest', 'corpus@1', '--as', 'alice', '--out', out)).code).toBe(0);
        expect((await cairn(dir, env, 'attest', '--verify', out)).code).toBe(0);
        const forged = await resignedBy('carol', JSON.parse(await readFile(out, 'utf8')) as Envelope);
        await writeFile(path.join(away, 'att-carol.json'), JSON.stringify(forged));
        expect((await cairn(away, offline, 'attest', '--verify', 'att-carol.json')).code).toBe(0);
        const r = await cairn(dir, env, 'attest', '--verify', path.join(away, 'att-carol.json'));
        expect(r.code).toBe(1);
        expect(r.stdout).toMatch(
          /FAIL the signing key was the signer's registered key at that log position \(store\): key \w+ was revoked/,
        );
      },
      T,
    );

    it(
      'given an unknown run, when a passport is asked for, then it exits 4 and appends nothing',
      async () => {
        const before = await cairnJson<{ size: string }>(dir, env, 'tree-head');
        const r = await cairn(dir, env, '--json', 'passport', 'no-such-run', '--as', 'alice');
        expect(r.code).toBe(4);
        expect(r.stderr).toContain('no-such-run');
        expect((await cairnJson<{ size: string }>(dir, env, 'tree-head')).size).toBe(before.size);
      },
      T,
    );

    it(
      'given a member erased after the run, when a new passport is signed, then erased_data_used names it',
      async () => {
        await cairnJson(dir, env, 'erase', ids.s2!, '--as', 'alice', '--reason', 'data subject request');
        const s = statementOf(JSON.parse((await cairn(dir, env, 'passport', 'r1', '--as', 'alice')).stdout) as Envelope);
        expect(flagOf(s, 'erased_data_used')).toMatchObject({ raised: true, count: 1 });
        expect(s.predicate.erasedMembers.map((e) => e.cfId)).toEqual([ids.s2]);
      },
      T,
    );

    it(
      'given the run (after the erasure), when its record-keeping is cut, then it lists the events that shaped its data in log order, against the checkpoint tree-head reports, each with an inclusion proof that holds',
      async () => {
        interface Line {
          position: string;
          eventId: string;
          type: string;
          role: string;
          signer: string;
          signerName: string | null;
          leafIndex: number;
          leafHash: string;
          inclusionProof: string[];
        }
        const r = await cairnJson<{ runId: string; checkpoint: { treeHead: { size: number; root: string } }; events: Line[] }>(
          dir,
          env,
          'record-keeping',
          'r1',
        );
        const head = await cairnJson<{ treeHead: { size: number; root: string } }>(dir, env, 'tree-head');
        expect(r.checkpoint.treeHead).toMatchObject({ size: head.treeHead.size, root: head.treeHead.root });
        const positions = r.events.map((e) => BigInt(e.position));
        expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
        const byRole = (role: string) => r.events.filter((e) => e.role === role);
        expect(
          byRole('member')
            .map((e) => e.eventId)
            .sort(),
        ).toEqual(Object.values(ids).sort());
        expect(byRole('validation')).toHaveLength(1);
        expect(byRole('validation')[0]!.signerName).toBe('bob');
        expect(byRole('manifest')).toHaveLength(1);
        expect(byRole('dataset')).toHaveLength(1);
        expect(byRole('build')).toHaveLength(1);
        expect(byRole('erasure').map((e) => e.type)).toEqual(['SampleErased']);
        expect(byRole('run').map((e) => e.type)).toEqual(['TrainingRunRecorded']);
        // the run is recorded after its data was cut, and the erasure after the run
        expect(BigInt(byRole('build')[0]!.position)).toBeLessThan(BigInt(byRole('run')[0]!.position));
        expect(BigInt(byRole('run')[0]!.position)).toBeLessThan(BigInt(byRole('erasure')[0]!.position));
        const root = fromHex(r.checkpoint.treeHead.root, 32);
        for (const e of r.events) {
          const leafHash = fromHex(e.leafHash, 32);
          const proof = e.inclusionProof.map((h) => fromHex(h, 32));
          if (root._tag === 'Left' || leafHash._tag === 'Left' || proof.some((p) => p._tag === 'Left'))
            throw new Error(`not hex in the record of ${e.eventId}`);
          const hashes = proof.map((p) => (p._tag === 'Right' ? p.right : new Uint8Array()));
          expect(
            verifyInclusion({
              index: e.leafIndex,
              treeSize: r.checkpoint.treeHead.size,
              proof: hashes,
              root: root.right,
              leafHash: leafHash.right,
            }),
          ).toBe(true);
        }
        // a proof does not hold for another leaf: the evidence binds each line to its place in the log
        const [a, b] = r.events;
        const rootHash = root._tag === 'Right' ? root.right : new Uint8Array();
        const otherLeaf = fromHex(b!.leafHash, 32);
        expect(
          verifyInclusion({
            index: a!.leafIndex,
            treeSize: r.checkpoint.treeHead.size,
            proof: a!.inclusionProof.map((h) => {
              const x = fromHex(h, 32);
              return x._tag === 'Right' ? x.right : new Uint8Array();
            }),
            root: rootHash,
            leafHash: otherLeaf._tag === 'Right' ? otherLeaf.right : new Uint8Array(),
          }),
        ).toBe(false);
      },
      T,
    );

    it(
      'given an unknown run, when its record-keeping is asked for, then it exits 4',
      async () => {
        const r = await cairn(dir, env, 'record-keeping', 'no-such-run');
        expect(r.code).toBe(4);
        expect(r.stderr).toContain('no-such-run');
      },
      T,
    );
  });
}
