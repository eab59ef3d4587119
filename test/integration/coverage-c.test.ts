// build.coverage on a C project (a plain Makefile, a test runner under tests/): the test step rebuilds the pristine
// source with --coverage in the sandbox, runs `make check` there and gcovr prints the line total, which report.json
// keeps; tests/ is not counted; prod holds the real, uninstrumented build; a minimum above the figure fails (exit 6).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from '../helpers/cli.js';

const APP = `#include <stdio.h>
#include <string.h>

int length_of(const char *s) { return (int)strlen(s); }

int main(int argc, char **argv) {
    if (argc > 2) {
        puts("one argument, please");
        return 2;
    }
    printf("%d\\n", argc > 1 ? length_of(argv[1]) : 0);
    return 0;
}
`;
const RUNNER = `#include <stdio.h>
int main(void) { puts("runner: ok"); return 0; }
`;
const MAKEFILE = `CC ?= cc
CFLAGS ?= -O2
all: app
app: app.c
\t$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<
tests/runner: tests/runner.c
\t$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<
check: app tests/runner
\t./tests/runner
\ttest "$$(./app abcd)" = 4
install: app
\tinstall -D -m 0755 app $(DESTDIR)$(PREFIX)/bin/app
.PHONY: all check install
`;

describe('build.coverage on a C build (gcovr)', { timeout: 30 * 60_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'airlock-cover-c-'));
  const dir = join(root, 'app');
  let build: CliResult;
  let report: any;
  before(async () => {
    mkdirSync(join(dir, 'tests'), { recursive: true });
    writeFileSync(join(dir, 'app.c'), APP);
    writeFileSync(join(dir, 'tests', 'runner.c'), RUNNER);
    writeFileSync(join(dir, 'Makefile'), MAKEFILE);
    writeFileSync(join(dir, 'airlock.yaml'), [
      'name: cover-c', 'base_language: c', 'version: gcc-12', 'packages:', '  dev_packages: []', '  packages: []',
      'build:', '  coverage: {min: 50}', '',
    ].join('\n'));
    build = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', join(root, 'out'), '--no-cache']);
    if (build.code === 0) report = JSON.parse(readFileSync(join(root, 'out', 'report.json'), 'utf8'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('the instrumented rebuild ran the tests and gcovr measured the project, not its tests', () => {
    assert.equal(build.code, 0, build.stderr.slice(-3000));
    assert.match(build.stderr, /runner: ok/, 'make check ran in the coverage build');
    assert.match(build.stderr, /^app\.c\s+\d+\s+\d+\s+\d+%/m, 'gcovr lists app.c');
    assert.doesNotMatch(build.stderr, /^tests\/runner\.c\s/m, 'the test runner is not counted');
    const { tests } = report;
    assert.equal(tests.status, 'ran');
    assert.equal(tests.passed, true);
    assert.equal(tests.coverage.tool, 'gcovr');
    assert.ok(tests.coverage.percent > 50 && tests.coverage.percent < 100, JSON.stringify(tests));
    assert.match(build.stderr, new RegExp(`^lines: ${tests.coverage.percent.toFixed(1)}% \\(\\d+ out of \\d+\\)$`, 'm'));
  });

  test("prod's program is the real build: no gcov instrumentation, and it runs", () => {
    const bundle = join(root, 'bundle');
    const image = `${join(root, 'out', 'oci')}:latest-prod`;
    const r = spawnSync('umoci', ['unpack', '--rootless', '--image', image, bundle], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const program = readFileSync(join(bundle, 'rootfs', 'usr', 'bin', 'app'));
    assert.equal(program.includes('__gcov_'), false, 'no gcov runtime in prod');
    assert.ok(!report.artifacts.some((a: { path: string }) => /\.gc(da|no)$/.test(a.path)), 'no coverage data crossed');
  });

  test('a minimum above the figure fails the build with exit 6', async () => {
    const file = join(dir, 'airlock.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('coverage: {min: 50}', 'coverage: {min: 99.5}'));
    const r = await runCli(['build', '-c', file, '--out', join(root, 'high')]);
    assert.equal(r.code, 6, r.stderr.slice(-2000));
    assert.match(r.stderr, /error\[coverage-below-minimum\]: test coverage [\d.]+% is below build\.coverage\.min 99\.5%/);
    assert.match(r.stderr, /build\.test\[0\]: CACHED/, 'the figure of a replayed test step is kept');
  });
});
