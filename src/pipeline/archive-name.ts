// The docker-archive file name of a variant (kept apart so that commands name archives without loading outputs.ts).
import type { VariantName } from '../report/report.js';

/** Archive file name for a variant: the image name with '/' replaced. */
export function archiveName(name: string, variant: VariantName): string {
  return `${name.replace(/\//g, '_')}-${variant}.tar`;
}
