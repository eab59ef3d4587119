// Cross-field checks of the deployment fields (runtime.healthcheck, runtime.writable) and of secrets; pure.
import { posix } from 'node:path';
import type { WrittenConfig } from './schema.js';
import type { Config } from './types.js';
import type { ConfigProblem } from './problems.js';
import { COVERAGE_LANGUAGES } from './deploy-schema.js';

/** Problems of the deployment fields, pushed onto `errors` and `warnings`. */
export function deployRules(w: WrittenConfig, c: Config, errors: ConfigProblem[], warnings: ConfigProblem[]): void {
  (w.runtime?.writable ?? []).forEach((p, i) => {
    const path = ['runtime', 'writable', i];
    const n = posix.normalize(p);
    const root = 'cannot make the whole root writable; name the folders prod writes to';
    const dots = `\`${p}\` has a .. component; write a plain absolute path`;
    const tmp = '/tmp is always writable (an emptyDir); no need to list it';
    if (n === '/') errors.push({ path, message: root });
    else if (p.split('/').includes('..')) errors.push({ path, message: dots });
    else if (n.replace(/\/$/, '') === '/tmp') warnings.push({ path, message: tmp });
  });
  if (c.build.coverage && !(COVERAGE_LANGUAGES as readonly string[]).includes(c.language)) {
    const message = `coverage is measured for ${COVERAGE_LANGUAGES.join(' and ')} builds, not ${c.language} yet`;
    errors.push({ path: ['build', 'coverage'], message });
  }
  const hc = w.runtime?.healthcheck;
  if (hc && hc.port === undefined && !c.runtime.ports.some((p) => p.endsWith('/tcp'))) {
    const message = 'the probes need a port: add `port`, or a TCP port to runtime.ports';
    errors.push({ path: ['runtime', 'healthcheck'], message });
  }
}

/** Each secret names exactly one source, and ids are unique. */
export function secretRules(w: WrittenConfig, errors: ConfigProblem[]): void {
  const seen = new Set<string>();
  (w.secrets ?? []).forEach((s, i) => {
    if ((s.env === undefined) === (s.file === undefined)) {
      errors.push({ path: ['secrets', i], message: `secret \`${s.id}\` needs exactly one source: env (a host variable) or file` });
    }
    if (seen.has(s.id)) errors.push({ path: ['secrets', i, 'id'], message: `secret id \`${s.id}\` is used twice` });
    seen.add(s.id);
  });
}
