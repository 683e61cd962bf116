// A worker for worker-pool's spec: each job names what the worker does with it.
//   { echo: n }    answers n + 1 in a transferred buffer
//   { throw: m }   its handler throws an Error with message m (the worker lives on)
//   { exit: c }    ends the worker's thread with exit code c
//   { crash: m }   an uncaught error outside any handler: the worker dies
//   { spin: true } never answers (a loop only terminate() stops)
import { parentPort } from 'node:worker_threads';
import { serve } from '../worker-serve.mjs';

// Registered before serve's listener, which it keeps from answering: the worker dies with the job on it.
parentPort.addEventListener('message', (event) => {
  if (!('crash' in event.data.job)) return;
  event.stopImmediatePropagation();
  throw new Error(event.data.job.crash);
});

serve((job) => {
  if ('throw' in job) throw new Error(job.throw);
  if ('exit' in job) process.exit(job.exit);
  if ('spin' in job) for (;;);
  const out = new Uint32Array([job.echo + 1]);
  return { reply: out, transfer: [out.buffer] };
});
