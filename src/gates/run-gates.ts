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
  const scanners: [Check, Scanner][] = [];
  for (const c of checks) { const s = c.scanner?.(fs, ctx); if (s) scanners.push([c, s]); }
  if (scanners.length > 0) await scanContent(fs, scanners, ctx, found, opts.memo);
  for (const c of checks) found.get(c.id)!.push(...c.run(fs, ctx));
  const findings = checks.flatMap((c) => found.get(c.id)!.sort(order));
  return { passed: !findings.some((f) => f.severity === 'error'), findings, checks: checks.map((c) => c.id) };
}

/**
 * What one scanner found in one layer, kept between runs: the findings of each of the layer's files (files with none
 * are absent), and which of its paths later layers hid when it was recorded.
 */
export interface LayerScanRecord {
  hidden: string[];
  files: Record<string, Finding[]>;
}

/**
 * Per-file scan results kept between runs, one record per layer and scanner, by a key the caller derives from the
 * layer's content and position, the scanner and the settings its findings depend on (`settings`: what the check
 * declares in `scanSettings`, or undefined when it declares nothing and the caller must key by all of its settings).
 * Undefined: not kept. A file a record covers is not read again while it is hidden, or not, as it was then.
 */
export interface ScanMemo {
  keyOf(layer: number, scanner: string, settings: unknown): string | undefined;
  read(key: string): Promise<LayerScanRecord | undefined>;
  write(key: string, record: LayerScanRecord): Promise<void>;
}

const hiddenPaths = (fs: ImageFs, layer: number, visible: Set<FsEntry>) =>
  fs.shadowed.filter((e) => e.layer === layer && !visible.has(e)).map((e) => e.path).sort();

interface Replay { hidden: Set<string>; files: Record<string, Finding[]> }

/** The content pass: each wanted file read once, every scanner shown it; files a memo knows are not read. */
async function scanContent(fs: ImageFs, scanners: [Check, Scanner][], ctx: GateContext, found: Map<string, Finding[]>, memo?: ScanMemo): Promise<void> {
  const visible = new Set<FsEntry>(fs.entries);
  const layers = [...new Set([...fs.entries, ...fs.shadowed].map((e) => e.layer))];
  // By layer, then by check (looked up for every entry and scanner: no key strings are made).
  const known = new Map<number, Map<string, Replay>>();
  const recording = new Map<number, Map<string, { key: string; record: LayerScanRecord }>>();
  const at = <T>(m: Map<number, Map<string, T>>, layer: number) => {
    let byCheck = m.get(layer);
    if (!byCheck) { byCheck = new Map(); m.set(layer, byCheck); }
    return byCheck;
  };
  for (const [check, s] of scanners) {
    // Scanners with a finish() keep state across files: they always read. The others' results are per file.
    if (!memo || s.finish) continue;
    for (const layer of layers) {
      const key = memo.keyOf(layer, check.id, check.scanSettings?.(ctx));
      if (key === undefined) continue;
      const rec = await memo.read(key);
      if (rec && Array.isArray(rec.hidden) && rec.files && typeof rec.files === 'object') at(known, layer).set(check.id, { hidden: new Set(rec.hidden), files: rec.files });
      // Paths are keys: no prototype, so a file named __proto__ or constructor is a path like any other.
      else at(recording, layer).set(check.id, { key, record: { hidden: hiddenPaths(fs, layer, visible), files: Object.create(null) as Record<string, Finding[]> } });
    }
  }
  // A recorded file replays while it is hidden as it was when recorded (the `hidden` flag is part of its findings).
  const replay = (e: FsEntry, id: string) => {
    const r = e.content?.layer === e.layer ? known.get(e.layer)?.get(id) : undefined;
    return r && r.hidden.has(e.path) === !visible.has(e) ? r : undefined;
  };
  const skip = (e: FsEntry, id: string, s: Scanner) => (!visible.has(e) && !s.shadowed) || replay(e, id) !== undefined;
  const shadowed = scanners.some(([, s]) => s.shadowed);
  for (const e of shadowed ? [...fs.entries, ...fs.shadowed] : fs.entries) {
    for (const [check, s] of scanners) {
      if (!visible.has(e) && !s.shadowed) continue;
      const r = replay(e, check.id);
      const kept = r && Object.hasOwn(r.files, e.path) ? r.files[e.path] : undefined;
      if (Array.isArray(kept)) found.get(check.id)!.push(...kept);
    }
  }
  await fs.scan(
    (e) => {
      // The most any scanner that still needs the file wants of it (a loop: this runs for every entry of the image).
      let most = 0;
      for (const [c, s] of scanners) if (!skip(e, c.id, s)) most = Math.max(most, s.wants(e));
      return most;
    },
    (e, bytes) => {
      const hidden = !visible.has(e);
      for (const [check, s] of scanners) {
        if (skip(e, check.id, s)) continue;
        const n = s.wants(e);
        if (n <= 0) continue;
        const mine = bytes.length > n ? bytes.subarray(0, n) : bytes;
        const got = s.inspect(e, mine, { truncated: mine.length < e.size, hidden });
        found.get(check.id)!.push(...got);
        const rec = recording.get(e.layer)?.get(check.id)?.record.files;
        if (rec && got.length && e.content?.layer === e.layer) rec[e.path] = [...(Object.hasOwn(rec, e.path) ? rec[e.path]! : []), ...got];
      }
    },
    { includeShadowed: shadowed },
  );
  for (const [check, s] of scanners) found.get(check.id)!.push(...(s.finish?.() ?? []));
  for (const byCheck of recording.values()) for (const { key, record } of byCheck.values()) await memo!.write(key, record);
}
