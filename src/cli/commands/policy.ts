// `airlock policy check|export`: the config's deployment_policy applied to one image, or written as admission policies.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig } from '../../config/load.js';
import { ENVIRONMENTS, type Environment, type WrittenDeploymentPolicy } from '../../config/policy-schema.js';
import { AirlockError } from '../../errors.js';
import { readPublicKeyFile } from '../../evidence/key-files.js';
import { writeFileAtomic } from '../../files/atomic.js';
import { imageFacts } from '../../policy/facts.js';
import { EXPORT_FORMATS, kyvernoPolicy, policyControllerPolicy, type ExportFormat } from '../../policy/export.js';
import { hostArchitecture } from '../../pipeline/host.js';
import { environmentRules, evaluate } from '../../policy/rules.js';
import { parseRef } from '../../sinks/ref.js';
import { parse } from '../args.js';
import type { Command, CommandContext } from '../command.js';
import { openStoreArg } from '../open-store.js';

const usage = [
  'airlock policy check IMAGE --env production|staging|development [--key PUB] [-c FILE] [--name REPO] [--insecure] [--json]',
  '       airlock policy export --format kyverno|policy-controller [--env ENV] [--key PUB] [-c FILE] [--out FILE] [--json]',
  '   (IMAGE: oci:DIR[:TAG], docker-archive:FILE or docker://HOST/REPO:TAG; without -c, ./airlock.yaml if present, else the defaults)',
].join('\n');

const bad = (message: string) => new AirlockError('usage', 'bad-arguments', message, { hint: `usage: ${usage}` });

function environmentOf(value: string | undefined, fallback?: Environment): Environment {
  if (value === undefined && fallback) return fallback;
  if (value === undefined) throw bad('policy check: --env is required');
  if (!(ENVIRONMENTS as readonly string[]).includes(value)) throw bad(`--env "${value}" is not one of ${ENVIRONMENTS.join(', ')}`);
  return value as Environment;
}

/** The policy and the name its exports take: from -c FILE, else ./airlock.yaml when there is one, else the defaults. */
async function policyOf(file: string | undefined, ctx: CommandContext): Promise<{ policy?: WrittenDeploymentPolicy; name: string }> {
  const path = resolve(ctx.cwd, file ?? 'airlock.yaml');
  if (file === undefined && !existsSync(path)) return { name: 'airlock' };
  const loaded = await loadConfig(path, { architecture: hostArchitecture() });
  for (const w of loaded.warnings) ctx.log.warn(w);
  const policy = loaded.config.deploymentPolicy;
  return { ...(policy ? { policy } : {}), name: loaded.config.name.replaceAll('/', '-') };
}

async function check(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse('policy check', usage, argv, {
    env: { type: 'string' }, key: { type: 'string' }, config: { type: 'string', short: 'c' }, name: { type: 'string' },
    insecure: { type: 'boolean' }, json: { type: 'boolean' },
  });
  if (positionals.length !== 1) throw bad(`policy check takes exactly one IMAGE, got ${positionals.length}`);
  const env = environmentOf(values.env);
  const arg = positionals[0]!;
  const ref = parseRef(arg, ctx.cwd);
  const keyPath = values.key ? resolve(ctx.cwd, values.key) : undefined;
  const key = keyPath ? { key: await readPublicKeyFile(keyPath), name: values.key! } : undefined;
  const { policy } = await policyOf(values.config, ctx);
  const rules = environmentRules(policy, env);
  const store = await openStoreArg(arg, ctx, values.insecure ? { insecure: true } : {});
  const tag = ref.kind === 'docker-archive' ? undefined : ref.tag ?? 'latest';
  const repository = values.name ?? (ref.kind === 'registry' ? `${ref.host}/${ref.repo}` : undefined);
  const facts = await imageFacts({ store, ...(tag ? { tag } : {}), ...(repository ? { repository } : {}), ...(key ? { key } : {}) });
  const results = evaluate(rules, facts);
  const failed = results.filter((r) => r.status === 'fail');
  if (values.json) {
    ctx.stdout(`${JSON.stringify({ image: arg, digest: facts.digest, env, passed: failed.length === 0, facts, results }, null, 2)}\n`);
  } else {
    const mark = { pass: 'ok  ', fail: 'FAIL', 'not-measured': 'n/m ' } as const;
    const lines = results.map((r) => `  ${mark[r.status]} ${r.rule}: ${r.message}`);
    const verdict = failed.length ? `FAILS ${failed.length} rule(s): ${failed.map((r) => r.rule).join(', ')}` : 'passes';
    ctx.stdout(`${arg} (${facts.digest}) ${verdict} for ${env}\n${lines.join('\n')}\n`);
  }
  return failed.length ? 6 : 0;
}

async function exportPolicy(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse('policy export', usage, argv, {
    format: { type: 'string' }, env: { type: 'string' }, key: { type: 'string' }, config: { type: 'string', short: 'c' },
    out: { type: 'string' }, json: { type: 'boolean' },
  });
  if (positionals.length) throw bad(`policy export takes no positional arguments, got ${positionals.join(' ')}`);
  const format = values.format as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) throw bad(`--format "${values.format ?? ''}" is not one of ${EXPORT_FORMATS.join(', ')}`);
  const env = environmentOf(values.env, 'production');
  const { policy, name } = await policyOf(values.config, ctx);
  const rules = environmentRules(policy, env);
  const needsKey = rules.requireSignature || rules.requiredAttestations.length > 0 || rules.requireGatesPassed;
  if (needsKey && !values.key) {
    throw bad(`policy export: ${env} requires signed images or attestations, so the policy needs the public key: --key PUB`);
  }
  if (values.key) await readPublicKeyFile(resolve(ctx.cwd, values.key)); // a clear error for a missing or bad key
  const publicKeyPem = values.key ? await readFile(resolve(ctx.cwd, values.key), 'utf8') : undefined;
  const input = { name, env, rules, ...(publicKeyPem ? { publicKeyPem } : {}) };
  const doc = format === 'kyverno' ? kyvernoPolicy(input) : policyControllerPolicy(input);
  const yaml = stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });
  if (values.out) await writeFileAtomic(resolve(ctx.cwd, values.out), yaml);
  if (values.json) ctx.stdout(`${JSON.stringify({ format, env, ...(values.out ? { out: values.out } : {}), document: doc }, null, 2)}\n`);
  else if (values.out) ctx.stdout(`wrote ${values.out} (${format}, ${env})\n`);
  else ctx.stdout(yaml);
  return 0;
}

export const command: Command = {
  name: 'policy',
  summary: 'check an image against the deployment policy (exit 6 listing every failed rule), or export it as an admission policy',
  usage,
  async run(argv, ctx) {
    const [sub, ...rest] = argv;
    if (sub === 'check') return check(rest, ctx);
    if (sub === 'export') return exportPolicy(rest, ctx);
    throw bad(sub === undefined ? 'policy: needs a subcommand, check or export' : `policy: unknown subcommand "${sub}" (check or export)`);
  },
};
