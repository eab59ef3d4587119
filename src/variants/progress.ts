// Reports how far a layer write has got, by counting the bytes its entries yield (layers can take minutes).
import type { FileEntry } from '../image/entry.js';
import type { Log } from '../log.js';

/** The same entries, whose content reads report progress in MB through the log. */
export function withProgress(entries: readonly FileEntry[], label: string, log: Log): FileEntry[] {
  const total = entries.reduce((n, e) => n + (e.type === 'file' ? e.size : 0), 0);
  const mb = (n: number) => Math.round(n / 1e6);
  if (total < 20e6) return [...entries];
  let done = 0;
  let shown = -1;
  return entries.map((e) => {
    if (!e.open) return e;
    const open = e.open;
    return {
      ...e,
      open: async function* () {
        for await (const chunk of open()) {
          done += chunk.length;
          if (mb(done) !== shown) { shown = mb(done); log.progress(`${label} (MB)`, Math.min(shown, mb(total)), mb(total)); }
          yield chunk;
        }
      },
    };
  });
}
