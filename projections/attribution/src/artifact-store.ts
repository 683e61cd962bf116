// Gradient and feature artifacts live outside the log, addressed by the SHA-256 of their bytes.
// The port is two functions; a folder adapter (`<dir>/artifacts/<sha256>.npy`) and an in-memory
// one for tests implement it. Both check the hash on read, so a corrupt file can never be scored.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { isSha256Hex, sha256Hex } from '@cairn/core';
import type { ArtifactError } from './errors.js';

export interface ArtifactStore {
  /** Stores the bytes (write-once: storing the same bytes again is a no-op) and returns their SHA-256. */
  put(bytes: Uint8Array): Promise<string>;
  /** The bytes whose SHA-256 is `contentHash`, checked, or why not. */
  get(contentHash: string): Promise<Either<ArtifactError, Uint8Array>>;
}

function checkHash(contentHash: string): void {
  if (!isSha256Hex(contentHash)) throw new Error(`contentHash: expected 64 lowercase hex characters, got ${JSON.stringify(contentHash)}`);
}

const missing = (contentHash: string, where: string): Either<ArtifactError, never> =>
  left({ _tag: 'ArtifactMissing', contentHash, message: `artifact ${contentHash} is not in ${where}` });

function verified(contentHash: string, bytes: Uint8Array, where: string): Either<ArtifactError, Uint8Array> {
  const actualHash = sha256Hex(bytes);
  if (actualHash === contentHash) return right(bytes);
  return left({
    _tag: 'ArtifactCorrupt',
    contentHash,
    actualHash,
    message: `artifact ${contentHash} in ${where} is corrupt: its bytes hash to ${actualHash}`,
  });
}

/** Artifacts in memory (tests); `bytes()` exposes the map so a test can damage an entry. */
export function createInMemoryArtifactStore(): ArtifactStore & { readonly bytes: Map<string, Uint8Array> } {
  const bytes = new Map<string, Uint8Array>();
  return {
    bytes,
    put: async (data) => {
      const hash = sha256Hex(data);
      if (!bytes.has(hash)) bytes.set(hash, Uint8Array.from(data));
      return hash;
    },
    get: async (contentHash) => {
      checkHash(contentHash);
      const found = bytes.get(contentHash);
      return found === undefined
        ? missing(contentHash, 'the in-memory artifact store')
        : verified(contentHash, found, 'the in-memory artifact store');
    },
  };
}

/** `<dir>/artifacts/<sha256>.npy`: written to a temporary name and renamed, so a reader never sees half a file. */
export function createFolderArtifactStore(dir: string): ArtifactStore {
  const folder = join(dir, 'artifacts');
  const pathOf = (hash: string) => join(folder, `${hash}.npy`);
  return {
    put: async (data) => {
      const hash = sha256Hex(data);
      await mkdir(folder, { recursive: true });
      const existing = await readFile(pathOf(hash)).catch(() => undefined);
      if (existing !== undefined && sha256Hex(existing) === hash) return hash;
      const temporary = join(folder, `.${hash}.${randomBytes(6).toString('hex')}.tmp`);
      try {
        await writeFile(temporary, data, { flag: 'wx' });
        await rename(temporary, pathOf(hash));
      } finally {
        await rm(temporary, { force: true });
      }
      return hash;
    },
    get: async (contentHash) => {
      checkHash(contentHash);
      let data: Uint8Array;
      try {
        data = await readFile(pathOf(contentHash));
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return missing(contentHash, folder);
        throw cause;
      }
      return verified(contentHash, new Uint8Array(data.buffer, data.byteOffset, data.byteLength), folder);
    },
  };
}
