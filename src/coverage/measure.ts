// How each language's tests are run to measure coverage: the builder packages it needs and the test command rewritten
// to measure and print a total (pure). The figure is then read from the output (parse.ts).
import type { Language } from '../config/types.js';
import { AirlockError } from '../errors.js';

/** A language's coverage tool: its Debian packages and how a test command becomes a measuring one. */
export interface CoverageTool {
  name: string;
  packages: string[];
  /** The measuring command, or undefined when `command` is not a test run this tool knows. */
  wrap(command: string): string | undefined;
}

const GO_PROFILE = '/tmp/airlock-cover.out';
const PY_DATA = 'COVERAGE_FILE=/tmp/airlock.coverage';
/** The project's own code: not its tests. */
const PY_RUNNER = /\bpython3 -m (unittest|pytest)\b/;
const PY_OMIT = "--omit='tests/*,test/*,*/test_*.py,*_test.py,conftest.py'";

/** The coverage tools by language (the others cannot measure coverage yet). */
export const COVERAGE_TOOLS: Partial<Record<Language, CoverageTool>> = {
  go: {
    name: 'go test -cover',
    packages: [],
    wrap: (c) => (/\bgo test\b/.test(c)
      ? `${c.replace(/\bgo test\b/, `go test -coverprofile=${GO_PROFILE}`)} && go tool cover -func=${GO_PROFILE}`
      : undefined),
  },
  python: {
    name: 'python3-coverage',
    packages: ['python3-coverage'],
    wrap: (c) => (PY_RUNNER.test(c)
      ? `${PY_DATA} ${c.replace(PY_RUNNER, `python3 -m coverage run --source=. ${PY_OMIT} -m $1`)}`
        + ` && ${PY_DATA} python3 -m coverage report`
      : undefined),
  },
};

/** The languages whose coverage airlock can measure. */
export const COVERAGE_LANGUAGES = Object.keys(COVERAGE_TOOLS) as Language[];

/** The test commands rewritten to measure coverage; refused when none of them is a run the language's tool knows. */
export function measuringTests(language: Language, tests: string[]): { commands: string[]; tool: string } {
  const tool = COVERAGE_TOOLS[language];
  const wrapped = tool ? tests.map((t) => tool.wrap(t)) : [];
  if (!tool || !wrapped.some((w) => w !== undefined)) {
    const known = tool?.name ?? 'nothing here yet';
    const runs = language === 'go' ? 'go test …' : 'python3 -m unittest … or python3 -m pytest …';
    const message = `build.coverage: no test step of this ${language} build can be measured`;
    throw new AirlockError('usage', 'coverage-unmeasurable', message, {
      location: 'build.coverage', hint: `coverage is measured with ${known}; write build.test as ${runs}` });
  }
  return { commands: tests.map((t, i) => wrapped[i] ?? t), tool: tool.name };
}
