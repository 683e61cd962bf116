import { describe, expect, it } from '@jest/globals';
import { MaxAppendSizeExceededError, NO_STREAM, UnavailableError, WrongExpectedVersionError } from '@eventstore/db-client';
import { ExpectedRevision, type EventId } from '../port.js';
import {
  fromEsdbCurrentRevision,
  fromLogRecord,
  linkData,
  logStreams,
  toLogEntry,
  translateEsdbError,
  uuidFromEventId,
  type EsdbRecorded,
} from './mapping.js';

const id = 'a3f1'.repeat(16) as EventId;

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

  it('given the client\'s current revision, when mapped, then a bigint stays and "no stream" becomes no-stream', () => {
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

  it('given a row, when written as a log entry and read back, then the entry has the id, stream, revision, canonical data and the log revision as position', () => {
    const created = new Date('2026-01-02T03:04:05Z');
    const row = {
      id,
      type: 'SampleContributed',
      data: '{"a":[1,"x"],"size":3}',
      metadata: '{"traceId":"t"}',
      stream: 'cf-abc',
      revision: 4n,
    };
    const written = toLogEntry(row);
    expect(written.metadata).toEqual({ cairnId: id, stream: 'cf-abc', revision: '4', metadata: { traceId: 't' } });
    // The server stores JSON; key order may change on the way, canonical text may not.
    const record: EsdbRecorded = {
      streamId: 'cairn.log',
      revision: 1234n,
      type: written.type,
      isJson: true,
      data: { size: 3, a: [1, 'x'] },
      metadata: written.metadata,
      created,
    };
    expect(fromLogRecord(record, 'cairn.log')).toEqual({ ...row, position: 1234n, recordedAt: created });
    expect(fromLogRecord({ ...record, metadata: toLogEntry({ ...row, metadata: null }).metadata }, 'cairn.log')).toMatchObject({
      metadata: null,
    });
  });

  it('given records that are not log entries of this log, when mapped, then they are dropped', () => {
    const base: EsdbRecorded = {
      streamId: 'cairn.log',
      revision: 0n,
      type: 'T',
      isJson: true,
      data: {},
      metadata: { cairnId: id, stream: 'cf-abc', revision: '0' },
      created: new Date(),
    };
    expect(fromLogRecord(base, 'cairn.log')).toBeDefined();
    expect(fromLogRecord(base, 'other.log')).toBeUndefined();
    expect(fromLogRecord({ ...base, streamId: '$stats-127.0.0.1:2113' }, 'cairn.log')).toBeUndefined();
    expect(fromLogRecord({ ...base, metadata: { other: 1 } }, 'cairn.log')).toBeUndefined();
    expect(fromLogRecord({ ...base, metadata: { cairnId: id, stream: 'cf-abc', revision: '-1' } }, 'cairn.log')).toBeUndefined();
    expect(fromLogRecord({ ...base, isJson: false }, 'cairn.log')).toBeUndefined();
  });

  it('given a log revision, when made a link body, then it is "<revision>@<log stream>" as ESDB resolves it', () => {
    expect(new TextDecoder().decode(linkData(42n, 'cairn.log'))).toBe('42@cairn.log');
    expect(logStreams('cairn')).toMatchObject({ prefix: 'cairn.', log: 'cairn.log', indexed: 'cairn.indexed' });
    expect(logStreams('cairn').byId(id)).toBe(`cairn.id-${id}`);
  });

  it('given a MaxAppendSizeExceededError, when translated, then InvalidEvent says to split the batch', () => {
    expect(
      translateEsdbError(MaxAppendSizeExceededError.fromMaxAppendSize(1024), { stream: 's', expected: ExpectedRevision.any }),
    ).toMatchObject({
      _tag: 'InvalidEvent',
      field: 'requests',
    });
  });
});
