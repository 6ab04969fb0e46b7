// The README's test command: type-check, build the declarations, run every vitest test, then print the
// plain `N passed, N failed` line that CI reads (vitest's own summary is not one).
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const extra = process.argv.slice(2);
const results = '.vitest-results.json';
rmSync(results, { force: true });

const tsc = spawnSync('npx', ['tsc', '-p', '.'], { stdio: 'inherit' });
if (tsc.status !== 0) {
  console.error('type-check failed');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// The plugin scaffold test type-checks against the published declarations: build them from the current sources.
const types = spawnSync('npm', ['run', 'build:types'], { stdio: 'inherit' });
if (types.status !== 0) {
  console.error('building the declarations (npm run build:types) failed');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const run = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${results}`, ...extra], { stdio: 'inherit' });
let passed = 0;
let failed = 0;
try {
  const r = JSON.parse(readFileSync(results, 'utf8'));
  passed = r.numPassedTests;
  // A file that fails to load has no test results of its own; count it once. (numFailedTestSuites
  // would also count every describe block around a failed test.)
  const brokenFiles = r.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
  failed = r.numFailedTests + brokenFiles;
} catch {
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(run.status === 0 && failed === 0 && passed > 0 ? 0 : 1);
