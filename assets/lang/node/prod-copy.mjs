// The production copy of a Node.js app, run in a build step in /src after `npm run build --if-present`:
//   node --input-type=module - '<plan as JSON>' < prod-copy.mjs
// The plan (made by src/lang/node.ts) names the app's folder and what of it prod gets: after a build, the build output
// and package.json only; without one, the whole folder minus tests and tooling files. Then the dependencies are pruned
// to production (from the lock alone when it describes the tree exactly, else `npm prune --omit=dev`, offline) and of
// files no runtime needs (node-prune's idea: TypeScript sources, tsconfig files, Makefiles, test folders, docs, CI
// settings), and the bytes that saved are written to $AIRLOCK_OUT/.airlock/pruned.json for the build report. Lock
// files never reach prod.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const plan = JSON.parse(process.argv[2]);
const out = process.env.AIRLOCK_OUT;
const app = join(out, 'app');
const LOCKS = ['package-lock.json', 'npm-shrinkwrap.json'];

// Top-level names of a whole-folder copy that are tests, tooling or airlock's own files, never the app.
const TOOLING = new Set([
  'node_modules', 'test', 'tests', '__tests__', 'spec', 'coverage', '.nyc_output', '.git', '.github', '.gitlab-ci.yml',
  '.circleci', '.travis.yml', '.vscode', '.idea', '.editorconfig', '.gitignore', '.gitattributes', '.npmignore',
  '.nvmrc', '.node-version', '.dockerignore', 'Dockerfile', 'docker-compose.yml', 'docker-compose.yaml', 'Makefile',
  'airlock.yaml', 'airlock.yml', 'airlock.lock.json', '.airlockignore', 'airlock-out',
]);
const TOOLING_FILE = new RegExp('^(\\.eslintrc.*|eslint\\.config\\..*|\\.prettierrc.*|prettier\\.config\\..*|jest\\.config\\..*'
  + '|vitest\\.config\\..*|\\.mocharc.*|babel\\.config\\..*|\\.babelrc.*)$');

// TypeScript sources (not declarations) and tsconfig files.
const TYPESCRIPT = /(\.(ts|tsx|mts|cts)$(?<!\.d\.(ts|mts|cts)$))|^tsconfig.*\.json$/;
// Files of the project itself that prod never gets, wherever they are (outside node_modules): also test files.
const SOURCE_FILE = (name) => TYPESCRIPT.test(name) || /\.(test|spec)\.[cm]?[jt]sx?$/.test(name);

// What the dependency pruning removes inside node_modules.
const PRUNED_DIR = new Set([
  'test', 'tests', '__tests__', 'doc', 'docs', 'example', 'examples', 'coverage', '.nyc_output', '.github', '.circleci',
]);
const TOOLING_OF_DEPENDENCY = new RegExp('^(Makefile|Gruntfile\\.js|Gulpfile\\.js|\\.travis\\.yml|\\.editorconfig|\\.npmignore'
  + '|\\.eslintrc.*|\\.prettierrc.*|\\.nycrc.*)$');
// Docs: *.md and *.markdown except licence texts; the hidden lock npm keeps in node_modules.
const DOC = /^(?!(LICEN[CS]E|COPYING|NOTICE))[^/]*\.(md|markdown)$/i;
const prunedFile = (name) =>
  TYPESCRIPT.test(name) || TOOLING_OF_DEPENDENCY.test(name) || DOC.test(name) || name === '.package-lock.json';

const cp = (from, to) => {
  mkdirSync(dirname(to), { recursive: true });
  execFileSync('cp', ['-a', from, to]);
};

/** Copies one folder of the project: the kept paths (after a build) or everything but tests and tooling. */
function copyFolder(dir, keep) {
  const to = join(app, dir);
  mkdirSync(to, { recursive: true });
  if (keep === null) {
    for (const name of readdirSync(dir).sort()) {
      if (!TOOLING.has(name) && !TOOLING_FILE.test(name)) cp(join(dir, name), join(to, name));
    }
    return;
  }
  for (const p of ['package.json', ...keep]) {
    if (!existsSync(join(dir, p))) {
      console.error(`the build left no ${join(dir, p)}, which package.json or tsconfig.json names as its output`);
      process.exit(1);
    }
    cp(join(dir, p), join(to, p));
  }
}

