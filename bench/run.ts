// `npm run bench -- <script> [args]`: runs one bench script (bench/<script>.ts) with its arguments; without a script
// it lists them. Each script prints its own table; bench/README.md says what each measures.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './common.js';

/** The bench scripts and what each measures, in one line. */
const SCRIPTS: Record<string, string> = {
  build: 'a cold build against a no-change rebuild of one example',
  langs: 'every language example: sizes, cold and no-change build times',
  rootfs: 'the C builder root file system, cold against warm',
  corpus: 'the real C projects of the corpus test, zero config',
  'layer-write': 'our tar+gzip layer writer against GNU tar and gzip',
  'vs-docker': 'build times against a hand-written Docker multi-stage build (issue #11)',
  sizes: 'prod sizes, slicing off and auto, against a Docker multi-stage build onto debian-slim (issue #15)',
};

const [script, ...args] = process.argv.slice(2);
if (!script || !(script in SCRIPTS)) {
  if (script) console.error(`bench: no script ${script}`);
  console.error('usage: npm run bench -- <script> [args]');
  for (const [name, what] of Object.entries(SCRIPTS)) console.error(`  ${name.padEnd(12)} ${what}`);
  process.exit(script ? 2 : 0);
}
const file = join(repoRoot, 'bench', `${script}.ts`);
const r = spawnSync(process.execPath, ['--import', 'tsx', file, ...args], { stdio: 'inherit' });
process.exit(r.status ?? 1);
