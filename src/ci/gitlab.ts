// A GitLab CI pipeline for a config: build (install, build, test image, sign), publish on v* tags, and a gc job for
// pipeline schedules. Pure: a value for YAML.
import { commands, headerComment, type CiProject } from './project.js';

/** The pipeline document. */
export function gitlabPipeline(p: CiProject): { comment: string; doc: Record<string, unknown> } {
  const c = commands(p);
  const notScheduled = { if: '$CI_PIPELINE_SOURCE != "schedule"' };
  const doc = {
    stages: ['build', 'publish', 'gc'],
    variables: {
      AIRLOCK_VERSION: p.airlockVersion,
      ...(p.repo ? { AIRLOCK_REPO: p.repo } : {}),
      AIRLOCK_CACHE: '$CI_PROJECT_DIR/.airlock-cache',
    },
    default: { image: 'debian:12', before_script: c.install },
    build: {
      stage: 'build',
      rules: [notScheduled],
      cache: { key: { files: [p.lock] }, paths: ['.airlock-cache/'] },
      script: [...c.build, ...c.test],
      artifacts: { paths: [`${p.out}/`], expire_in: '1 week' },
    },
    sign: {
      stage: 'build',
      needs: ['build'],
      rules: [{ if: '$CI_PIPELINE_SOURCE != "schedule" && $CI_PIPELINE_SOURCE != "merge_request_event"' }],
      script: c.sign,
      artifacts: { paths: [`${p.out}/`], expire_in: '1 week' },
    },
    publish: {
      stage: 'publish',
      needs: ['sign'],
      rules: [{ if: '$CI_COMMIT_TAG =~ /^v[0-9]/' }],
      variables: { RELEASE_TAG: '$CI_COMMIT_TAG' },
      script: [...c.login, ...c.publish],
    },
    'gc-dev-tags': {
      stage: 'gc',
      rules: [{ if: '$CI_PIPELINE_SOURCE == "schedule"' }],
      script: [...c.login, ...c.gc],
    },
  };
  const secrets = 'CI/CD variables AIRLOCK_SIGNING_KEY, AIRLOCK_KEY_PASSWORD, AIRLOCK_REGISTRY_USER,'
    + ' AIRLOCK_REGISTRY_PASSWORD'
    + `${p.repo ? '' : ', AIRLOCK_REPO (REGISTRY/NAME)'}, a pipeline schedule for the gc`
    + ' and a runner that allows privileged jobs';
  return { comment: headerComment(p, secrets), doc };
}
