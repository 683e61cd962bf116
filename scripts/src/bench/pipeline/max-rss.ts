// Preloaded (node --import) into every process the pipeline group times: writes the process's
// peak resident set (KiB, every thread's: PGlite's WebAssembly heap and the worker pool included)
// to CAIRN_BENCH_RSS_FILE when it exits, however it exits.
import { writeFileSync } from 'node:fs';

const file = process.env.CAIRN_BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
