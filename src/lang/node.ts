// Node.js: Debian's nodejs and npm; `npm ci` in the fetch step, a pruned production copy of the app at /app.
import type { HostFacts } from './host-facts.js';
import { AirlockError } from '../errors.js';
import { langAsset } from './assets.js';
import { nodeApp, nodeCommand, nodeSourceProbe, packageJsonAt, workspacePatterns, type NodeApp } from
  './node-project.js';
import { PROXY_ENV, type DefaultArtifact, type DefaultSteps, type LanguagePack, type SourceInfo } from './pack.js';
import { NODE_ARCH, nodePackageFor } from '../upstream/node-arch.js';

/** Where npm's cache lives inside every step (kept under <airlock cache>/lang/npm). */
export const NPM_CACHE = '/airlock/cache/npm';

/** Node.js major version → the ABI number in Debian's libnode package name (libnode108 is Node 18). */
export const NODE_ABI: Record<string, string> = { '16': '93', '18': '108', '19': '111', '20': '115', '21': '120', '22': '127', '23': '131', '24': '137' };

/** The file node runs, relative to /app (see nodeCommand); the other words of a start script are not in it. */
export function nodeMain(src: SourceInfo): string {
  const app = nodeApp(src);
  const command = nodeCommand(src, app);
  return appPath(app.dir, command.find((w) => !w.startsWith('-'))!);
}

/** A path of the app folder as it lies under /app (a workspace keeps its folder: /app/packages/api/...). */
const appPath = (dir: string, rel: string) => (dir === '.' ? rel : `${dir}/${rel}`);

// The production copy (assets/lang/node/prod-copy.mjs, run by node in /src): what prod gets of the app folder, the
// production node_modules pruned of files no runtime needs; /src keeps everything for build.test and the test image.
const PROD_COPY = langAsset('node', 'prod-copy.mjs');

