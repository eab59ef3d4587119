// How each language's tests are run to measure coverage: the builder packages it needs and the test command rewritten
// to measure and print a total (pure). The figure is then read from the output (parse.ts).
import type { Language } from '../config/types.js';
import { AirlockError } from '../errors.js';
import { NO_TESTS_FILE } from '../lang/pack.js';

/** A language's coverage tool: its Debian packages and how the test commands become measuring ones. */
export interface CoverageTool {
  name: string;
  packages: string[];
  /** The measuring test commands, given the test and build commands; undefined when no test run is one it knows. */
  measure(tests: readonly string[], build: readonly string[]): string[] | undefined;
  /** The measuring steps rebuild the project, instrumented, from the pristine source at COVERAGE_PRISTINE. */
  pristine?: boolean;
  /** Fetch steps added after the build's own: the tool itself, from the npm registry (the only step with network). */
  fetch?: string[];
}

/** Where a measuring step that rebuilds finds the source as it was before any build step (read-only). */
export const COVERAGE_PRISTINE = '/airlock/pristine';

const GO_PROFILE = '/tmp/airlock-cover.out';
const PY_DATA = 'COVERAGE_FILE=/tmp/airlock.coverage';
/** The project's own code: not its tests. */
const PY_RUNNER = /\bpython3 -m (unittest|pytest)\b/;
const PY_OMIT = "--omit='tests/*,test/*,*/test_*.py,*_test.py,conftest.py'";
/** The instrumented copy of the source, and the install root its build steps install into (then thrown away). */
const GCOV_TREE = '/tmp/airlock-coverage';
const GCOV_OUT = '/tmp/airlock-coverage-out';
/** gcovr counts the project's own sources, not its tests (a tests/ or test/ folder at any depth). */
const GCOVR = "gcovr --root . --exclude '(.+/)?tests?/' --print-summary";

/** Each command the tool knows rewritten by `wrap`, the others as they are; undefined when it knows none. */
function wrapEach(wrap: (command: string) => string | undefined) {
  return (tests: readonly string[]) => {
    const wrapped = tests.map(wrap);
    return wrapped.some((w) => w !== undefined) ? tests.map((t, i) => wrapped[i] ?? t) : undefined;
  };
}

/**
 * C and C++: one step builds a copy of the pristine source again with `--coverage` added to CFLAGS, CXXFLAGS and
 * LDFLAGS (the hardening flags stay), runs the test commands there, and has gcovr print the line total. The images
 * keep the real build: the instrumented one is thrown away with the step's /tmp. A default test step that found no
 * tests leaves its note in /src as it would have.
 */
function gcovrMeasure(tests: readonly string[], build: readonly string[]): string[] | undefined {
  if (tests.length === 0) return undefined;
  const block = (c: string) => `(\n${c}\n)`;
  return [[
    `rm -rf ${GCOV_TREE} ${GCOV_OUT}`,
    `cp -a ${COVERAGE_PRISTINE}/. ${GCOV_TREE}/`,
    `cd ${GCOV_TREE}`,
    `export AIRLOCK_OUT=${GCOV_OUT} CFLAGS="\${CFLAGS:-} --coverage" CXXFLAGS="\${CXXFLAGS:-} --coverage"`
      + ' LDFLAGS="${LDFLAGS:-} --coverage"',
    'mkdir -p "$AIRLOCK_OUT"',
    ...build.map(block),
    ...tests.map(block),
    `if [ -f ${NO_TESTS_FILE} ]; then cp ${NO_TESTS_FILE} /src/; fi`,
    GCOVR,
  ].join('\n')];
}

const GCOVR_TOOL: CoverageTool = { name: 'gcovr', packages: ['gcovr'], measure: gcovrMeasure, pristine: true };

/**
 * c8, pinned (10.x runs on Debian's Node.js 18 and on 20), fetched into the build notes of $AIRLOCK_OUT (the folder
 * BUILD_NOTES_DIR names; coverage/ does not import variants/): recorded with the fetch step, so a replayed step brings
 * it back, and never part of an image.
 */
const C8_VERSION = '10.1.3';
const C8_DIR = '"$AIRLOCK_OUT/.airlock/c8"';
/** Test runs c8 wraps: npm's test script, node --test, npx runners. Every child inherits NODE_V8_COVERAGE. */
const NODE_RUNNER = /^(?:npm (?:test|run test)\b|node --test\b|npx \S+)/;

/** The coverage tools by language (the others cannot measure coverage yet). */
export const COVERAGE_TOOLS: Partial<Record<Language, CoverageTool>> = {
  go: {
    name: 'go test -cover',
    packages: [],
    measure: wrapEach((c) => (/\bgo test\b/.test(c)
      ? `${c.replace(/\bgo test\b/, `go test -coverprofile=${GO_PROFILE}`)} && go tool cover -func=${GO_PROFILE}`
      : undefined)),
  },
  python: {
    name: 'python3-coverage',
    packages: ['python3-coverage'],
    measure: wrapEach((c) => (PY_RUNNER.test(c)
      ? `${PY_DATA} ${c.replace(PY_RUNNER, `python3 -m coverage run --source=. ${PY_OMIT} -m $1`)}`
        + ` && ${PY_DATA} python3 -m coverage report`
      : undefined)),
  },
  c: GCOVR_TOOL,
  cpp: GCOVR_TOOL,
  // c8's default exclusions leave out test/, *.test.js, *.spec.js and node_modules.
  node: {
    name: `c8 ${C8_VERSION}`,
    packages: [],
    fetch: [`npm install --prefix ${C8_DIR} --no-save --no-package-lock --no-audit --no-fund c8@${C8_VERSION}`],
    measure: wrapEach((c) => (NODE_RUNNER.test(c)
      ? `${C8_DIR}/node_modules/.bin/c8 --reporter=text-summary ${c}` : undefined)),
  },
};

/** The languages whose coverage airlock can measure. */
export const COVERAGE_LANGUAGES = Object.keys(COVERAGE_TOOLS) as Language[];

/** The test commands rewritten to measure coverage; refused when none of them is a run the language's tool knows. */
export function measuringTests(language: Language, tests: readonly string[], build: readonly string[] = []):
  { commands: string[]; tool: string; pristine: boolean; fetch: string[] } {
  const tool = COVERAGE_TOOLS[language];
  const commands = tool?.measure(tests, build);
  if (!tool || !commands) {
    const known = tool?.name ?? 'nothing here yet';
    const runs = language === 'go' ? 'go test …' : language === 'python'
      ? 'python3 -m unittest … or python3 -m pytest …' : language === 'node' ? 'npm test or node --test …'
        : 'at least one test command';
    const message = `build.coverage: no test step of this ${language} build can be measured`;
    throw new AirlockError('usage', 'coverage-unmeasurable', message, {
      location: 'build.coverage', hint: `coverage is measured with ${known}; write build.test as ${runs}` });
  }
  return { commands, tool: tool.name, pristine: tool.pristine ?? false, fetch: tool.fetch ?? [] };
}
