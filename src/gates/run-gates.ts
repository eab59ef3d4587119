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
export async function runGates(fs: ImageFs, opts: { profile: Profile; config?: GateConfig; checks?: readonly Check[]; memo?: ScanMemo }): Promise<GateResult> {
  const base: GateContext = { profile: opts.profile, config: opts.config ?? {}, files: new Map() };
  const checks = selectChecks(opts.checks ?? allChecks, base);
  const ctx: GateContext = { ...base, files: await preload(fs, [...new Set(checks.flatMap((c) => c.reads ?? []))]) };
  const found = new Map<string, Finding[]>(checks.map((c) => [c.id, []]));
  const scanners: [string, Scanner][] = [];
  for (const c of checks) { const s = c.scanner?.(fs, ctx); if (s) scanners.push([c.id, s]); }
  if (scanners.length > 0) await scanContent(fs, scanners, found, opts.memo);
  for (const c of checks) found.get(c.id)!.push(...c.run(fs, ctx));
  const findings = checks.flatMap((c) => found.get(c.id)!.sort(order));
  return { passed: !findings.some((f) => f.severity === 'error'), findings, checks: checks.map((c) => c.id) };
}

/**
 * What the content scan found in one layer, kept between runs: per scanner, the findings of each of the layer's
 * files (files with none are absent), and which of its paths later layers hid when it was recorded.
 */
export interface LayerScanRecord {
  hidden: string[];
  scanners: Record<string, Record<string, Finding[]>>;
}

/**
 * Layer scan results kept between runs, by a key the caller derives from the layer's content, its position and the
 * gate settings (undefined: not kept). A kept layer's files are not read again.
 */
export interface ScanMemo {
  keyOf(layer: number): string | undefined;
  read(key: string): Promise<LayerScanRecord | undefined>;
  write(key: string, record: LayerScanRecord): Promise<void>;
}

const hiddenPaths = (fs: ImageFs, layer: number, visible: Set<FsEntry>) =>
  fs.shadowed.filter((e) => e.layer === layer && !visible.has(e)).map((e) => e.path).sort();

/** The content pass: each wanted file read once, every scanner shown it; layers a memo knows are not read. */
async function scanContent(fs: ImageFs, scanners: [string, Scanner][], found: Map<string, Finding[]>, memo?: ScanMemo): Promise<void> {
  const visible = new Set<FsEntry>(fs.entries);
  // Scanners with a finish() keep state across files: they always read. The others' results are per file.
  const perFile = scanners.filter(([, s]) => !s.finish).map(([id]) => id);
  const layers = [...new Set([...fs.entries, ...fs.shadowed].map((e) => e.layer))];
  const known = new Map<number, LayerScanRecord>();
  const recording = new Map<number, { key: string; record: LayerScanRecord }>();
  for (const layer of layers) {
    const key = memo?.keyOf(layer);
    if (!memo || key === undefined) continue;
    const hidden = hiddenPaths(fs, layer, visible);
    const rec = await memo.read(key);
    const usable = rec && rec.hidden.join('\0') === hidden.join('\0') && perFile.every((id) => rec.scanners[id]);
    if (usable) known.set(layer, rec);
    else recording.set(layer, { key, record: { hidden, scanners: Object.fromEntries(perFile.map((id) => [id, {}])) } });
  }
  const replayed = (e: FsEntry, id: string) => known.has(e.layer) && e.content?.layer === e.layer && perFile.includes(id);
  const shadowed = scanners.some(([, s]) => s.shadowed);
  for (const e of shadowed ? [...fs.entries, ...fs.shadowed] : fs.entries) {
    for (const [id, s] of scanners) {
      if (!replayed(e, id) || (!visible.has(e) && !s.shadowed)) continue;
      found.get(id)!.push(...(known.get(e.layer)!.scanners[id]![e.path] ?? []));
    }
  }
  await fs.scan(
    (e) => Math.max(0, ...scanners.map(([id, s]) => (replayed(e, id) || (!visible.has(e) && !s.shadowed) ? 0 : s.wants(e)))),
    (e, bytes) => {
      const hidden = !visible.has(e);
      for (const [id, s] of scanners) {
        if ((hidden && !s.shadowed) || replayed(e, id)) continue;
        const n = s.wants(e);
        if (n <= 0) continue;
        const mine = bytes.length > n ? bytes.subarray(0, n) : bytes;
        const got = s.inspect(e, mine, { truncated: mine.length < e.size, hidden });
        found.get(id)!.push(...got);
        const rec = recording.get(e.layer)?.record.scanners[id];
        if (rec && got.length && e.content?.layer === e.layer) rec[e.path] = [...(rec[e.path] ?? []), ...got];
      }
    },
    { includeShadowed: shadowed },
  );
  for (const [id, s] of scanners) found.get(id)!.push(...(s.finish?.() ?? []));
  for (const { key, record } of recording.values()) await memo!.write(key, record);
}
