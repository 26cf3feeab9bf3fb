// Records each Jest run's counts in tmp/test-results/ so `npm test` can print one closing line for
// the whole workspace ("N passed, N failed") after Nx has run every project.
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

class SummaryReporter {
  constructor(globalConfig) {
    this.globalConfig = globalConfig;
  }

  onRunComplete(_contexts, results) {
    const dir = join(__dirname, '..', '..', 'tmp', 'test-results');
    mkdirSync(dir, { recursive: true });
    const name = (this.globalConfig.rootDir ?? 'root').replace(/[^A-Za-z0-9]+/g, '_');
    const summary = {
      rootDir: this.globalConfig.rootDir,
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
    };
    writeFileSync(join(dir, `${name}.json`), JSON.stringify(summary));
  }
}

module.exports = SummaryReporter;
