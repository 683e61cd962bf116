// Answers pinned to a log position, kept as they were sent. Such an answer can never change (it is
// sent `immutable`), so a repeat of the same URL and Accept is sent from here: no asOf to resolve,
// no query, no serialising. Bounded by bytes, least recently used first out; an answer larger
// than a tenth of the budget is not kept (it would push out many small ones).
import type { PinnedAnswer } from './respond.js';

export const DEFAULT_PINNED_BYTES = 32 * 1024 * 1024;

export interface PinnedAnswers {
  get(key: string): PinnedAnswer | undefined;
  set(key: string, answer: PinnedAnswer): void;
  readonly bytes: number;
}

export function pinnedAnswers(budget = DEFAULT_PINNED_BYTES): PinnedAnswers {
  const held = new Map<string, PinnedAnswer>();
  let bytes = 0;
  const sizeOf = (key: string, a: PinnedAnswer) => 2 * (key.length + a.body.length) + 64;
  return {
    get(key) {
      const a = held.get(key);
      if (a === undefined) return undefined;
      held.delete(key);
      held.set(key, a);
      return a;
    },
    set(key, answer) {
      const size = sizeOf(key, answer);
      if (size > budget / 10 || held.has(key)) return;
      held.set(key, answer);
      bytes += size;
      for (const [k, a] of held) {
        if (bytes <= budget) break;
        held.delete(k);
        bytes -= sizeOf(k, a);
      }
    },
    get bytes() {
      return bytes;
    },
  };
}
