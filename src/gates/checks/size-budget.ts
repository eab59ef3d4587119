// size-budget: the bytes an image ships (every layer's file content, hidden files included) stay within max_size.
import { AirlockError } from '../../errors.js';
import type { Check } from '../types.js';

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/** Parses a size: a byte count or '50MB', '48MiB', '1.5G' (decimal k/M/G, binary KiB/MiB/GiB). */
export function parseSize(v: number | string): number {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return Math.floor(v);
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(String(v));
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new AirlockError('usage', 'bad-size', `"${v}" is not a size`, { hint: "write a byte count or a size like '50MB' or '48MiB'" });
  return Math.floor(Number(m[1]) * unit);
}

const human = (n: number) => (n >= 1024 ** 2 ? `${(n / 1024 ** 2).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);

/** Sum of file content over all layers versus config.maxSize. */
export const sizeBudget: Check = {
  id: 'size-budget',
  severity: 'error',
  profiles: ['any'],
  description: 'the file content of all layers (including files hidden by later layers) is at most max_size',
  applies: (ctx) => ctx.config.maxSize !== undefined,
  run(fs, ctx) {
    const max = parseSize(ctx.config.maxSize!);
    const total = fs.layers.reduce((a, l) => a + l.bytes, 0);
    if (total <= max) return [];
    const biggest = [...fs.entries].filter((e) => e.type === 'file').sort((a, b) => b.size - a.size || (a.path < b.path ? -1 : 1)).slice(0, 3);
    return [{ id: 'size-budget', severity: 'error', message: `image content is ${human(total)} (${total} bytes), over the ${human(max)} budget; largest files: ${biggest.map((e) => `/${e.path} ${human(e.size)}`).join(', ')}` }];
  },
};
