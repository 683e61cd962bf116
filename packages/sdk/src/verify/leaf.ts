// The log leaf of an event whose id verify has just recomputed (core's eventLeafHash, RFC 6962
// leaf over id || signature, or id || seal id || index for a sealed CF), built from the id's
// digest bytes in one reused buffer: verify hashes a leaf per event, and the hex round trips and
// the allocations of the general path were a large part of its own cost. The seal's id repeats
// for every CF of its batch, so its bytes are decoded once per seal.
import { sha256 } from '@cairn/core';

const HEX64 = /^[0-9a-f]{64}$/;
const HEX128 = /^[0-9a-f]{128}$/;

export interface LeafHasher {
  /**
   * The leaf of an event with this id (its 32 digest bytes) and stored envelope, or null when the
   * envelope's signature or seal is not well-formed (as eventLeafHash answers).
   */
  leafOf(idBytes: Uint8Array, data: unknown): Uint8Array | null;
}

export function createLeafHasher(): LeafHasher {
  // 0x00 || id || (signature | seal id || index): 97 or 73 bytes, written in place each time.
  const signedInput = Buffer.alloc(1 + 32 + 64);
  const sealedInput = Buffer.alloc(1 + 32 + 32 + 8);
  let sealHex: string | undefined;
  return {
    leafOf(idBytes, data) {
      const envelope = data as { signature?: unknown; seal?: { id?: unknown; index?: unknown } } | null;
      const signature = envelope?.signature;
      if (typeof signature === 'string') {
        if (envelope?.seal !== undefined || !HEX128.test(signature)) return null;
        signedInput.set(idBytes, 1);
        signedInput.write(signature, 33, 64, 'hex');
        return sha256(signedInput);
      }
      const seal = envelope?.seal;
      const id = seal?.id;
      const index = seal?.index;
      if (typeof id !== 'string' || typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0) return null;
      if (id !== sealHex) {
        if (!HEX64.test(id)) return null;
        sealedInput.write(id, 33, 32, 'hex');
        sealHex = id;
      }
      sealedInput.set(idBytes, 1);
      sealedInput.writeBigUInt64BE(BigInt(index), 65);
      return sha256(sealedInput);
    },
  };
}
