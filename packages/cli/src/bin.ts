#!/usr/bin/env node
import { main } from './program.js';

const code = await main(process.argv);
// Exit once stdout has drained: an open database handle must not keep a finished command alive.
process.stdout.write('', () => process.exit(code));
