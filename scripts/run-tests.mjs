// Runs the test suite with node's test runner (through tsx): unit tests beside the code, then test/**.
// Node 20's --test takes no globs, so the files are listed here. `--unit` runs only src/** and bench/** (pure helpers).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') continue;
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const filters = args.filter((a) => !a.startsWith('--'));
let files = find('src').concat(find('bench'));
if (!unitOnly) files = files.concat(find('test'));
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// Type-check tests and benchmarks too (tsx only strips types): a type error is a failure before anything runs.
if (!filters.length) {
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.test.json', '--noEmit'], { stdio: 'inherit' });
  if (tsc.status !== 0) {
    console.error('type errors in the sources, tests or benchmarks (tsc -p tsconfig.test.json)');
    process.exit(1);
  }
}
// The longest files first (measured from an empty cache, longest first), so that no long one starts last while the
// other worker has nothing left: the suite's wall time is then close to its work divided by the workers.
const LONGEST = [
  'faults-kill', 'multi-arch', 'multi-arch-go', 'export-buildkit', 'lang-java-maven', 'coverage-go', 'faults-concurrency', 'corpus-c', 'coverage-c',
  'init-examples', 'build-cpp-service', 'sliced-prod-probes', 'coverage-python', 'build-c-no-canary', 'cache-prune',
  'faults-disk-full', 'coverage-node', 'build-upstream',
];
const rank = (f) => {
  const i = LONGEST.findIndex((name) => f.endsWith(`/${name}.test.ts`));
  return i < 0 ? LONGEST.length : i;
};
files = files.map((f, i) => [rank(f), i, f]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, , f]) => f);
const concurrency = process.env.AIRLOCK_TEST_CONCURRENCY ?? '2';
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
