// A small pool of worker threads that verify Ed25519 signatures for bulk ingest. Verification
// is the ceiling of signed ingest (~9k/s per core on node:crypto, ~18k/s on libsodium), so the pool keeps every core
// busy while the main thread decodes, hashes and checks references. Jobs are packed into a few
// flat typed arrays so that posting a chunk of hundreds of signatures costs one structured clone.
import { Worker } from 'node:worker_threads';
import os from 'node:os';
import { verify as verifyStrict, isSha256Hex } from '@cairn/core';

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

interface Pending {
  readonly resolve: (verdicts: Uint8Array) => void;
  readonly reject: (error: Error) => void;
}

const SIGNATURE_HEX = /^[0-9a-f]{128}$/;
/** Enough work per message to amortise the hop (~100 µs of verifying), small enough to balance. */
const CHUNK = 256;

const WORKER_URL = new URL('./verify-worker.mjs', import.meta.url);

export function defaultPoolSize(): number {
  return Math.max(1, os.availableParallelism());
}

export function createVerifyPool(options: { readonly size?: number } = {}): VerifyPool {
  const size = options.size ?? defaultPoolSize();
  const workers: Worker[] = [];
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let nextWorker = 0;
  let closed = false;

  const start = (): Worker => {
    const worker = new Worker(WORKER_URL);
    worker.unref();
    worker.on('message', (reply: { id: number; verdicts: Uint8Array }) => {
      const p = pending.get(reply.id);
      pending.delete(reply.id);
      if (pending.size === 0) for (const w of workers) w.unref();
      p?.resolve(reply.verdicts);
    });
    worker.on('error', (error) => {
      for (const p of pending.values()) p.reject(error);
      pending.clear();
    });
    return worker;
  };

  const post = (checks: readonly SignatureCheck[], valid: Uint8Array, indexes: readonly number[]): Promise<Uint8Array> => {
    if (workers.length < size) workers.push(start());
    const worker = workers[nextWorker++ % workers.length]!;
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
    const id = nextId++;
    for (const w of workers) w.ref();
    return new Promise<Uint8Array>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, count: n, pks, sigs, msgs, offsets }, [pks.buffer, sigs.buffer, msgs.buffer, offsets.buffer]);
    }).then((verdicts) => {
      for (let k = 0; k < n; k++) valid[indexes[k]!] = verdicts[k]!;
      return verdicts;
    });
  };

  return {
    size,
    verify: async (checks) => {
      if (closed) throw new Error('verify pool is closed');
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
    close: async () => {
      closed = true;
      await Promise.all(workers.map((w) => w.terminate()));
      workers.length = 0;
    },
  };
}
