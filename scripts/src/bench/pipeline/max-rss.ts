// Preloaded (node --import) into every process the pipeline group times: writes the process's
// peak resident set (KiB) and CPU time (user and system, µs), every thread's (PGlite's
// WebAssembly heap and the worker pool included), to CAIRN_BENCH_RSS_FILE when it exits, however
// it exits. CPU time says what a stage costs when a loaded machine stretches its wall time.
import { writeFileSync } from 'node:fs';

const file = process.env.CAIRN_BENCH_RSS_FILE;
if (file)
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, `${u.maxRSS} ${u.userCPUTime + u.systemCPUTime}`);
  });
