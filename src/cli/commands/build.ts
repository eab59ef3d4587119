// `airlock build`: one YAML → dev, prod and test images, evidence and a report.
import { join, resolve } from 'node:path';
import { loadConfig } from '../../config/load.js';
import { holdCache } from '../../cache/hold.js';
import { defaultCacheDir } from '../../debian/cache.js';
import { runBuild } from '../../pipeline/run-build.js';
import { withOutputLock } from '../../pipeline/output-folder.js';
import { renderTable } from '../../report/table.js';
import { hostArchitecture } from '../../pipeline/host.js';
import { parse } from '../args.js';
import type { Command } from '../command.js';
import { ExitCode } from '../../errors.js';
import { readPrivateKeyFile } from '../../evidence/key-files.js';
import { parseScanReport } from '../../evidence/scan-report.js';
import { readFile } from 'node:fs/promises';
import { AirlockError } from '../../errors.js';

async function readScan(path: string) {
  const text = await readFile(path, 'utf8').catch((cause: unknown) => {
    throw new AirlockError('usage', 'scan-not-found', `cannot read scan report ${path}`, { cause, hint: 'pass `trivy image -f json` or `grype -o json` output of the dev image' });
  });
  return parseScanReport(text, path);
}

const usage = 'airlock build [-c FILE] [--out DIR] [--offline] [--locked] [--update] [--no-gates] [--no-cache] [--sign KEY] [--vex-scan REPORT] [--quiet] [--json]';

export const command: Command = {
  name: 'build',
  summary: 'build the dev, prod and test images of a config (airlock.yaml)',
  usage,
  async run(argv, ctx) {
    const { values } = parse('build', usage, argv, {
      config: { type: 'string', short: 'c' },
      out: { type: 'string', short: 'o' },
      offline: { type: 'boolean' },
      locked: { type: 'boolean' },
      update: { type: 'boolean' },
      'no-gates': { type: 'boolean' },
      'no-cache': { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
      json: { type: 'boolean' },
      sign: { type: 'string' },
      'vex-scan': { type: 'string' },
    }, false);
    // Read the scan report first too: a missing or malformed report fails before the build.
    const vexScan = values['vex-scan'] ? await readScan(resolve(ctx.cwd, values['vex-scan'])) : undefined;
    // Read the key first: a wrong path or passphrase fails before a long build, not after.
    const key = values.sign ? await readPrivateKeyFile(resolve(ctx.cwd, values.sign), ctx.env.AIRLOCK_KEY_PASSWORD) : undefined;
    const loaded = await loadConfig(values.config ?? 'airlock.yaml', { architecture: hostArchitecture() });
    for (const w of loaded.warnings) ctx.log.warn(w);
    const config = loaded.config;
    const outDir = resolve(values.out ? resolve(ctx.cwd, values.out) : join(config.dir, 'airlock-out'));
    const cache = defaultCacheDir(ctx.env);
    // Held while the build runs: `airlock cache prune` keeps every entry the build uses (src/cache/hold.ts).
    const hold = await holdCache(cache);
    // One build writes an output folder at a time: a second one fails at once, naming the first (pipeline/outputs.ts).
    const { report, prodFailed } = await withOutputLock(outDir, () => runBuild(config, loaded.digest, {
      cache, log: ctx.log, env: ctx.env, outDir, offline: values.offline ?? false, locked: values.locked ?? false,
      update: values.update ?? false, noGates: values['no-gates'] ?? false, noCache: values['no-cache'] ?? false,
      ...(key ? { key } : {}), ...(vexScan ? { vexFindings: vexScan.findings } : {}),
    })).finally(() => hold.release());
    if (values.json) ctx.stdout(JSON.stringify(report, null, 2) + '\n');
    else ctx.stdout('\n' + renderTable(report) + `\noutputs in ${outDir}: oci/, ${Object.values(report.outputs.archives).join(', ')}, evidence/, report.json, report.html, why.json\n`);
    if (prodFailed) {
      const errors = report.variants.prod.gates?.findings.filter((f) => f.severity === 'error') ?? [];
      ctx.log.warn(`prod gates failed: ${errors.map((f) => `${f.id}${f.path ? ` (${f.path})` : ''}`).join(', ')}`);
      return ExitCode.policy;
    }
    return ExitCode.ok;
  },
};
