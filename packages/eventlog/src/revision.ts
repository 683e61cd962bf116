import type { ExpectedRevision } from './port.js';

/** The stream's current state: the revision of its last event, or no stream at all. */
export type CurrentRevision = bigint | 'no-stream';

export function satisfies(expected: ExpectedRevision, current: CurrentRevision): boolean {
  switch (expected.kind) {
    case 'any':
      return true;
    case 'no-stream':
      return current === 'no-stream';
    case 'stream-exists':
      return current !== 'no-stream';
    case 'exact':
      return current === expected.revision;
  }
}
