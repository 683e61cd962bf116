import { createHash, randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type { EventLog, EventLogError, JsonValue, NewEvent, RecordedEvent } from '@cairn/eventlog';
import type { ConformanceFactory, ConformanceSubject } from './subject.js';

const runTag = randomUUID();

/** A content-derived-looking id unique to this test run. */
export function eventId(label: string): string {
  return createHash('sha256').update(`${runTag}/${label}`).digest('hex');
}

let counter = 0;
/** A fresh event with a unique id; `data` defaults to a small body naming it. */
export function newEvent(type = 'SampleContributed', data?: JsonValue, metadata?: JsonValue): NewEvent {
  const label = `e${counter++}`;
  const event = { id: eventId(label), type, data: data ?? { label, n: counter } };
  return metadata === undefined ? event : { ...event, metadata };
}

export function uniqueStream(prefix = 'cf'): string {
  return `${prefix}-${randomUUID()}`;
}

export function showError(e: EventLogError): string {
  return JSON.stringify(e, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

export function right<A>(result: E.Either<EventLogError, A>): A {
  if (E.isLeft(result)) throw new Error(`expected success, got ${showError(result.left)}`);
  return result.right;
}

export function left<A>(result: E.Either<EventLogError, A>): EventLogError {
  if (E.isRight(result)) throw new Error('expected a failure, got success');
  return result.left;
}

export async function readAll(log: EventLog): Promise<readonly RecordedEvent[]> {
  return right(await log.readAll());
}

/** Runs `body` against a fresh subject and always cleans up. */
export async function withSubject(factory: ConformanceFactory, body: (subject: ConformanceSubject) => Promise<void>): Promise<void> {
  const subject = await factory();
  try {
    await body(subject);
  } finally {
    await subject.cleanup();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Collects `count` events from a subscription (or fails after `timeoutMs`), then closes it. */
export async function collect(iterable: AsyncIterable<RecordedEvent> & { close(): Promise<void> }, count: number, timeoutMs = 20_000) {
  const seen: RecordedEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`subscription delivered ${seen.length} of ${count} events in ${timeoutMs} ms`)), timeoutMs);
  });
  const consume = (async () => {
    for await (const event of iterable) {
      seen.push(event);
      if (seen.length >= count) break;
    }
  })();
  try {
    await Promise.race([consume, timeout]);
  } finally {
    clearTimeout(timer);
    await iterable.close();
  }
  return seen;
}
