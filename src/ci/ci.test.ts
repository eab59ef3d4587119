import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import type { CiProject } from './project.js';
import { renderCi, type CiSystem } from './render.js';

const addFormats = addFormatsModule as unknown as (a: Ajv) => void;
const schemaFile = { github: 'github-workflow.json', gitlab: 'gitlab-ci.json' } as const;

function validator(system: CiSystem) {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const schema = JSON.parse(readFileSync(new URL(`../../test/schemas/ci/${schemaFile[system]}`, import.meta.url), 'utf8'));
  return ajv.compile(schema);
}

const project = (over: Partial<CiProject> = {}): CiProject => ({
  config: 'services/web/airlock.yaml', lock: 'services/web/airlock.lock.json', out: 'services/web/airlock-out',
  name: 'web', tag: 'latest', airlockVersion: '0.1.0', devTagsMaxAge: '14d', ...over,
});

for (const system of ['github', 'gitlab'] as const) {
  test(`the ${system} workflow is valid against the official schema`, () => {
    const validate = validator(system);
    for (const p of [project(), project({ repo: 'registry.example:5000/team/web' })]) {
      const doc = parse(renderCi(system, p));
      assert.equal(validate(doc), true, JSON.stringify(validate.errors, null, 2));
    }
  });

  test(`the schema check of ${system} can fail: a job without what it must have is rejected`, () => {
    const validate = validator(system);
    const doc = parse(renderCi(system, project())) as { jobs?: Record<string, unknown> } & Record<string, unknown>;
    if (system === 'github') delete (doc.jobs!.build as Record<string, unknown>)['runs-on'];
    else (doc.build as Record<string, unknown>).stage = 42;
    assert.equal(validate(doc), false);
  });
}

/** Every shell line of the document's jobs, in order, as one text. */
function scripts(system: CiSystem, doc: any): Record<string, string> {
  const out: Record<string, string> = {};
  if (system === 'github') {
    for (const [id, job] of Object.entries<any>(doc.jobs)) out[id] = job.steps.map((s: any) => s.run ?? `uses ${s.uses}`).join('\n');
  } else {
    for (const [id, job] of Object.entries<any>(doc)) if (job?.script) out[id] = [...doc.default.before_script, ...job.script].join('\n');
  }
  return out;
}

test('GitHub: install, build, run the test image, sign, publish on v* tags; gc of dev tags on the schedule only', () => {
  const doc = parse(renderCi('github', project()));
  const s = scripts('github', doc);
  const order = ['npm install --global "airlock@$AIRLOCK_VERSION"', 'airlock build -c services/web/airlock.yaml --locked',
    'podman run --rm --network=none web:latest-test', 'airlock sign oci:services/web/airlock-out/oci:latest-prod', 'airlock publish -c services/web/airlock.yaml'];
  const at = order.map((x) => s.build!.indexOf(x));
  assert.ok(at.every((i, k) => i >= 0 && (k === 0 || i > at[k - 1]!)), `in order: ${at}`);
  assert.match(s['gc-dev-tags']!, /airlock gc "\$AIRLOCK_REPO\/dev" --older-than 14d/);
  assert.equal(doc.jobs.build.if, "github.event_name != 'schedule'");
  assert.equal(doc.jobs['gc-dev-tags'].if, "github.event_name == 'schedule'");
  assert.deepEqual(doc.on.schedule, [{ cron: '17 3 * * *' }]);
  assert.equal(doc.jobs.build.steps.find((x: any) => x.name === 'Publish the release').if, "startsWith(github.ref, 'refs/tags/v')");
  assert.equal(doc.env.AIRLOCK_REPO, '${{ vars.AIRLOCK_REPO }}');
  assert.equal(parse(renderCi('github', project({ repo: 'r.example/web' }))).env.AIRLOCK_REPO, 'r.example/web');
});

test('GitLab: build and test, sign, publish on v* tags, gc in scheduled pipelines only', () => {
  const doc = parse(renderCi('gitlab', project()));
  const s = scripts('gitlab', doc);
  assert.match(s.build!, /airlock build -c services\/web\/airlock\.yaml --locked --out services\/web\/airlock-out\npodman load/);
  assert.match(s.sign!, /airlock sign oci:services\/web\/airlock-out\/oci:latest-prod/);
  assert.match(s.publish!, /airlock publish .* --version "\$\{RELEASE_TAG#v\}"/);
  assert.deepEqual(doc.publish.rules, [{ if: '$CI_COMMIT_TAG =~ /^v[0-9]/' }]);
  assert.deepEqual(doc['gc-dev-tags'].rules, [{ if: '$CI_PIPELINE_SOURCE == "schedule"' }]);
  assert.deepEqual(doc.build.cache.key, { files: ['services/web/airlock.lock.json'] });
});

test('the header lines stay within the house width', () => {
  for (const system of ['github', 'gitlab'] as const) {
    const long = renderCi(system, project()).split('\n').filter((l) => l.startsWith('#') && l.length > 120);
    assert.deepEqual(long, []);
  }
});
