// The pipeline group's same-run baselines, one per child process so each has its own peak RSS and
// none shares a PGlite instance with the bench process:
//   node baseline.js read STORE             a raw ordered read of the log (the batch size verify
//                                           reads in) plus SHA-256 of every event's stored text
//   node baseline.js append STORE TARGET    appendMany of the very events of STORE's log, in
//                                           seal-sized chunks, into a fresh log at TARGET (a
//                                           folder, or postgres://…#schema)
//   node baseline.js rebuild STORE          every projection rebuilt from zero into a scratch
//                                           schema, as the runner rebuilds (no comparison)
// Each prints one JSON line {seconds, events} on stdout; only the measured part is timed.
import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { openCairn } from '@cairn/client';
import { openEmbeddedEventLog, openPostgresEventLog, type AppendRequest, type EventLog, type RecordedEvent } from '@cairn/eventlog';

const READ_BATCH = 2000;
const APPEND_CHUNK = 1000;

async function* scan(log: EventLog): AsyncGenerator<readonly RecordedEvent[]> {
  let after: bigint | null = null;
  for (;;) {
    const read = await log.readAll({ after, limit: READ_BATCH });
    if (E.isLeft(read)) throw new Error(`baseline: the log cannot be read: ${read.left._tag}`);
    if (read.right.length === 0) return;
    yield read.right;
    after = read.right[read.right.length - 1]!.position;
  }
}

async function openStore(store: string) {
  const opened = await openCairn({ store, env: process.env, verifyWorkers: 0 });
  if (E.isLeft(opened)) throw new Error(`baseline: cannot open ${store}: ${opened.left.message}`);
  return opened.right;
}

async function read(store: string): Promise<{ seconds: number; events: number }> {
  const cairn = await openStore(store);
  try {
    const t0 = performance.now();
    let events = 0;
    for await (const batch of scan(cairn.ledger.log)) {
      for (const e of batch) createHash('sha256').update(e.storedData).digest();
      events += batch.length;
    }
    return { seconds: (performance.now() - t0) / 1000, events };
  } finally {
    await cairn.close();
  }
}

async function openTarget(target: string): Promise<EventLog> {
  if (!/^postgres(ql)?:\/\//.test(target)) return openEmbeddedEventLog({ dataDir: target });
  const [url, schema] = target.split('#');
  return openPostgresEventLog({ connectionString: url! }, schema ? { schema } : {});
}

async function append(store: string, target: string): Promise<{ seconds: number; events: number }> {
  const cairn = await openStore(store);
  const events: RecordedEvent[] = [];
  try {
    for await (const batch of scan(cairn.ledger.log)) events.push(...batch);
  } finally {
    await cairn.close();
  }
  const log = await openTarget(target);
  try {
    const t0 = performance.now();
    for (let from = 0; from < events.length; from += APPEND_CHUNK) {
      const requests: AppendRequest[] = events
        .slice(from, from + APPEND_CHUNK)
        .map((e) => ({ stream: e.stream, events: [{ id: e.id, type: e.type, data: e.data }] }));
      const r = await log.appendMany(requests);
      if (E.isLeft(r)) throw new Error(`baseline: append failed: ${r.left._tag}`);
    }
    return { seconds: (performance.now() - t0) / 1000, events: events.length };
  } finally {
    await log.close();
  }
}

async function rebuild(store: string): Promise<{ seconds: number; events: number }> {
  const cairn = await openStore(store);
  const scratch = `bench_pipeline_rebuild_${process.pid}`;
  try {
    const head = await cairn.ledger.log.head();
    if (E.isLeft(head)) throw new Error('baseline: no head');
    let seconds = 0;
    for (const p of cairn.projections) {
      const t0 = performance.now();
      const r = await cairn.runner.rebuild(p.name, { schema: scratch });
      seconds += (performance.now() - t0) / 1000;
      if (E.isLeft(r)) throw new Error(`baseline: rebuild of ${p.name} failed: ${r.left.message}`);
      await cairn.store.db.schema.dropSchema(scratch).ifExists().cascade().execute();
    }
    return { seconds, events: Number(head.right ?? 0n) };
  } finally {
    await cairn.store.db.schema.dropSchema(scratch).ifExists().cascade().execute();
    await cairn.close();
  }
}

const [mode, store, target] = process.argv.slice(2);
if (store === undefined || (mode === 'append' && target === undefined)) {
  console.error('usage: baseline.js read|append|rebuild STORE [TARGET]');
  process.exit(2);
}
try {
  const result = mode === 'read' ? await read(store) : mode === 'append' ? await append(store, target!) : await rebuild(store);
  console.log(JSON.stringify(result));
  // Whatever a closed store leaves behind (a worker thread winding down) must not hold the bench up.
  process.exit(0);
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
}
