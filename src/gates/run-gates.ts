// Runs the checks that apply to a profile over an ImageFs: one content pass, then the metadata checks.
import { allChecks } from './checks/index.js';
import type { FsEntry, ImageFs } from './fs-types.js';
import type { Check, Finding, GateConfig, GateContext, GateResult, Profile, Scanner } from './types.js';

const PRELOAD_LIMIT = 1024 * 1024;

/** The checks that run for a profile: those listing it or 'any', minus skipped ones, when their condition holds. */
export function selectChecks(checks: readonly Check[], ctx: GateContext): Check[] {
  return checks.filter((c) => (c.profiles.includes('any') || c.profiles.includes(ctx.profile)) && !(ctx.config.skip ?? []).includes(c.id) && (c.applies?.(ctx) ?? true));
}

async function preload(fs: ImageFs, paths: string[]): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const wanted = new Map<FsEntry, string>();
  for (const p of paths) {
    const e = fs.resolve(p).entry;
    if (e && e.content && e.size <= PRELOAD_LIMIT) wanted.set(e, p);
  }
  if (wanted.size === 0) return files;
  await fs.scan((e) => (wanted.has(e) ? PRELOAD_LIMIT : 0), (e, b) => { files.set(wanted.get(e)!, Buffer.from(b).toString('latin1')); });
  return files;
}

const order = (a: Finding, b: Finding) => (a.path ?? '') < (b.path ?? '') ? -1 : (a.path ?? '') > (b.path ?? '') ? 1 : a.message < b.message ? -1 : a.message > b.message ? 1 : 0;

/** Runs the gates; `passed` is false when any error-severity finding exists. Findings are sorted per check. */
export async function runGates(fs: ImageFs, opts: { profile: Profile; config?: GateConfig; checks?: readonly Check[] }): Promise<GateResult> {
  const base: GateContext = { profile: opts.profile, config: opts.config ?? {}, files: new Map() };
  const checks = selectChecks(opts.checks ?? allChecks, base);
  const ctx: GateContext = { ...base, files: await preload(fs, [...new Set(checks.flatMap((c) => c.reads ?? []))]) };
  const found = new Map<string, Finding[]>(checks.map((c) => [c.id, []]));
  const scanners: [string, Scanner][] = [];
  for (const c of checks) { const s = c.scanner?.(fs, ctx); if (s) scanners.push([c.id, s]); }
  if (scanners.length > 0) {
    const visible = new Set<FsEntry>(fs.entries);
    const shadowed = scanners.some(([, s]) => s.shadowed);
    await fs.scan(
      (e) => Math.max(0, ...scanners.map(([, s]) => (!visible.has(e) && !s.shadowed ? 0 : s.wants(e)))),
      (e, bytes) => {
        const hidden = !visible.has(e);
        for (const [id, s] of scanners) {
          if (hidden && !s.shadowed) continue;
          const n = s.wants(e);
          if (n <= 0) continue;
          const mine = bytes.length > n ? bytes.subarray(0, n) : bytes;
          found.get(id)!.push(...s.inspect(e, mine, { truncated: mine.length < e.size, hidden }));
        }
      },
      { includeShadowed: shadowed },
    );
    for (const [id, s] of scanners) found.get(id)!.push(...(s.finish?.() ?? []));
  }
  for (const c of checks) found.get(c.id)!.push(...c.run(fs, ctx));
  const findings = checks.flatMap((c) => found.get(c.id)!.sort(order));
  return { passed: !findings.some((f) => f.severity === 'error'), findings, checks: checks.map((c) => c.id) };
}
