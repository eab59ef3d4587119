// Test counts and coverage totals read from real runners' output, and the measuring commands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COVERAGE_LANGUAGES as CONFIG_LANGUAGES } from '../config/deploy-schema.js';
import { AirlockError } from '../errors.js';
import { COVERAGE_LANGUAGES, measuringTests } from './measure.js';
import { parseCoverage, parseTestCounts } from './parse.js';

test('counts from unittest, pytest, node --test, cargo, ctest, automake, Maven and go test -v', () => {
  assert.deepEqual(parseTestCounts('...\n----------------------------------------------------------------------\nRan 5 tests in 0.002s\n\nFAILED (failures=1, skipped=1)\n'),
    { passed: 3, failed: 1, skipped: 1 });
  assert.deepEqual(parseTestCounts('Ran 2 tests in 0.001s\n\nOK\n'), { passed: 2, failed: 0, skipped: 0 });
  assert.deepEqual(parseTestCounts('..s\n3 passed, 1 skipped in 0.05s\n'), { passed: 3, failed: 0, skipped: 1 });
  assert.deepEqual(parseTestCounts('# tests 4\n# pass 3\n# fail 1\n# skipped 0\n'), { passed: 3, failed: 1 });
  assert.deepEqual(parseTestCounts('test result: ok. 4 passed; 0 failed; 1 ignored; 0 measured\ntest result: ok. 2 passed; 1 failed; 0 ignored'),
    { passed: 6, failed: 1, skipped: 1 });
  assert.deepEqual(parseTestCounts('100% tests passed, 0 tests failed out of 7\n'), { passed: 7, failed: 0 });
  assert.deepEqual(parseTestCounts('# TOTAL: 3\n# PASS:  2\n# SKIP:  1\n# XFAIL: 0\n# FAIL:  0\n'), { passed: 2, failed: 0, skipped: 1 });
  assert.deepEqual(parseTestCounts('[INFO] Tests run: 5, Failures: 1, Errors: 0, Skipped: 1\n'), { passed: 3, failed: 1, skipped: 1 });
  assert.deepEqual(parseTestCounts('=== RUN   TestA\n--- PASS: TestA (0.00s)\n    --- SKIP: TestA/sub (0.00s)\n'), { passed: 1, failed: 0, skipped: 1 });
  assert.equal(parseTestCounts('ok  \texample.com/go-api\t0.01s\n'), undefined, 'go test without -v prints no counts');
});

test('the coverage total of go tool cover -func and coverage report (the last one printed)', () => {
  const go = 'example.com/x/main.go:10:\tanswer\t100.0%\nexample.com/x/main.go:20:\tmain\t0.0%\ntotal:\t\t\t(statements)\t42.9%\n';
  assert.equal(parseCoverage(go), 42.9);
  const py = 'Name         Stmts   Miss  Cover\n--------------------------------\ngreeting.py      4      0   100%\nmain.py         20     11    45%\n'
    + '--------------------------------\nTOTAL           24     11    54%\n';
  assert.equal(parseCoverage(py), 54);
  assert.equal(parseCoverage('ok example.com/x 0.1s\n'), undefined);
});

test('test commands become measuring ones; a build.test that runs no known runner is refused', () => {
  assert.deepEqual(COVERAGE_LANGUAGES, [...CONFIG_LANGUAGES], 'the config accepts exactly the languages with a tool');
  const go = measuringTests('go', ['PATH=x; CGO_ENABLED=0 go test -trimpath ./...']);
  assert.equal(go.commands[0], 'PATH=x; CGO_ENABLED=0 go test -coverprofile=/tmp/airlock-cover.out -trimpath ./... '
    + '&& go tool cover -func=/tmp/airlock-cover.out');
  const py = measuringTests('python', ['python3 -m unittest discover -s tests -v']).commands[0]!;
  assert.match(py, /^COVERAGE_FILE=\S+ python3 -m coverage run --source=\. .* -m unittest discover -s tests -v && COVERAGE_FILE=\S+ python3 -m coverage report$/);
  assert.throws(() => measuringTests('go', ['make check']), (e) => e instanceof AirlockError && e.code === 'coverage-unmeasurable');
  assert.throws(() => measuringTests('c', ['make check']), (e) => e instanceof AirlockError && e.exitCode === 2);
});
