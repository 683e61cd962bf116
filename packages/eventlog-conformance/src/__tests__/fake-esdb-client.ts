// An in-process stand-in for the slice of @eventstore/db-client the adapter calls (and the calls
// the adapter made before, so a test can show what old code did). It keeps the server's rules
// that matter here: appends are atomic per stream and check the expected revision, `$>` links
// resolve on reads that ask for it, and $all holds every record in commit order. Switches model
// the situations of the findings: a connection that drops after N appends, a user who may not
// read $all, a server too old to return positions on stream reads, reads that keep failing.
import {
  AccessDeniedError,
  ANY,
  BACKWARDS,
  END,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  type AppendExpectedRevision,
  type EventData,
} from '@eventstore/db-client';

export interface FakeRecord {
  readonly streamId: string;
  readonly id: string;
  readonly revision: bigint;
  readonly type: string;
  readonly isJson: boolean;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly created: Date;
  readonly position?: { readonly commit: bigint; readonly prepare: bigint };
}

interface Resolved {
  event?: FakeRecord;
  link?: FakeRecord;
  commitPosition?: bigint;
}

export interface FakeEsdbOptions {
  /** Appends that succeed before every later append fails as if the connection dropped. */
  failAppendsAfter?: number;
  /** The user may not read $all (a non-admin user on a secured server). */
  admin?: boolean;
  /** Stream reads return records without their transaction-file position (servers before 22.6). */
  positionsOnStreamReads?: boolean;
  /** Every read fails with this error. */
  failReads?: Error;
}

const clone = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

export class FakeEsdbClient {
  readonly streams = new Map<string, FakeRecord[]>();
  readonly all: FakeRecord[] = [];
  appends = 0;
  disposed = false;

  constructor(public options: FakeEsdbOptions = {}) {}

  async appendToStream(streamName: string, events: EventData | EventData[], options: { expectedRevision?: AppendExpectedRevision } = {}) {
    if (this.options.failAppendsAfter !== undefined && this.appends >= this.options.failAppendsAfter)
      throw new UnavailableError(undefined as never, 'connection dropped');
    this.appends++;
    const list = Array.isArray(events) ? events : [events];
    const stream = this.streams.get(streamName) ?? [];
    const current = stream.length === 0 ? NO_STREAM : BigInt(stream.length - 1);
    const expected = options.expectedRevision ?? ANY;
    const ok =
      expected === ANY ||
      (expected === NO_STREAM && current === NO_STREAM) ||
      (expected === STREAM_EXISTS && current !== NO_STREAM) ||
      (typeof expected === 'bigint' && expected === current);
    if (!ok) throw new WrongExpectedVersionError(undefined, { streamName, expected, current });
    for (const event of list) {
      const commit = BigInt(this.all.length + 1) * 100n;
      const isJson = event.contentType === 'application/json';
      const record: FakeRecord = {
        streamId: streamName,
        id: event.id,
        revision: BigInt(stream.length),
        type: event.type,
        isJson,
        data: isJson ? clone(event.data) : event.data,
        metadata: clone(event.metadata),
        created: new Date(),
        position: { commit, prepare: commit },
      };
      stream.push(record);
      this.all.push(record);
    }
    this.streams.set(streamName, stream);
    const last = stream[stream.length - 1]!;
    return { success: true as const, nextExpectedRevision: last.revision, position: last.position };
  }

  private resolve(record: FakeRecord, resolveLinkTos: boolean, forStreamRead: boolean): Resolved {
    const shown = forStreamRead && this.options.positionsOnStreamReads === false ? { ...record, position: undefined } : record;
    if (!resolveLinkTos || record.type !== '$>') return { event: shown };
    const [revision, ...rest] = new TextDecoder().decode(record.data as Uint8Array).split('@');
    const target = this.streams.get(rest.join('@'))?.[Number(revision)];
    if (!target) return { link: shown };
    const targetShown = forStreamRead && this.options.positionsOnStreamReads === false ? { ...target, position: undefined } : target;
    return { event: targetShown, link: shown };
  }

  readStream(
    streamName: string,
    options: {
      fromRevision?: bigint | typeof START | typeof END;
      direction?: string;
      maxCount?: number | bigint;
      resolveLinkTos?: boolean;
    } = {},
  ) {
    const failure = this.options.failReads;
    const records = this.streams.get(streamName);
    const backwards = options.direction === BACKWARDS;
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const from = options.fromRevision ?? (backwards ? END : START);
    const resolve = (record: FakeRecord) => this.resolve(record, options.resolveLinkTos ?? false, true);
    return (async function* () {
      if (failure) throw failure;
      if (!records) throw new StreamNotFoundError(undefined, streamName);
      const ordered = backwards ? [...records].reverse() : records;
      let count = 0;
      for (const record of ordered) {
        if (count >= max) return;
        if (typeof from === 'bigint' && (backwards ? record.revision > from : record.revision < from)) continue;
        count++;
        yield resolve(record);
      }
    })();
  }

  readAll(
    options: {
      fromPosition?: { commit: bigint; prepare: bigint } | typeof START | typeof END;
      direction?: string;
      maxCount?: number | bigint;
    } = {},
  ) {
    const failure =
      this.options.failReads ??
      (this.options.admin === false ? new AccessDeniedError(undefined as never, 'read access to $all denied') : undefined);
    const backwards = options.direction === BACKWARDS;
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const from = options.fromPosition ?? (backwards ? END : START);
    const all = this.all;
    return (async function* () {
      if (failure) throw failure;
      const ordered = backwards ? [...all].reverse() : all;
      let count = 0;
      for (const record of ordered) {
        if (count >= max) return;
        const at = record.position!.commit;
        if (typeof from === 'object' && (backwards ? at > from.commit : at < from.commit)) continue;
        count++;
        yield { event: record, commitPosition: at };
      }
    })();
  }

  subscribeToAll(options: { fromPosition?: { commit: bigint; prepare: bigint } | typeof START } = {}) {
    const failure =
      this.options.failReads ??
      (this.options.admin === false ? new AccessDeniedError(undefined as never, 'read access to $all denied') : undefined);
    const all = this.all;
    let stopped = false;
    const iterator = (async function* () {
      if (failure) throw failure;
      let index = 0;
      while (!stopped) {
        const record = all[index];
        if (record === undefined) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          continue;
        }
        index++;
        const from = options.fromPosition;
        if (typeof from === 'object' && record.position!.commit <= from.commit) continue;
        yield { event: record, commitPosition: record.position!.commit };
      }
    })();
    return Object.assign(iterator, {
      unsubscribe: async () => {
        stopped = true;
      },
    });
  }

  async dispose() {
    this.disposed = true;
  }

  /** The same server seen through other switches (another user, a failing connection). */
  as(options: FakeEsdbOptions): FakeEsdbClient {
    const view = Object.create(this) as FakeEsdbClient;
    view.options = options;
    return view;
  }

  /** The records of a stream as stored (links unresolved). */
  stream(name: string): readonly FakeRecord[] {
    return this.streams.get(name) ?? [];
  }
}
