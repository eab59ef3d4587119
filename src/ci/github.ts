// A GitHub Actions workflow for a config: one build job (install, build, test image, sign, publish on v* tags) and
// one scheduled job that deletes old dev tags. Pure: a value for YAML.
import { commands, headerComment, type CiProject } from './project.js';

const CONTAINER = { image: 'debian:12', options: '--privileged' };
const run = (lines: string[]) => lines.join('\n');

/** The workflow document. */
export function githubWorkflow(p: CiProject): { comment: string; doc: Record<string, unknown> } {
  const c = commands(p);
  const install = { name: 'Install airlock', run: run(c.install) };
  const env = {
    AIRLOCK_VERSION: p.airlockVersion,
    AIRLOCK_REPO: p.repo ?? '${{ vars.AIRLOCK_REPO }}',
    AIRLOCK_CACHE: '${{ github.workspace }}/.airlock-cache',
  };
  const secret = (name: string) => `\${{ secrets.${name} }}`;
  const fromSecrets = (...names: string[]) => Object.fromEntries(names.map((n) => [n, secret(n)]));
  const registry = fromSecrets('AIRLOCK_REGISTRY_USER', 'AIRLOCK_REGISTRY_PASSWORD');
  const signing = fromSecrets('AIRLOCK_SIGNING_KEY', 'AIRLOCK_KEY_PASSWORD');
  const cache = { path: '.airlock-cache', key: `airlock-\${{ hashFiles('${p.lock}') }}`, 'restore-keys': 'airlock-' };
  const doc = {
    name: `airlock ${p.name}`,
    on: {
      push: { branches: ['main'], tags: ['v*'] },
      pull_request: {},
      schedule: [{ cron: '17 3 * * *' }],
      workflow_dispatch: {},
    },
    permissions: { contents: 'read' },
    env,
    jobs: {
      build: {
        name: 'build, test, sign, publish',
        if: "github.event_name != 'schedule'",
        'runs-on': 'ubuntu-latest',
        container: CONTAINER,
        steps: [
          { uses: 'actions/checkout@v4' },
          install,
          { name: 'Cache airlock', uses: 'actions/cache@v4', with: cache },
          { name: 'Build dev, prod and test', run: run(c.build) },
          { name: 'Run the test image', run: run(c.test) },
          { name: 'Sign prod', if: "github.event_name != 'pull_request'", env: signing, run: run(c.sign) },
          {
            name: 'Publish the release', if: "startsWith(github.ref, 'refs/tags/v')",
            env: { ...registry, RELEASE_TAG: '${{ github.ref_name }}' }, run: run([...c.login, ...c.publish]),
          },
        ],
      },
      'gc-dev-tags': {
        name: `delete dev tags older than ${p.devTagsMaxAge}`,
        if: "github.event_name == 'schedule'",
        'runs-on': 'ubuntu-latest',
        container: CONTAINER,
        steps: [install, { name: 'Delete old dev tags', env: registry, run: run([...c.login, ...c.gc]) }],
      },
    },
  };
  const secrets = 'secrets AIRLOCK_SIGNING_KEY, AIRLOCK_KEY_PASSWORD, AIRLOCK_REGISTRY_USER, AIRLOCK_REGISTRY_PASSWORD'
    + (p.repo ? '' : ' and the variable AIRLOCK_REPO (REGISTRY/NAME)');
  return { comment: headerComment(p, secrets), doc };
}
