// A pool of worker threads (prepare-worker.mjs) that take the per-row CPU of a bulk contribution
// off the main thread (the workers themselves are worker-pool.ts's): decoding each payload, hashing its signing bytes into its id (and the id
// into its seal's leaf hash) and sealing its sample bytes. The main thread keeps what must stay there: building the envelopes, their
// canonical form (only @cairn/core writes the text the log stores), the rules and the append.
// Rows travel by structured clone, so only plain JSON data is sent (a class instance or a getter
// could clone into a value the codec judges differently); anything else is prepared in line.
import { createRequire } from 'node:module';
import type { DecodeFailure } from '@cairn/schemas';
import type { IdError } from '@cairn/core';
import { createWorkerPool } from '../worker-pool.js';

export interface PrepareRow {
  readonly type: string;
  readonly payload: unknown;
  /** A sample's bytes, sealed by the worker. */
  readonly bytes?: Uint8Array;
}

export interface PreparedRow {
  readonly eventId: string;
  readonly signingBytes: Uint8Array;
  /** The id's leaf hash in a seal's tree (RFC 6962: SHA-256(0x00 || id)), as core's sealRootOf hashes it. */
  readonly leafHash: Uint8Array;
  /** The sample bytes sealed under `dataKey` (nonce ‖ ciphertext ‖ tag), for a sample. */
  readonly sealed?: { readonly dataKey: Uint8Array; readonly ciphertext: Uint8Array };
}

/** The first row the codec or the id refused, by its index in the call. */
export interface PrepareFailure {
  readonly at: number;
  readonly kind: 'decode' | 'id';
  readonly error: DecodeFailure | IdError;
}

export interface PreparedRows {
  /** One per row before the first failure (all of them when there is none). */
  readonly rows: readonly PreparedRow[];
  readonly failure?: PrepareFailure;
}

export interface PreparePool {
  readonly size: number;
  /** Undefined when a row is not plain JSON data: the caller prepares the batch in line. */
  prepare(rows: readonly PrepareRow[], signer: string): Promise<PreparedRows> | undefined;
  close(): Promise<void>;
}

/** prepare-worker.mjs's job: the rows, their sample bytes packed in one buffer. */
interface Job {
  readonly signer: string;
  readonly rows: readonly { readonly type: string; readonly payload: unknown }[];
  readonly bytes: Uint8Array;
  readonly bytesAt: Uint32Array;
  readonly hasBytes: Uint8Array;
}

interface Reply {
  readonly count: number;
  readonly ids: readonly string[];
  readonly leaves: Uint8Array;
  readonly signing: Uint8Array;
  readonly signingAt: Uint32Array;
  readonly keys: Uint8Array;
  readonly sealed: Uint8Array;
  readonly sealedAt: Uint32Array;
  readonly failure?: PrepareFailure;
}

const WORKER_URL = new URL('./prepare-worker.mjs', import.meta.url);
/** Rows per message: enough to amortise the hop, few enough that both workers share a batch. */
const CHUNK = 250;
const KEY_BYTES = 32;

/** The workers seal with libsodium; without its addon there is no pool (the in-line path seals). */
function sodiumLoads(): boolean {
  try {
    createRequire(import.meta.url)('sodium-native');
    return true;
  } catch {
    return false;
  }
}

/** Whether a value survives a structured clone as the same JSON data (see the header). */
function isPlainData(value: unknown, depth = 0): boolean {
  if (value === null || value === undefined) return true;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return true;
    case 'object': {
      // Deeper than any payload the schemas accept: the codec refuses it, in line.
      if (depth > 100) return false;
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) return false;
        for (let i = 0; i < value.length; i++) if (!isPlainData(value[i], depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) {
        if (!Object.hasOwn(value, key)) return false;
        const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
        if (!('value' in descriptor) || !isPlainData(descriptor.value, depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

export function createPreparePool(options: { readonly size?: number } = {}): PreparePool | undefined {
  if (!sodiumLoads()) return undefined;
  const pool = createWorkerPool<Job, Reply>({ name: 'ingest prepare', url: WORKER_URL, ...options });

  const post = (rows: readonly PrepareRow[], signer: string): Promise<Reply> => {
    // The sample bytes go packed in one transferred buffer: a typed array per row costs a buffer
    // on each side, and a view clones its whole underlying buffer.
    const n = rows.length;
    const bytesAt = new Uint32Array(n + 1);
    const hasBytes = new Uint8Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      bytesAt[i] = total;
      const bytes = rows[i]!.bytes;
      if (bytes !== undefined) {
        hasBytes[i] = 1;
        total += bytes.length;
      }
    }
    bytesAt[n] = total;
    const bytes = new Uint8Array(total);
    const bare: { readonly type: string; readonly payload: unknown }[] = [];
    for (let i = 0; i < n; i++) {
      const row = rows[i]!;
      if (row.bytes !== undefined) bytes.set(row.bytes, bytesAt[i]!);
      bare.push({ type: row.type, payload: row.payload });
    }
    return pool.run({ signer, rows: bare, bytes, bytesAt, hasBytes }, [bytes.buffer, bytesAt.buffer, hasBytes.buffer]);
  };

  const rowsOf = (reply: Reply, out: PreparedRow[]): void => {
    for (let i = 0; i < reply.count; i++) {
      const from = reply.sealedAt[i]!;
      const to = reply.sealedAt[i + 1]!;
      const signingBytes = reply.signing.subarray(reply.signingAt[i], reply.signingAt[i + 1]);
      const eventId = reply.ids[i]!;
      const leafHash = reply.leaves.subarray(i * 32, (i + 1) * 32);
      out.push(
        to > from
          ? {
              eventId,
              signingBytes,
              leafHash,
              sealed: {
                // Copies: a stored key or blob does not pin the whole reply's buffer.
                dataKey: reply.keys.slice(i * KEY_BYTES, (i + 1) * KEY_BYTES),
                ciphertext: reply.sealed.slice(from, to),
              },
            }
          : { eventId, signingBytes, leafHash },
      );
    }
  };

  return {
    size: pool.size,
    prepare: (rows, signer) => {
      for (const row of rows) if (!isPlainData(row.payload)) return undefined;
      const chunks: Promise<Reply>[] = [];
      for (let start = 0; start < rows.length; start += CHUNK) chunks.push(post(rows.slice(start, start + CHUNK), signer));
      return Promise.all(chunks).then((replies) => {
        const out: PreparedRow[] = [];
        for (const [c, reply] of replies.entries()) {
          rowsOf(reply, out);
          // Chunks are in row order: the first chunk that failed holds the batch's first failure.
          if (reply.failure) return { rows: out, failure: { ...reply.failure, at: c * CHUNK + reply.failure.at } };
        }
        return { rows: out };
      });
    },
    close: () => pool.close(),
  };
}
