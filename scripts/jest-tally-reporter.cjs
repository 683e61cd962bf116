// Writes each package's pass/fail counts to .test-results/ so .ci/run can print one
// closing line ("tests: N passed, N failed") for the whole monorepo, and each test file's time,
// so the run can name its slowest files (where CI's time goes).
const fs = require('node:fs');
const path = require('node:path');

class TallyReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }
  onRunComplete(_contexts, results) {
    const dir = path.resolve(__dirname, '..', '.test-results');
    fs.mkdirSync(dir, { recursive: true });
    const name = path.relative(path.resolve(__dirname, '..'), this.rootDir).replace(/[\\/]/g, '_') || 'root';
    fs.writeFileSync(
      path.join(dir, `${name}.json`),
      JSON.stringify({
        package: name,
        passed: results.numPassedTests,
        failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
        skipped: results.numPendingTests + results.numTodoTests,
        files: results.testResults.map((r) => ({
          file: path.relative(path.resolve(__dirname, '..'), r.testFilePath),
          seconds: (r.perfStats.end - r.perfStats.start) / 1000,
        })),
      }),
    );
  }
}
module.exports = TallyReporter;
