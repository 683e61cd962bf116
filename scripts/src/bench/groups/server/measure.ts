// How the server bench measures a run: over HTTP with autocannon, or the library in-process with
// the same number of callers, each run counting a fixed number of answers.
import autocannon from 'autocannon';
import * as E from 'fp-ts/lib/Either.js';

export interface Load {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  /** Requests not answered within TIMEOUT_S (counted, not in the latencies). */
  readonly timeouts: number;
  /** How long the run took. */
  readonly seconds: number;
}

const TIMEOUT_S = 120;

/**
 * How a measured run is sized: by the answers it counts, not by a clock. A run cut at a time
 * leaves the requests then in flight uncounted, and at 64 connections of a question answered in
 * seconds that is a large and varying share of a short window; a run of a fixed number of
 * answers counts every one it asked. Each run asks for `rounds` answers per connection at least
 * (a request waits for about `connections` others ahead of it, so that is `rounds` times its
 * latency under load) and for about `seconds` at the rate seen, within `maxSeconds`.
 */
export interface Sizing {
  readonly seconds: number;
  readonly rounds: number;
  readonly minRounds: number;
  readonly maxSeconds: number;
}

/** Answers to count at `connections`, given the rate (answers/s) a shorter run of the same question saw. */
export function answersFor(sizing: Sizing, connections: number, rate: number): number {
  const wanted = Math.max(sizing.rounds * connections, Math.ceil(sizing.seconds * rate));
  if (wanted / rate <= sizing.maxSeconds) return wanted;
  return Math.max(sizing.minRounds * connections, Math.floor(sizing.maxSeconds * rate));
}

export async function cannon(
  base: string,
  paths: readonly string[],
  connections: number,
  run: { readonly amount: number } | { readonly seconds: number },
  headers?: Record<string, string>,
): Promise<Load> {
  // The URLs in turn across all connections, as the library's callers take the questions: given
  // the list, each connection would walk it from the start, all asking the same URL at the same
  // time, so the server would meet runs of the dearest question (a why-not) the library never does.
  let next = 0;
  const result = await autocannon({
    url: base,
    connections,
    ...('amount' in run ? { amount: run.amount } : { duration: run.seconds }),
    timeout: TIMEOUT_S,
    requests: [
      { method: 'GET', ...(headers ? { headers } : {}), setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length]! }) },
    ],
  });
  // a 304 is the answer a conditional repeat wants; anything else not 2xx is a failed run
  const refused = result.non2xx - (headers ? result['3xx'] : 0);
  if (result.errors - result.timeouts > 0 || refused > 0)
    throw new Error(`server bench: ${paths[0]} at ${connections} conns: ${result.errors} errors, ${refused} refusals`);
  const elapsed = (result.finish.getTime() - result.start.getTime()) / 1000;
  return {
    rps: result.requests.total / elapsed,
    p50: result.latency.p50,
    p99: result.latency.p99,
    timeouts: result.timeouts,
    seconds: elapsed,
  };
}

/** The library in-process: `concurrency` callers, each calling the next question as soon as its last answered, until `answers` are in. */
export async function inProcess(
  calls: readonly (() => Promise<E.Either<unknown, unknown>>)[],
  concurrency: number,
  answers: number,
  untilSeconds = Infinity,
): Promise<Load> {
  const latencies: number[] = [];
  const start = performance.now();
  const until = start + untilSeconds * 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < answers && performance.now() < until) {
        const call = calls[next++ % calls.length]!;
        const t0 = performance.now();
        const answer = await call();
        if (E.isLeft(answer))
          throw new Error(
            `in-process question: ${JSON.stringify(answer.left, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`,
          );
        latencies.push(performance.now() - t0);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const elapsed = (performance.now() - start) / 1000;
  return { rps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), timeouts: 0, seconds: elapsed };
}
