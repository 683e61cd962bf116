import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from '@jest/globals';
import { openEmbeddedEventLog, openEmbeddedEventLogWithSql, type EventLog, type SqlExecutor } from '@cairn/eventlog';
import { eventLogConformanceSuite } from './suite.js';

// initdb dominates PGlite's start-up, so each test gets a copy of one freshly migrated, empty
// data directory instead of a new one (the durability test still closes and reopens its copy).
const root = await mkdtemp(path.join(tmpdir(), 'cairn-pglite-'));
let template: Promise<string> | undefined;
function emptyLogDir(): Promise<string> {
  template ??= (async () => {
    const dir = path.join(root, 'template');
    await (await openEmbeddedEventLog({ dataDir: dir })).close();
    return dir;
  })();
  return template;
}
let copies = 0;
const queries = new WeakMap<object, () => SqlExecutor['query']>();
// Made before the first test, under its own time limit: on a loaded machine initdb alone can take
// most of a test's minute, which would fail whichever test happened to run first.
beforeAll(() => emptyLogDir(), 300_000);
afterAll(() => rm(root, { recursive: true, force: true }));

// PGlite on its own worker thread (the default) and on the caller's thread: one suite for both.
for (const thread of ['worker', 'caller'] as const) {
  eventLogConformanceSuite(
    `pglite (${thread} thread)`,
    async () => {
      const dataDir = path.join(root, `log-${copies++}`);
      await cp(await emptyLogDir(), dataDir, { recursive: true });
      const opened = await openEmbeddedEventLogWithSql({ dataDir, thread });
      let log: EventLog = opened.log;
      let query: SqlExecutor['query'] = opened.query;
      const subject = {
        get log() {
          return log;
        },
        reopen: async () => {
          await log.close();
          ({ log, query } = await openEmbeddedEventLogWithSql({ dataDir, thread }));
          return log;
        },
        cleanup: async () => {
          await log.close();
          await rm(dataDir, { recursive: true, force: true });
        },
      };
      queries.set(subject, () => query);
      return subject;
    },
    {
      reopenable: true,
      modelRuns: 15,
      // One PGlite runs one transaction at a time: eight writers of three rounds already queue every
      // kind of append behind the others and the pollers' reads; Postgres runs the full size.
      pollingLoad: { writers: 8, rounds: 3 },
      breakReads: async (subject) => {
        await queries.get(subject)!()('alter table cairn_log rename to cairn_log_unreachable');
      },
    },
  );
}
