// Addresses become file names and object keys, so anything but a 64-hex id is refused before it
// can climb out of the store's folder ('../').
import { isSha256Hex } from '@cairn/core';

export function assertAddress(address: string): void {
  if (!isSha256Hex(address)) throw new TypeError(`storage address must be 64 lowercase hex, got ${JSON.stringify(address)}`);
}
