// A kernel worker: its own instance of the shared kernel module over the shared memory. It runs
// the batch of raw calls it is sent, in order, and reports back. Plain JS so it runs unchanged
// from src/ (tests) and dist/.
import { parentPort, workerData } from 'node:worker_threads';

const instance = new WebAssembly.Instance(workerData.module, { env: { memory: workerData.memory } });
const exports = instance.exports;

parentPort.on('message', (job) => {
  try {
    for (const task of job.tasks) exports[task.fn](...task.args);
    parentPort.postMessage({ id: job.id, ok: true });
  } catch (error) {
    parentPort.postMessage({ id: job.id, ok: false, error: String(error && error.stack ? error.stack : error) });
  }
});