/** Removes under `root` what `drop(name, isDir)` selects (in node_modules only when `inModules`); sums it. */
function sweep(root, drop, inModules, saved = { files: 0, bytes: 0 }) {
  for (const name of readdirSync(root).sort()) {
    const p = join(root, name);
    const st = lstatSync(p);
    if (st.isDirectory() && name === 'node_modules' && !inModules) continue;
    if (drop(name, st.isDirectory()) && !(st.isDirectory() && isPackageSlot(root))) {
      tally(p, saved);
      rmSync(p, { recursive: true, force: true });
    } else if (st.isDirectory()) {
      sweep(p, drop, inModules, saved);
    }
  }
  return saved;
}

// A folder whose children are packages (node_modules, node_modules/@scope): a package named like a test folder stays.
function isPackageSlot(dir) {
  const name = dir.slice(dir.lastIndexOf('/') + 1);
  return name === 'node_modules' || (name.startsWith('@') && dirname(dir).endsWith('/node_modules'));
}

function tally(p, saved) {
  const st = lstatSync(p);
  if (st.isDirectory()) for (const n of readdirSync(p)) tally(join(p, n), saved);
  else { saved.files++; saved.bytes += st.size; }
}

rmSync(app, { recursive: true, force: true });
mkdirSync(app, { recursive: true });
// The workspace root (package.json, lock, node_modules) is the app's root; every workspace's package.json is copied so
// that npm sees the workspaces the lock names; those the app does not use are removed after the pruning.
if (plan.app !== '.') {
  cp('package.json', join(app, 'package.json'));
  for (const dir of plan.allWorkspaces) cp(join(dir, 'package.json'), join(app, dir, 'package.json'));
}
for (const unit of [{ dir: plan.app, keep: plan.keep }, ...plan.workspaces]) copyFolder(unit.dir, unit.keep);
for (const lock of LOCKS) if (existsSync(lock)) cp(lock, join(app, lock));
if (existsSync('node_modules')) cp('node_modules', join(app, 'node_modules'));

/**
 * The package folders installed under `dir` (a node_modules folder), by their lock key ("node_modules/a",
 * "node_modules/@s/b/node_modules/c"); undefined when something there is not a plain package folder (a link: npm's
 * own reading of the tree is needed then).
 */
function installedPackages(dir, key, found = []) {
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue; // .bin, .package-lock.json, tools' caches
    const names = name.startsWith('@') && lstatSync(join(dir, name)).isDirectory()
      ? readdirSync(join(dir, name)).sort().map((n) => `${name}/${n}`) : [name];
    for (const n of names) {
      const p = join(dir, n);
      if (!lstatSync(p).isDirectory()) return undefined;
      found.push(`${key}/${n}`);
      const nested = join(p, 'node_modules');
      if (existsSync(nested) && !installedPackages(nested, `${key}/${n}/node_modules`, found)) return undefined;
    }
  }
  return found;
}

/**
 * `npm prune --omit=dev` worked out from the lock (npm's own start costs most of a second on every build). As npm
 * does, what stays is what the root's dependencies, optional and peer dependencies reach (each name resolved the way
 * node finds it: the requiring package's node_modules, then each one above); every other package folder goes, and
 * the links in .bin folders that pointed into one (npm leaves the emptied folders). Only when the lock describes the
 * tree exactly: lockfile version 2 or later, no workspaces, linked or bundled packages, every package folder on disk
 * one the lock names and every dependency found; else false (npm does it).
 */
