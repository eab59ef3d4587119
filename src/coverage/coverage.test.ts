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
  // gcovr 5.2 --print-summary: its table (a TOTAL line), then the summary; nothing instrumented is no figure.
  const gcovr = 'File    Lines    Exec  Cover   Missing\nhello.c     6       5    83%   9\nTOTAL       6       5    83%\n'
    + '------\nlines: 83.3% (5 out of 6)\nfunctions: 100.0% (1 out of 1)\nbranches: 50.0% (1 out of 2)\n';
  assert.equal(parseCoverage(gcovr), 83.3);
  assert.equal(parseCoverage('lines: 0.0% (0 out of 0)\nfunctions: 0.0% (0 out of 0)\n'), undefined);
  // c8 --reporter=text-summary
  const c8 = '=============================== Coverage summary ===============================\n'
    + 'Statements   : 85.71% ( 12/14 )\nBranches     : 100% ( 2/2 )\nFunctions    : 66.66% ( 2/3 )\nLines        : 85.71% ( 12/14 )\n'
    + '================================================================================\n';
  assert.equal(parseCoverage(c8), 85.71);
  assert.equal(parseCoverage('Lines        : Unknown% ( 0/0 )\n'), undefined);
});

test('test commands become measuring ones; a build.test that runs no known runner is refused', () => {
  assert.deepEqual(COVERAGE_LANGUAGES, [...CONFIG_LANGUAGES], 'the config accepts exactly the languages with a tool');
  const go = measuringTests('go', ['PATH=x; CGO_ENABLED=0 go test -trimpath ./...']);
  assert.equal(go.commands[0], 'PATH=x; CGO_ENABLED=0 go test -coverprofile=/tmp/airlock-cover.out -trimpath ./... '
    + '&& go tool cover -func=/tmp/airlock-cover.out');
  const py = measuringTests('python', ['python3 -m unittest discover -s tests -v']).commands[0]!;
  assert.match(py, /^COVERAGE_FILE=\S+ python3 -m coverage run --source=\. .* -m unittest discover -s tests -v && COVERAGE_FILE=\S+ python3 -m coverage report$/);
  assert.throws(() => measuringTests('go', ['make check']), (e) => e instanceof AirlockError && e.code === 'coverage-unmeasurable');
  assert.throws(() => measuringTests('rust', ['cargo test']), (e) => e instanceof AirlockError && e.exitCode === 2);
});

test('C and C++: one step rebuilds the pristine source with --coverage, runs the tests there, then gcovr', () => {
  const build = ['./configure --prefix=/usr', 'make -j$(nproc)', 'make install DESTDIR="$AIRLOCK_OUT"'];
  const m = measuringTests('c', ['make check', 'sh tests/extra.sh'], build);
  assert.equal(m.pristine, true);
  assert.equal(m.tool, 'gcovr');
  assert.equal(m.commands.length, 1, 'the tests run once, in the instrumented build');
  const lines = m.commands[0]!.split('\n');
  assert.deepEqual(lines.slice(0, 5), [
    'rm -rf /tmp/airlock-coverage /tmp/airlock-coverage-out', 'cp -a /airlock/pristine/. /tmp/airlock-coverage/',
    'cd /tmp/airlock-coverage',
    'export AIRLOCK_OUT=/tmp/airlock-coverage-out CFLAGS="${CFLAGS:-} --coverage" CXXFLAGS="${CXXFLAGS:-} --coverage"'
      + ' LDFLAGS="${LDFLAGS:-} --coverage"',
    'mkdir -p "$AIRLOCK_OUT"',
  ]);
  const body = m.commands[0]!;
  const order = [...build, 'make check', 'sh tests/extra.sh', 'gcovr'].map((c) => body.indexOf(c));
  assert.deepEqual(order, [...order].sort((a, b) => a - b), 'build steps, then tests, then gcovr');
  assert.ok(order.every((i) => i >= 0));
  assert.match(body, /\ngcovr --root \. --exclude '\(\.\+\/\)\?tests\?\/' --print-summary$/);
  assert.deepEqual(measuringTests('cpp', ['ctest --test-dir build'], ['cmake -S . -B build']).pristine, true);
  assert.throws(() => measuringTests('c', [], build), (e) => e instanceof AirlockError && e.code === 'coverage-unmeasurable');
});

test('Node.js: c8, pinned, fetched into the build notes by an added fetch step, wraps npm test or node --test', () => {
  const m = measuringTests('node', ['npm test --workspace=packages/api']);
  assert.deepEqual(m.fetch, [
    'npm install --prefix "$AIRLOCK_OUT/.airlock/c8" --no-save --no-package-lock --no-audit --no-fund c8@10.1.3']);
  assert.deepEqual(m.commands,
    ['"$AIRLOCK_OUT/.airlock/c8"/node_modules/.bin/c8 --reporter=text-summary npm test --workspace=packages/api']);
  assert.equal(m.tool, 'c8 10.1.3');
  assert.match(measuringTests('node', ['node --test test/']).commands[0]!, /c8 --reporter=text-summary node --test test\/$/);
  assert.throws(() => measuringTests('node', ['echo "no tests (no test script in package.json)"']),
    (e) => e instanceof AirlockError && e.code === 'coverage-unmeasurable' && /npm test or node --test/.test(e.hint ?? ''));
});
