import { describe, expect, it } from '@jest/globals';
import { ANY, NO_STREAM, STREAM_EXISTS, UnavailableError, WrongExpectedVersionError } from '@eventstore/db-client';
import { ExpectedRevision } from '../port.js';
import { fromEsdbCurrentRevision, fromEsdbEvent, toEsdbExpectedRevision, toEsdbMetadata, translateEsdbError, uuidFromEventId, type EsdbRecorded } from './mapping.js';

const id = 'a3f1'.repeat(16);

describe('EventStoreDB mapping', () => {
  it('given a content id, when mapped to a UUID, then it is a deterministic RFC 9562 version-8 UUID built from the id prefix', () => {
    const uuid = uuidFromEventId(id);
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidFromEventId(id)).toBe(uuid);
    expect(uuid.replace(/-/g, '').slice(0, 12)).toBe(id.slice(0, 12));
    expect(uuidFromEventId('0'.repeat(63) + '1')).not.toBe(uuidFromEventId('1' + '0'.repeat(63)));
  });

  it('given something that is not an event id, when mapped to a UUID, then it throws (a programmer error)', () => {
    expect(() => uuidFromEventId('xyz')).toThrow(RangeError);
  });

  it('given each expected revision kind, when mapped, then it becomes the client constant or the bigint', () => {
    expect(toEsdbExpectedRevision(ExpectedRevision.any)).toBe(ANY);
    expect(toEsdbExpectedRevision(ExpectedRevision.noStream)).toBe(NO_STREAM);
    expect(toEsdbExpectedRevision(ExpectedRevision.streamExists)).toBe(STREAM_EXISTS);
    expect(toEsdbExpectedRevision(ExpectedRevision.exact(41n))).toBe(41n);
    expect(fromEsdbCurrentRevision(7n)).toBe(7n);
    expect(fromEsdbCurrentRevision(NO_STREAM)).toBe('no-stream');
  });

  it('given a WrongExpectedVersionError, when translated, then WrongExpectedRevision carries the actual revision', () => {
    const error = new WrongExpectedVersionError(undefined, { streamName: 'cf-x', expected: NO_STREAM, current: 3n });
    expect(translateEsdbError(error, { stream: 'cf-x', expected: ExpectedRevision.noStream })).toEqual({
      _tag: 'WrongExpectedRevision',
      stream: 'cf-x',
      expected: ExpectedRevision.noStream,
      actual: 3n,
    });
    const none = new WrongExpectedVersionError(undefined, { streamName: 's', expected: 0n, current: NO_STREAM });
    expect(translateEsdbError(none, { stream: 's', expected: ExpectedRevision.exact(0n) })).toMatchObject({ actual: 'no-stream' });
  });

  it('given a connection failure, when translated, then Unavailable; given a TypeError, then it is rethrown', () => {
    const unavailable = new UnavailableError(undefined as never);
    expect(translateEsdbError(unavailable, { stream: 's', expected: ExpectedRevision.any })._tag).toBe('Unavailable');
    expect(translateEsdbError(new Error('socket hang up'), { stream: 's', expected: ExpectedRevision.any })).toMatchObject({
      _tag: 'Unavailable',
      reason: 'socket hang up',
    });
    expect(() => translateEsdbError(new TypeError('bug'), { stream: 's', expected: ExpectedRevision.any })).toThrow(TypeError);
  });

  it('given an ESDB event with Cairn metadata, when mapped, then the RecordedEvent has the full id, user metadata and commit position', () => {
    const created = new Date('2026-01-02T03:04:05Z');
    const event: EsdbRecorded = {
      streamId: 'cf-abc',
      revision: 0n,
      type: 'SampleContributed',
      isJson: true,
      data: { size: 3 },
      metadata: toEsdbMetadata(id, { traceId: 't' }),
      created,
      position: { commit: 1234n, prepare: 1234n },
    };
    expect(fromEsdbEvent(event)).toEqual({
      id,
      type: 'SampleContributed',
      data: { size: 3 },
      storedData: '{"size":3}',
      metadata: { traceId: 't' },
      stream: 'cf-abc',
      revision: 0n,
      position: 1234n,
      recordedAt: created,
    });
    expect(fromEsdbEvent({ ...event, metadata: toEsdbMetadata(id, undefined) })).not.toHaveProperty('metadata');
  });

  it('given system events or events without Cairn metadata, when mapped, then they are dropped', () => {
    const base: EsdbRecorded = {
      streamId: 'cf-abc',
      revision: 0n,
      type: 'T',
      isJson: true,
      data: {},
      metadata: { cairnId: id },
      created: new Date(),
      position: { commit: 1n, prepare: 1n },
    };
    expect(fromEsdbEvent({ ...base, streamId: '$stats-127.0.0.1:2113' })).toBeUndefined();
    expect(fromEsdbEvent({ ...base, type: '$metadata' })).toBeUndefined();
    expect(fromEsdbEvent({ ...base, metadata: { other: 1 } })).toBeUndefined();
    expect(fromEsdbEvent(base)).toBeDefined();
  });
});
