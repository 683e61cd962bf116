// The worker's half of worker-pool.ts (plain ESM: worker threads cannot load TypeScript).
// `handle(job)` returns `{ reply, transfer }`: the reply, and the buffers in it to move back
// rather than copy. A handler that throws answers its job with the reason, and the worker goes on
// serving: one bad job fails its caller, not the jobs queued behind it.
// Message: { id, job }. Answer: { id, reply } or { id, threw: string }.
import { parentPort } from 'node:worker_threads';

export function serve(handle) {
  if (!parentPort) return;
  const port = parentPort;
  port.on('message', ({ id, job }) => {
    let done;
    try {
      done = handle(job);
    } catch (error) {
      port.postMessage({ id, threw: error instanceof Error ? error.message : String(error) });
      return;
    }
    port.postMessage({ id, reply: done.reply }, done.transfer ?? []);
  });
}
