// Prints the one line CI counts ("N passed, N failed") from vitest's JSON report.
// A missing or unreadable report is itself a failure: say so instead of printing a zero count.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'vitest-report.json';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (e) {
  console.error(`test-summary: cannot read ${file}: ${e.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
console.log(`${report.numPassedTests} passed, ${report.numFailedTests} failed`);