/** The prod-copy step for an app: the script fed to node on stdin, its plan as the one argument. */
export function prodCopyStep(app: NodeApp): string {
  const { dir, keep, workspaces, allWorkspaces, links } = app;
  const plan = JSON.stringify({ app: dir, keep, workspaces, allWorkspaces, links });
  return `node --input-type=module - '${plan.replace(/'/g, `'\\''`)}' <<'AIRLOCK_EOF'\n${PROD_COPY}\nAIRLOCK_EOF`;
}

// Defaults that cannot be given throw when read (a config declaring the field never reads them): see java.ts.
function refusedSteps(fetch: string[], test: string[], err: AirlockError): DefaultSteps {
  return { fetch, get steps(): string[] { throw err; }, test };
}

const testStep = (scripts: Record<string, string> | undefined, ws: string) =>
  (scripts?.test ? `npm test${ws}` : 'echo "no tests (no test script in package.json)"');

/**
 * Debian's nodejs has no version in its name, its libnode<ABI> has: this pattern reads libnode108 as Node.js 18
 * (so a version error lists Node.js majors, not ABI numbers).
 */
class LibnodeMajor extends RegExp {
  constructor() { super('^libnode(\\d+)$'); }
  override exec(name: string): RegExpExecArray | null {
    const abi = /^libnode(\d+)$/.exec(name)?.[1];
    const major = Object.entries(NODE_ABI).find(([, a]) => a === abi)?.[0];
    if (!major) return null;
    return Object.assign([name, major], { index: 0, input: name }) as unknown as RegExpExecArray;
  }
}

/** The Debian package that pins a Node.js major: libnode<ABI> (a name no suite has when the major is unknown). */
export function libnodeFor(major: string): string {
  return NODE_ABI[major] ? `libnode${NODE_ABI[major]}` : `libnode-for-node-${major.replace(/[^0-9a-z]/gi, '')}`;
}

/** The Node.js pack. */
export const nodePack: LanguagePack = {
  id: 'node',
  versionPackage: new LibnodeMajor(),
  toolchainName: 'node',
  parseVersion(raw) {
    if (raw === undefined || raw === '') return undefined;
    return /^(?:node(?:js)?-?)?v?(\d+)(?:\.\d+)*$/i.exec(String(raw).trim())?.[1] ?? String(raw);
  },
  builderPackages(major) {
    return [...new Set(['nodejs', 'npm', 'ca-certificates', 'dpkg-dev', ...(major ? [libnodeFor(major)] : [])])].sort();
  },
  runtimePackages(major) {
    // node and its shared-library closure (libnode, ICU, OpenSSL, libuv…); never npm. The CA bundle
    // (ca-certificates), which Debian's node reads through OpenSSL's default paths: nodejs only recommends it.
    return ['nodejs', ...(major ? [libnodeFor(major)] : []), 'ca-certificates'];
  },
  buildEnv(): Record<string, string> {
    return { npm_config_cache: NPM_CACHE, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
  },
  sourceProbe: nodeSourceProbe,
  // npm ci of a workspace project reads every workspace's package.json, which the sealed manifests-only step lacks.
  fetchSeesSource: (src) => workspacePatterns(packageJsonAt(src)).length > 0,
  defaultSteps(src) {
    const hasLock = src.topFiles.has('package-lock.json') || src.topFiles.has('npm-shrinkwrap.json');
    const fetch = [hasLock ? 'npm ci --no-audit --no-fund' : 'npm install --no-audit --no-fund'];
    let app: NodeApp;
    try { app = nodeApp(src); } catch (e) {
      if (e instanceof AirlockError) return refusedSteps(fetch, [testStep(packageJsonAt(src).scripts, '')], e);
      throw e;
    }
    // npm runs a workspace's scripts with --workspace; the build of the app builds the workspaces it uses first.
    const ws = app.dir === '.' ? '' : ` --workspace=${app.dir}`;
    const used = app.workspaces.filter((w) => w.keep).map((w) => `npm run build --workspace=${w.dir}`);
    // No build script, no build step: `npm run build --if-present` would cost npm's start (0.7 s) on every rebuild
    // to do nothing. The plan follows package.json, so adding a build script adds the step.
    const builds = [...used, ...(app.pkg.scripts?.build ? [`npm run build${ws}`] : [])];
    return {
      fetch,
      steps: [...builds, prodCopyStep(app)],
      test: [testStep(app.pkg.scripts, ws)],
    };
  },
  defaultArtifacts(): DefaultArtifact[] {
    return [{ from: 'app', fromRoot: 'out', to: '/app' }];
  },
  defaultEntrypoint(src, opts) {
    const app = nodeApp(src);
    const [first, ...rest] = nodeCommand(src, app);
    const words = [first!, ...rest];
    const file = words.findIndex((w) => !w.startsWith('-'));
    words[file] = `/app/${appPath(app.dir, words[file]!)}`;
    return [opts?.upstream ? '/usr/local/bin/node' : '/usr/bin/node', ...words];
  },
  upstream(major, architecture) {
    if (!NODE_ARCH[architecture]) return undefined; // no official build for this architecture: Debian's or nothing
    // The official build of the newest release of that major, and the newest npm that runs on it (builder only).
    // Its libraries (libstdc++, libgcc, libc) come from Debian through the ELF closure.
    return {
      requests: [
        { registry: 'npm', role: 'node', name: nodePackageFor(architecture), range: major },
        { registry: 'npm', role: 'npm', name: 'npm', range: '*' },
      ],
      builderPackages: ['ca-certificates', 'dpkg-dev', 'libstdc++6'],
      runtimePackages: [],
    };
  },
  defaultWorkdir(src) {
    const dir = src.app ? nodeApp(src).dir : '.';
    return dir === '.' ? '/app' : `/app/${dir}`;
  },
  prodEnv(): Record<string, string> {
    return { NODE_ENV: 'production' };
  },
  stepCaches() {
    return [{ name: 'npm', path: NPM_CACHE }];
  },
  hostProbe: {
    env: ['HOME', 'npm_config_userconfig', 'NPM_CONFIG_USERCONFIG', 'NODE_EXTRA_CA_CERTS', ...PROXY_ENV],
    paths: (env) => [hostNpmrc(env), env.NODE_EXTRA_CA_CERTS].filter((f): f is string => !!f),
    npmRegistry: true,
  },
  networkFiles(host) {
    // The host's npm user config (registry, auth) and CA bundle, visible to fetch steps only.
    const files = [hostNpmrc(host.env), host.env.NODE_EXTRA_CA_CERTS].filter((f): f is string => !!f && host.existing.includes(f));
    return [...new Set([...files, ...(host.caBundle ? [host.caBundle] : [])])];
  },
  networkEnv(host) {
    const out: Record<string, string> = {};
    const rc = hostNpmrc(host.env);
    if (rc && host.existing.includes(rc)) out.npm_config_userconfig = rc;
    if (host.npmRegistry && /^https?:\/\//.test(host.npmRegistry)) out.npm_config_registry = host.npmRegistry;
    const ca = host.env.NODE_EXTRA_CA_CERTS ?? host.caBundle;
    if (ca && (ca === host.caBundle || host.existing.includes(ca))) { out.NODE_EXTRA_CA_CERTS = ca; out.npm_config_cafile = ca; }
    for (const k of PROXY_ENV) if (host.env[k]) out[k] = host.env[k]!;
    return out;
  },
};

/** The host's npm user config file: $npm_config_userconfig, else ~/.npmrc. */
function hostNpmrc(env: HostFacts['env']): string | undefined {
  return env.npm_config_userconfig ?? env.NPM_CONFIG_USERCONFIG ?? (env.HOME ? `${env.HOME}/.npmrc` : undefined);
}
