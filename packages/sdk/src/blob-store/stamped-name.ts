// Names of batch files and segments: the sealing's time (µs, fixed width; see Sealing in
// ../key-store/port.ts) then a random UUID. retain removes only copies older than its own
// sealing; names without a time were written before it existed and count as oldest.
import { randomUUID } from 'node:crypto';
import path from 'node:path';

const STAMPED = /^(\d{17})-/;

/** Now, in microseconds since the epoch: a crashed run and its retry can fall in one millisecond. */
export function sealingStamp(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

export function stampedName(extension: string, stamp: number = sealingStamp()): string {
  return `${String(stamp).padStart(17, '0')}-${randomUUID()}${extension}`;
}

/** The sealing time a stamped file name carries (µs), 0 for an unstamped one. */
export function stampOf(file: string): number {
  const match = STAMPED.exec(path.basename(file));
  return match ? Number(match[1]) : 0;
}
