// Child process for the upgrade spec: migrates the log in the given folder with the package's own
// migration, on a PGlite of its own, and kills itself (SIGKILL: no rollback, no shutdown
// checkpoint) right after the k-th statement of the migration's transaction returns, or, when k
// is past the last one, right after the migration commits. A kill from inside lands at the same
// point on every run, however loaded the machine. Before a kill after the commit it prints the
// statements it ran, as one JSON line.
import { PGlite } from '@electric-sql/pglite';
import { logTables, migrateEventLog } from '@cairn/eventlog';

const [dataDir, killAfterText] = process.argv.slice(2);
const killAfter = Number(killAfterText);
const die = () => {
  process.kill(process.pid, 'SIGKILL');
  // The signal is on its way: nothing more may run meanwhile.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
};

const db = await PGlite.create({ dataDir });
const statements = [];
await migrateEventLog(
  {
    query: async (text, params) => (await db.query(text, params)).rows,
    transaction: (fn) =>
      db.transaction((tx) =>
        fn({
          query: async (text, params) => {
            const rows = (await tx.query(text, params)).rows;
            statements.push(text);
            if (statements.length === killAfter) die();
            return rows;
          },
        }),
      ),
  },
  logTables('public'),
);
process.stdout.write(`${JSON.stringify(statements)}\n`);
die();
