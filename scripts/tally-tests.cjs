// Sums the per-package counts written by jest-tally-reporter.cjs into one closing line.
const fs = require('node:fs');
const path = require('node:path');
const dir = path.resolve(__dirname, '..', '.test-results');
let passed = 0,
  failed = 0,
  skipped = 0,
  packages = 0;
const files = [];
for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
  const r = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  passed += r.passed;
  failed += r.failed;
  skipped += r.skipped;
  packages += 1;
  files.push(...(r.files ?? []));
}
// Wall-clock seconds on whatever else the machine was doing: for seeing where the time goes.
const slowest = files.sort((a, b) => b.seconds - a.seconds).slice(0, 15);
if (slowest.length > 0) {
  console.log('\nslowest test files (s):');
  for (const f of slowest) console.log(`${f.seconds.toFixed(1).padStart(8)}  ${f.file}`);
}
console.log(`\n${packages} test packages`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (packages === 0 || passed === 0) {
  console.error('no test ran');
  process.exit(1);
}
process.exit(failed > 0 ? 1 : 0);
