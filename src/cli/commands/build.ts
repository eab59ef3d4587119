// `airlock build`: one YAML → dev, prod and test images, evidence and a report.
import { join, resolve } from 'node:path';
import { loadConfigCached } from '../../pipeline/parse-cache.js';
import { holdCache } from '../../cache/hold.js';
import { defaultCacheDir } from '../../debian/cache.js';
import { runBuild } from '../../pipeline/run-build.js';
import { withOutputLock } from '../../pipeline/output-folder.js';
import { renderTable } from '../../report/table.js';
import { checkEmulation, hostArchitecture } from '../../pipeline/host.js';
import { parse } from '../args.js';
import type { Command } from '../command.js';
import { ExitCode } from '../../errors.js';
import { readPrivateKeyFile } from '../../evidence/key-files.js';
import { parseScanReport } from '../../evidence/scan-report.js';
import { readFile } from 'node:fs/promises';
import { AirlockError } from '../../errors.js';
import type { Config } from '../../config/types.js';
import { parsePlatformList } from '../../image/platform.js';
import type { PlatformsReport } from '../../pipeline/platform-folders.js';

async function readScan(path: string) {
  const text = await readFile(path, 'utf8').catch((cause: unknown) => {
    throw new AirlockError('usage', 'scan-not-found', `cannot read scan report ${path}`, { cause, hint: 'pass `trivy image -f json` or `grype -o json` output of the dev image' });
  });
  return parseScanReport(text, path);
}

const usage = 'airlock build [-c FILE] [--out DIR] [--platform linux/amd64,linux/arm64] [--offline] [--locked] [--update] [--no-gates] [--no-cache] [--sign KEY] [--vex-scan REPORT] [--quiet] [--json]';

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
      platform: { type: 'string' },
    }, false);
    // Read the scan report first too: a missing or malformed report fails before the build.
    const vexScan = values['vex-scan'] ? await readScan(resolve(ctx.cwd, values['vex-scan'])) : undefined;
    // Read the key first: a wrong path or passphrase fails before a long build, not after.
    const key = values.sign ? await readPrivateKeyFile(resolve(ctx.cwd, values.sign), ctx.env.AIRLOCK_KEY_PASSWORD) : undefined;
    const host = hostArchitecture();
    const platforms = values.platform !== undefined ? parsePlatformList(values.platform) : undefined;
    const cache = defaultCacheDir(ctx.env);
    // Parsed once per text of the file (and airlock's code): an unchanged config loads no YAML or schema code.
    const loaded = await loadConfigCached(values.config ?? 'airlock.yaml', { architecture: host, cacheDir: cache, fresh: values['no-cache'] ?? false });
    for (const w of loaded.warnings) ctx.log.warn(w);
    const config = platforms ? withArchitectures(loaded.config, platforms) : loaded.config;
    // Another architecture's builder runs under qemu-user: without it, fail now rather than after the downloads.
    for (const a of config.debian.architectures) checkEmulation(a, host);
    const outDir = resolve(values.out ? resolve(ctx.cwd, values.out) : join(config.dir, 'airlock-out'));
    // Held while the build runs: `airlock cache prune` keeps every entry the build uses (src/cache/hold.ts).
    const hold = await holdCache(cache);
    // One build writes an output folder at a time: a second one fails at once, naming the first (pipeline/outputs.ts).
    const buildOpts = {
      cache, log: ctx.log, env: ctx.env, outDir, offline: values.offline ?? false, locked: values.locked ?? false,
      update: values.update ?? false, noGates: values['no-gates'] ?? false, noCache: values['no-cache'] ?? false,
      ...(key ? { key } : {}), ...(vexScan ? { vexFindings: vexScan.findings } : {}),
    };
    if (config.debian.architectures.length > 1) {
      const { runPlatformBuilds } = await import('../../pipeline/platforms.js');
      const multi = await withOutputLock(outDir, () => runPlatformBuilds(config, loaded.digest, buildOpts)).finally(() => hold.release());
      if (values.json) ctx.stdout(JSON.stringify(multi.report, null, 2) + '\n');
      else ctx.stdout(renderPlatforms(multi.report, outDir));
      if (multi.prodFailed) {
        const failed = multi.report.platforms.filter((p) => p.report.variants.prod.gates?.passed === false).map((p) => p.platform);
        ctx.log.warn(`prod gates failed on ${failed.join(', ')}: see each platform's report.json`);
        return ExitCode.policy;
      }
      return ExitCode.ok;
    }
    const { report, prodFailed } = await withOutputLock(outDir, () => runBuild(config, loaded.digest, buildOpts)).finally(() => hold.release());
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

/** The config with `--platform`'s architectures instead of its own (each platform's plan says how its steps run). */
function withArchitectures(config: Config, archs: string[]): Config {
  return { ...config, debian: { ...config.debian, architecture: archs[0]!, architectures: archs } };
}

/** The summary of a multi-platform build: each platform's table, then the indexes. */
function renderPlatforms(r: PlatformsReport, outDir: string): string {
  const parts = r.platforms.map((p) => `\n${p.platform}\n${renderTable(p.report)}`);
  const ix = (['dev', 'prod', 'test'] as const).map((v) => `  ${r.name}:${r.tag}-${v}${v === 'prod' ? ` (= ${r.name}:${r.tag})` : ''}  ${r.indexes[v]}`);
  const archives = Object.values(r.outputs.archives).flatMap((a) => Object.values(a)).join(', ');
  return `${parts.join('')}\nimage indexes (${r.platforms.map((p) => p.platform).join(', ')}):\n${ix.join('\n')}\n` +
    `outputs in ${outDir}: oci/ (indexes), ${archives}, platforms/<arch>/ (each platform's outputs, evidence and report), report.json\n`;
}
