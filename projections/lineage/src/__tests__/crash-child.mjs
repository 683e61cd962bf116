// The crash test's child: appends a deterministic log while a runner follows it, and (when told)
// SIGKILLs itself at the Nth step of the runner — after reading a batch, after claiming the
// checkpoint, in the middle of applying a batch, after applying but before commit, after commit.
// Runs the built package (dist/), as a real deployment would.
import { openEmbeddedEventLog, openPostgresEventLog } from '@cairn/eventlog';
import { createProjectionRunner, openProjectionStore, syntheticLineageLog, appendRequestFor } from '@cairn/projector';
import { lineageProjection } from '../../dist/index.js';

const env = (name) => {
  const v = process.env[name];
  if (v === undefined) throw new Error(`crash-child: ${name} is not set`);
  return v;
};
const total = Number(env('CRASH_TOTAL'));
const chunk = Number(env('CRASH_CHUNK'));
const batchSize = Number(env('CRASH_BATCH'));
const killAt = process.env.CRASH_KILL_AT_STEP === undefined ? undefined : Number(process.env.CRASH_KILL_AT_STEP);

let steps = 0;
const step = () => {
  steps += 1;
  if (killAt !== undefined && steps >= killAt) process.kill(process.pid, 'SIGKILL');
};

// Applying a batch in two halves is the same as applying it whole (projections must not depend
// on batch boundaries), and gives the kill a point inside the handler's work.
const lineage = {
  ...lineageProjection,
  apply: async (tx, events) => {
    const half = Math.ceil(events.length / 2);
    await lineageProjection.apply(tx, events.slice(0, half));
    step();
    if (half < events.length) await lineageProjection.apply(tx, events.slice(half));
  },
};

function parse(spec) {
  const [kind, rest] = [spec.slice(0, spec.indexOf(':')), spec.slice(spec.indexOf(':') + 1)];
  const [where, schema] = rest.split('|');
  return { kind, where, schema };
}

const logSpec = parse(env('CRASH_LOG'));
const storeSpec = parse(env('CRASH_STORE'));
const log =
  logSpec.kind === 'pglite'
    ? await openEmbeddedEventLog({ dataDir: logSpec.where })
    : await openPostgresEventLog({ connectionString: logSpec.where }, { schema: logSpec.schema });
const store =
  storeSpec.kind === 'pglite'
    ? await openProjectionStore({ dataDir: storeSpec.where })
    : await openProjectionStore({ connectionString: storeSpec.where, schema: storeSpec.schema });

let failure;
const runner = createProjectionRunner({
  log,
  store,
  projections: [lineage],
  batchSize,
  atStep: () => step(),
  onError: (e) => (failure = e),
});
process.stdout.write('ready\n');

const started = await runner.start();
if (started._tag === 'Left') throw new Error(started.left.message);

const synthetic = syntheticLineageLog('crash');
for (let from = 0; from < total; from += chunk) {
  const requests = [];
  for (let i = from; i < Math.min(total, from + chunk); i++) requests.push(appendRequestFor(synthetic.event(i)));
  const appended = await log.appendMany(requests);
  if (appended._tag === 'Left') throw new Error(`append of chunk at ${from} failed: ${JSON.stringify(appended.left)}`);
  await new Promise((resolve) => setTimeout(resolve, 5));
}

for (;;) {
  if (failure) throw new Error(failure.message);
  const status = await runner.status();
  if (status._tag === 'Left') throw new Error(status.left.message);
  if (status.right.projections.every((p) => p.caughtUp)) break;
  await new Promise((resolve) => setTimeout(resolve, 20));
}
await runner.stop();
await store.close();
await log.close();
process.stdout.write('done\n');
