// Invalid signatures cost the verifier's time and prove nothing about the sender, so each client
// (by address) has a small budget of them: a token bucket, one token per refused signature. A
// client out of tokens is answered 429 before its batch is verified; honest writers elsewhere
// never wait on it.
export interface FailureBudget {
  /** Refused signatures a client may send at once. */
  readonly burst: number;
  /** Tokens a client gets back per second. */
  readonly refillPerSecond: number;
}

export const DEFAULT_FAILURE_BUDGET: FailureBudget = { burst: 20, refillPerSecond: 1 };

/** Clients remembered at most; past it the ones with a full bucket (nothing to remember) are dropped. */
const MAX_CLIENTS = 10_000;

export interface FailureLimiter {
  /** Seconds until the client may try again, or undefined when it may now. */
  blocked(client: string): number | undefined;
  /** Charges the client for one refused signature. */
  failed(client: string): void;
}

export function failureLimiter(budget: FailureBudget, now: () => number = Date.now): FailureLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const current = (client: string) => {
    const b = buckets.get(client);
    if (b === undefined) return budget.burst;
    return Math.min(budget.burst, b.tokens + ((now() - b.at) / 1000) * budget.refillPerSecond);
  };
  return {
    blocked: (client) => {
      const tokens = current(client);
      return tokens >= 1 ? undefined : Math.ceil((1 - tokens) / budget.refillPerSecond);
    },
    failed: (client) => {
      if (buckets.size >= MAX_CLIENTS) for (const key of buckets.keys()) if (current(key) >= budget.burst) buckets.delete(key);
      buckets.set(client, { tokens: Math.max(0, current(client) - 1), at: now() });
    },
  };
}
