// A log that masks secret values in step output: lines are held until complete, so a value split across chunks is
// still masked.
import type { Log } from '../log.js';

/** `text` with every occurrence of a value replaced by `***`. */
export function maskText(text: string, values: readonly Uint8Array[]): string {
  const texts = values.map((v) => Buffer.from(v).toString('utf8')).filter((t) => t.length > 0);
  return texts.reduce((acc, t) => acc.split(t).join('***'), text);
}

/** `log` with every occurrence of a value in `output` replaced by `***` (flush() writes a last partial line). */
export function redactingLog(log: Log, values: readonly Uint8Array[]): Log & { flush(): void } {
  const mask = (s: string) => maskText(s, values);
  let partial = '';
  return {
    info: (m) => log.info(mask(m)),
    warn: (m) => log.warn(mask(m)),
    progress: (l, d, t) => log.progress(l, d, t),
    output(chunk) {
      const text = partial + chunk;
      const cut = text.lastIndexOf('\n') + 1;
      partial = text.slice(cut);
      if (cut > 0) log.output(mask(text.slice(0, cut)));
    },
    flush() {
      if (partial) log.output(mask(partial));
      partial = '';
    },
  };
}
