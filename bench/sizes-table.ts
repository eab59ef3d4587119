// The pure part of bench/sizes.ts: issue #15's size targets, whether a result meets them, and the table's rows.
// Sizes are bytes; MB means 10^6 bytes. `tar` is the sum of the layers' uncompressed tar lengths (the diff tars),
// `gz` the sum of their gzip-compressed lengths; the same two measures for every column.

/** One image's size: uncompressed layer tars and gzip-compressed layers, in bytes. */
export interface ImageSize { tar: number; gz: number }

/** A column's value: a size, or why there is none. */
export type Measured = ImageSize | { error: string };

/** A target: at most `max` bytes of one measure of prod with slicing auto, or no larger than prod with slicing off. */
export type Target = { measure: keyof ImageSize; max: number } | { notLargerThanOff: true };

const MB = 1e6;

/** Issue #15's targets, by example. */
export const TARGETS: Record<string, Target> = {
  'hello-c': { measure: 'tar', max: 3.5 * MB },
  'cpp-service': { measure: 'tar', max: 6 * MB },
  'go-api': { notLargerThanOff: true },
  'python-web': { measure: 'gz', max: 15 * MB },
  'node-web': { measure: 'gz', max: 27 * MB },
  'java-app': { measure: 'gz', max: 45 * MB },
};

/** One example's three columns. */
export interface SizesResult { example: string; off: Measured; auto: Measured; docker: Measured }

const isSize = (m: Measured): m is ImageSize => !('error' in m);

/** Bytes as MB: two decimals under 10 MB, one above. */
export function mb(bytes: number): string {
  const v = bytes / MB;
  return v < 10 ? v.toFixed(2) : v.toFixed(1);
}

/** A size cell, "tar / gz" in MB, or the reason there is none. */
export const sizeCell = (m: Measured): string => (isSize(m) ? `${mb(m.tar)} / ${mb(m.gz)}` : m.error);

/** auto / docker for each measure, "tar / gz"; '-' when either is missing. */
export function ratioCell(auto: Measured, docker: Measured): string {
  if (!isSize(auto) || !isSize(docker) || docker.tar === 0 || docker.gz === 0) return '-';
  return `${(auto.tar / docker.tar).toFixed(3)} / ${(auto.gz / docker.gz).toFixed(3)}`;
}

/** The target in words. */
export function targetText(t: Target | undefined): string {
  if (!t) return '-';
  if ('notLargerThanOff' in t) return '<= slicing off (tar and gz)';
  return `<= ${t.max / MB} MB ${t.measure}`;
}

/** Whether slicing auto meets the target; undefined when there is no target or a size is missing. */
export function targetMet(t: Target | undefined, off: Measured, auto: Measured): boolean | undefined {
  if (!t || !isSize(auto)) return undefined;
  if (!('notLargerThanOff' in t)) return auto[t.measure] <= t.max;
  return isSize(off) ? auto.tar <= off.tar && auto.gz <= off.gz : undefined;
}

/** The column titles of the table. */
export const SIZE_COLUMNS = [
  'example', 'slicing off', 'slicing auto', 'Docker multi-stage', 'ratio auto/docker', 'target (#15)', 'met?',
] as const;

/** One table row per result, in SIZE_COLUMNS order. */
export function sizeRows(results: readonly SizesResult[], targets: Record<string, Target> = TARGETS): string[][] {
  return results.map((r) => {
    const t = targets[r.example];
    const met = targetMet(t, r.off, r.auto);
    const metText = met === undefined ? '-' : met ? 'yes' : 'NO';
    const sizes = [sizeCell(r.off), sizeCell(r.auto), sizeCell(r.docker)];
    return [r.example, ...sizes, ratioCell(r.auto, r.docker), targetText(t), metText];
  });
}
