#!/usr/bin/env node
import v8 from 'node:v8';
import { main } from './program.js';

// An embedded store is PGlite: Postgres compiled to WebAssembly. V8 runs each wasm function on
// its baseline compiler first and recompiles the ones that ran a while with its optimising
// compiler, on background threads. Opening a database runs enough start-up code, once, to send
// many large functions there: CPU a one-shot command pays for code it never runs again. A larger
// budget keeps run-once code on the baseline tier while the hot loops of a long import or
// catch-up still reach the optimising one. Set before any database opens (compiling is lazy, at
// the first open); worker threads share the process's flags.
v8.setFlagsFromString('--wasm-tiering-budget=100000000');

const code = await main(process.argv);
// Exit once stdout has drained: an open database handle must not keep a finished command alive.
process.stdout.write('', () => process.exit(code));
