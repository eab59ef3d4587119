// Build secrets around the steps (the values for the sandbox, a masking log, a scan of what a step wrote) and the
// scan of the finished variants.
import type { Log } from '../log.js';
import { diffTrees, snapshotTree, type StatEntry } from './tree-diff.js';
import { secretNeedles } from '../secrets/needles.js';
import { maskText, redactingLog } from '../secrets/redact.js';
import { AirlockError } from '../errors.js';
import type { SecretValue } from '../secrets/read.js';
import { scanFiles, scanImage, secretLeakError } from '../secrets/scan.js';
import type { FileEntry } from '../image/entry.js';

export type { SecretValue } from '../secrets/read.js';

/** The guard of one step (`step.secrets` names the ids it gets; a step with none gets a guard that does nothing). */
export function guardSecrets(step: { id: string; secrets?: { id: string; env?: string }[] },
  values: readonly SecretValue[], log: Log) {
  const given = (step.secrets ?? []).map((s) => {
    const v = values.find((x) => x.id === s.id);
    if (!v) throw new Error(`internal: no value for secret ${s.id}`);
    return { id: s.id, value: v.value, ...(s.env ? { env: s.env } : {}) };
  });
  const masked = given.length ? redactingLog(log, given.map((g) => g.value)) : undefined;
  return {
    log: masked ?? log,
    sandbox: given.length ? { secrets: given } : {},
    async run<O>(opts: O, f: (o: O) => Promise<void>): Promise<void> {
      try {
        await f(opts);
      } catch (e) {
        // A failed step's message quotes its last output lines: masked like the log.
        if (!(e instanceof AirlockError) || !given.length) throw e;
        const values = given.map((g) => g.value);
        throw new AirlockError('build', e.code, maskText(e.message, values), { ...(e.hint ? { hint: e.hint } : {}) });
      } finally {
        masked?.flush();
      }
    },
    /** Throws exit 6 when a file the step added or changed (or its name) holds a secret, before anything keeps it. */
    async check(roots: Record<string, [dir: string, before: Map<string, StatEntry>]>): Promise<void> {
      if (!given.length) return;
      const needles = given.map((g) => secretNeedles(g.id, g.value));
      const finds = [];
      for (const [root, [dir, before]] of Object.entries(roots)) {
        const after = await snapshotTree(dir);
        const changed = diffTrees(before, after).changed;
        const files = new Set(changed.filter((p) => after.get(p)?.type === 'file'));
        finds.push(...await scanFiles(`${step.id} (${root})`, dir, changed, (p) => files.has(p), needles));
      }
      if (finds.length) throw secretLeakError(finds);
    },
  };
}

/** Scans every variant (each layer's names and contents, the image config) for every secret; a find fails (exit 6). */
export async function scanVariantsForSecrets(
  variants: Partial<Record<'dev' | 'prod' | 'test', { image: { configBytes: Uint8Array }; layers: FileEntry[][] }>>,
  values: readonly SecretValue[], log: Log, last = true,
): Promise<void> {
  if (!values.length) return;
  const needles = values.map((v) => secretNeedles(v.id, v.value));
  const finds = [];
  for (const v of ['dev', 'prod', 'test'] as const) {
    const variant = variants[v];
    if (variant) finds.push(...await scanImage(v, variant.layers, variant.image.configBytes, needles));
  }
  if (finds.length) throw secretLeakError(finds);
  // Said once, after the last variants (prod and dev are scanned while the tests run, test after them).
  if (last) log.info(`secrets: ${values.map((v) => v.id).join(', ')} found in no variant (raw or base64)`);
}
