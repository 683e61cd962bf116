// The embedded log's database thread (plain ESM: worker threads do not load TypeScript). PGlite
// runs Postgres as WebAssembly on whichever thread calls it; here that is this worker, so the
// caller's event loop keeps decoding, hashing and checking while Postgres parses and writes.
// The caller (./worker-executor.ts) serialises access with its own mutex, so messages arrive
// one transaction at a time and in order.
// Request: { id, op: 'query' | 'statement' | 'packed' | 'begin' | 'commit' | 'rollback' | 'close', text?, params?, blob?, packing? }
// Reply:   { id, rows? } ('statement': also affectedRows?, command?, rowCount?; 'packed': rows, or unsplittable: true)
//          or { id, error: { message, code?, constraint?, detail?, name } }
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

// startParams and initDbStartParams: the caller's (./start-params.ts), so both threads open (and make)
// the folder alike. int8AsText: int8 as decimal text, as pg returns it (a parser is a function,
// which cannot cross threads).
const parsers = workerData.int8AsText ? { parsers: { 20: (x) => x } } : {};
const db = await PGlite.create(
  workerData.dataDir === 'memory://'
    ? parsers
    : { dataDir: workerData.dataDir, startParams: workerData.startParams, initDbStartParams: workerData.initDbStartParams, ...parsers },
);
/** The open transaction: PGlite's handle inside db.transaction and how to end it. */
let open;

class RolledBack extends Error {}

function errorOf(e) {
  const error = { name: e?.name ?? 'Error', message: e instanceof Error ? e.message : String(e) };
  for (const field of ['code', 'constraint', 'detail', 'severity', 'table', 'column', 'schema'])
    if (typeof e?.[field] === 'string') error[field] = e[field];
  return error;
}

async function begin() {
  const tx = {};
  let started;
  const inside = new Promise((resolve) => (started = resolve));
  tx.done = db.transaction(
    (handle) =>
      new Promise((commit, rollback) => {
        Object.assign(tx, { handle, commit, rollback });
        started();
      }),
  );
  // A BEGIN that fails rejects `done` before the callback ran.
  await Promise.race([inside, tx.done]);
  open = tx;
}

/**
 * The rows of a packed read (SqlExecutor.queryPacked in ../sql/executor.ts): each result row is
 * `n` rows' fields, each field ended by the separator. Split here, on the database's thread, so
 * neither PGlite's per-field parsing nor this split costs the caller's. Null when a chunk holds
 * more separators than its fields end (some text held one): then no split is certain.
 */
function unpack(chunks, { separator, fields }) {
  const width = fields.length;
  const rows = [];
  for (const { n, packed } of chunks) {
    const parts = packed.split(separator);
    if (parts.length !== n * width + 1) return null;
    for (let at = 0; at < parts.length - 1; at += width) {
      const row = {};
      for (let f = 0; f < width; f++) {
        const { name, as } = fields[f];
        const text = parts[at + f];
        // As PGlite parses a bool and a timestamptz.
        row[name] = as === 'boolean' ? text === 'true' : as === 'timestamptz' ? new Date(text) : text;
      }
      rows.push(row);
    }
  }
  return rows;
}

async function handle({ op, text, params, blob, packing }) {
  switch (op) {
    case 'query':
      return { rows: (await (open ? open.handle : db).query(text, params)).rows };
    case 'packed': {
      const rows = unpack((await (open ? open.handle : db).query(text, params)).rows, packing);
      return rows === null ? { unsplittable: true } : { rows };
    }
    case 'statement': {
      // blob: COPY data, read by a `copy ... from '/dev/blob'` statement.
      const r = await (open ? open.handle : db).query(text, params, blob === undefined ? undefined : { blob: new Blob([blob]) });
      return { rows: r.rows, affectedRows: r.affectedRows, command: r.command, rowCount: r.rowCount };
    }
    case 'begin':
      await begin();
      return undefined;
    case 'commit': {
      const tx = open;
      open = undefined;
      tx.commit();
      await tx.done; // a failing COMMIT is the caller's error
      return undefined;
    }
    case 'rollback': {
      const tx = open;
      open = undefined;
      tx.rollback(new RolledBack());
      await tx.done.catch((e) => {
        if (!(e instanceof RolledBack)) throw e;
      });
      return undefined;
    }
    case 'close':
      await db.close();
      return undefined;
    default:
      throw new TypeError(`unknown op ${op}`);
  }
}

parentPort.on('message', async (request) => {
  try {
    const result = await handle(request);
    parentPort.postMessage({ id: request.id, ...result });
  } catch (e) {
    parentPort.postMessage({ id: request.id, error: errorOf(e) });
  }
});
parentPort.postMessage({ ready: true });