function pruneFromLock(root) {
  const lockFile = ['npm-shrinkwrap.json', 'package-lock.json'].map((f) => join(root, f)).find((f) => existsSync(f));
  if (!lockFile || !existsSync(join(root, 'node_modules'))) return false;
  let lock;
  try { lock = JSON.parse(readFileSync(lockFile, 'utf8')); } catch { return false; }
  const packages = lock?.packages;
  if (!(lock.lockfileVersion >= 2) || !packages || typeof packages !== 'object' || !packages[''] || packages[''].workspaces) return false;
  const entries = Object.entries(packages);
  const plain = ([k, v]) => v && typeof v === 'object' && (k === '' || k.startsWith('node_modules/')) && !v.link && !v.inBundle
    && !v.bundleDependencies && !v.bundledDependencies;
  if (!entries.every(plain)) return false;
  const installed = installedPackages(join(root, 'node_modules'), 'node_modules');
  if (!installed || installed.some((k) => !Object.hasOwn(packages, k))) return false;
  const names = (v, field) => (v[field] && typeof v[field] === 'object' ? Object.keys(v[field]) : []);
  // Where node finds `name` from the package at `key`.
  const resolve = (key, name) => {
    for (let at = key; ; at = at.slice(0, Math.max(0, at.lastIndexOf('/node_modules/')))) {
      const k = at ? `${at}/node_modules/${name}` : `node_modules/${name}`;
      if (Object.hasOwn(packages, k)) return k;
      if (!at) return undefined;
    }
  };
  const keep = new Set(['']);
  const queue = [''];
  while (queue.length) {
    const key = queue.pop();
    const v = packages[key];
    const optional = new Set([...names(v, 'optionalDependencies'),
      ...Object.entries(v.peerDependenciesMeta ?? {}).filter(([, m]) => m?.optional).map(([n]) => n)]);
    for (const name of [...names(v, 'dependencies'), ...names(v, 'optionalDependencies'), ...names(v, 'peerDependencies')]) {
      const found = resolve(key, name);
      if (!found) { if (optional.has(name)) continue; return false; }
      if (!keep.has(found)) { keep.add(found); queue.push(found); }
    }
  }
  const gone = installed.filter((k) => !keep.has(k));
  for (const k of gone) rmSync(join(root, k), { recursive: true, force: true });
  // The links of the .bin folders that are left (the root's and each kept package's) that pointed into a removed one.
  for (const k of gone.length ? ['', ...installed.filter((i) => keep.has(i))] : []) {
    const bin = join(root, k, 'node_modules', '.bin');
    if (!existsSync(bin)) continue;
    for (const b of readdirSync(bin)) if (lstatSync(join(bin, b)).isSymbolicLink() && !existsSync(join(bin, b))) unlinkSync(join(bin, b));
  }
  console.log(`dev dependencies pruned (from ${lockFile.slice(root.length + 1)}): ${gone.length} package folder(s) removed`);
  return true;
}

if (!pruneFromLock(app)) execFileSync('npm', ['prune', '--omit=dev', '--offline', '--no-audit', '--no-fund'], { cwd: app, stdio: 'inherit' });
const used = new Set([plan.app, ...plan.workspaces.map((w) => w.dir)]);
for (const dir of plan.allWorkspaces) {
  if (used.has(dir)) continue;
  rmSync(join(app, dir), { recursive: true, force: true });
  const link = plan.links[dir];
  if (link) rmSync(join(app, 'node_modules', link), { force: true });
}
for (const lock of LOCKS) rmSync(join(app, lock), { force: true });

sweep(app, (name, isDir) => !isDir && SOURCE_FILE(name), false);
const saved = { files: 0, bytes: 0 };
const modules = [];
const findModules = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (!lstatSync(p).isDirectory()) continue;
    if (name === 'node_modules') modules.push(p);
    else findModules(p);
  }
};
findModules(app);
for (const m of modules) sweep(m, (name, isDir) => (isDir ? PRUNED_DIR.has(name) : prunedFile(name)), true, saved);
mkdirSync(join(out, '.airlock'), { recursive: true });
writeFileSync(join(out, '.airlock', 'pruned.json'), `${JSON.stringify(saved)}\n`);
console.log(`node_modules pruned of ${saved.files} files no runtime needs (${saved.bytes} bytes)`);
