// The on-disk form of a batch of key records, written by the folder KeyStore's putMany: one
// file per ingest batch, fsync'd once, instead of one fsync'd file per sample. Records have a
// fixed size so that shredding one is an overwrite in place at a known offset, exactly like
// shredding a one-sample file: the other keys in the file are untouched and the erased key's
// bytes are replaced, not merely unlinked.
//   record = state (1 byte: 0 shredded, 1 key, 2 key + salt) ‖ sampleId (32) ‖ dataKey (32) ‖ salt (32, zero if none)
import type { SampleKeyRecord } from './port.js';

export const RECORD_BYTES = 1 + 32 + 32 + 32;
export const SHREDDED = 0;
const KEY_ONLY = 1;
const KEY_AND_SALT = 2;
/** Offset of the key material (dataKey ‖ salt) inside a record: what shredding overwrites. */
export const SECRET_OFFSET = 1 + 32;
export const SECRET_BYTES = 64;

export interface BatchKeyEntry {
  readonly sampleId: string;
  readonly record: SampleKeyRecord;
}

export function encodeKeyBatch(entries: readonly BatchKeyEntry[]): Uint8Array {
  const out = new Uint8Array(entries.length * RECORD_BYTES);
  entries.forEach(({ sampleId, record }, i) => {
    if (record.dataKey.length !== 32) throw new TypeError('dataKey must be 32 bytes');
    if (record.salt !== undefined && record.salt.length !== 32) throw new TypeError('salt must be 32 bytes');
    const at = i * RECORD_BYTES;
    out[at] = record.salt ? KEY_AND_SALT : KEY_ONLY;
    out.set(Buffer.from(sampleId, 'hex'), at + 1);
    out.set(record.dataKey, at + SECRET_OFFSET);
    if (record.salt) out.set(record.salt, at + SECRET_OFFSET + 32);
  });
  return out;
}

/** Every live record of a batch file with its byte offset; shredded records are skipped. */
export function* liveKeyRecords(bytes: Uint8Array): Generator<{ sampleId: string; offset: number; record: SampleKeyRecord }> {
  for (let at = 0; at + RECORD_BYTES <= bytes.length; at += RECORD_BYTES) {
    const state = bytes[at];
    if (state !== KEY_ONLY && state !== KEY_AND_SALT) continue;
    const dataKey = bytes.slice(at + SECRET_OFFSET, at + SECRET_OFFSET + 32);
    const sampleId = Buffer.from(bytes.subarray(at + 1, at + 33)).toString('hex');
    yield {
      sampleId,
      offset: at,
      record: state === KEY_AND_SALT ? { dataKey, salt: bytes.slice(at + SECRET_OFFSET + 32, at + RECORD_BYTES) } : { dataKey },
    };
  }
}
