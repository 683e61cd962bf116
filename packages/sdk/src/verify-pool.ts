// A small pool of worker threads that verify Ed25519 signatures for bulk ingest. Verification
// is the ceiling of signed ingest (~9k/s per core on node:crypto, ~18k/s on libsodium), so the pool keeps every core
// busy while the main thread decodes, hashes and checks references. Jobs are packed into a few
// flat typed arrays so that posting a chunk of hundreds of signatures costs one structured clone.
// Starting, dealing jobs to and failing the workers is worker-pool.ts's.
import { verify as verifyStrict, isSha256Hex } from '@cairn/core';
import { createWorkerPool } from './worker-pool.js';

export { defaultPoolSize } from './worker-pool.js';

export interface SignatureCheck {
  /** 64 lowercase hex (32 bytes). */
  readonly publicKey: string;
  /** 128 lowercase hex (64 bytes). */
  readonly signature: string;
  readonly message: Uint8Array;
}

export interface VerifyPool {
  readonly size: number;
  /** One verdict per check, in order, equal to core's verifyFast. Malformed hex is simply invalid. */
  verify(checks: readonly SignatureCheck[]): Promise<readonly boolean[]>;
  close(): Promise<void>;
}

/** verify-worker.mjs's job: the checks packed into flat buffers. */
interface VerifyJob {
  readonly count: number;
  readonly pks: Buffer;
  readonly sigs: Buffer;
  readonly msgs: Uint8Array;
  readonly offsets: Uint32Array;
}

const SIGNATURE_HEX = /^[0-9a-f]{128}$/;
/** Enough work per message to amortise the hop (~100 µs of verifying), small enough to balance. */
const CHUNK = 256;

const WORKER_URL = new URL('./verify-worker.mjs', import.meta.url);

export function createVerifyPool(options: { readonly size?: number } = {}): VerifyPool {
  const pool = createWorkerPool<VerifyJob, Uint8Array>({ name: 'verify', url: WORKER_URL, ...options });

  const post = (checks: readonly SignatureCheck[], valid: Uint8Array, indexes: readonly number[]): Promise<Uint8Array> => {
    const n = indexes.length;
    // Hex goes straight into the transferred buffers (checked as lowercase hex before).
    const pks = Buffer.from(new ArrayBuffer(n * 32));
    const sigs = Buffer.from(new ArrayBuffer(n * 64));
    const offsets = new Uint32Array(n + 1);
    let total = 0;
    for (let k = 0; k < n; k++) total += checks[indexes[k]!]!.message.length;
    const msgs = new Uint8Array(total);
    let at = 0;
    for (let k = 0; k < n; k++) {
      const c = checks[indexes[k]!]!;
      pks.write(c.publicKey, k * 32, 32, 'hex');
      sigs.write(c.signature, k * 64, 64, 'hex');
      offsets[k] = at;
      msgs.set(c.message, at);
      at += c.message.length;
    }
    offsets[n] = at;
    return pool.run({ count: n, pks, sigs, msgs, offsets }, [pks.buffer, sigs.buffer, msgs.buffer, offsets.buffer]).then((verdicts) => {
      for (let k = 0; k < n; k++) valid[indexes[k]!] = verdicts[k]!;
      return verdicts;
    });
  };

  return {
    size: pool.size,
    verify: async (checks) => {
      const valid = new Uint8Array(checks.length);
      const jobs: Promise<Uint8Array>[] = [];
      let chunk: number[] = [];
      for (let i = 0; i < checks.length; i++) {
        const c = checks[i]!;
        // Malformed hex never reaches a worker: it is invalid by definition.
        if (!isSha256Hex(c.publicKey) || !SIGNATURE_HEX.test(c.signature)) continue;
        chunk.push(i);
        if (chunk.length === CHUNK) {
          jobs.push(post(checks, valid, chunk));
          chunk = [];
        }
      }
      if (chunk.length > 0) jobs.push(post(checks, valid, chunk));
      await Promise.all(jobs);
      // 2 = the native check said no: confirm with core's strict verifier, as core's verifyFast does.
      return Array.from(valid, (v, i) => {
        if (v !== 2) return v === 1;
        const c = checks[i]!;
        return verifyStrict(Buffer.from(c.signature, 'hex'), c.message, Buffer.from(c.publicKey, 'hex'));
      });
    },
    close: () => pool.close(),
  };
}
