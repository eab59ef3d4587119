// Sizes on the command line: bytes, K/M/G/T (powers of 1024, as du and df print them), KB/MB/GB/TB (powers of 1000)
// and KiB/MiB/GiB/TiB, as the config's sizes (config/size.ts) read the last two.
import { parseSize } from '../config/size.js';
import { AirlockError } from '../errors.js';

const BINARY_LETTERS = ['k', 'm', 'g', 't'];

/** Bytes of a size such as `500M`, `2G`, `1.5GiB`, `800MB` or `1048576`; undefined when it cannot be read. */
export function parseByteSize(text: string): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*([kmgt])$/i.exec(text.trim());
  if (!m) return parseSize(text);
  const bytes = Math.round(Number(m[1]) * 1024 ** (BINARY_LETTERS.indexOf(m[2]!.toLowerCase()) + 1));
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** The bytes of a `--max-size` value, or a usage error saying how to write one. */
export function maxSizeArgument(text: string): number {
  const bytes = parseByteSize(text);
  if (bytes === undefined) {
    throw new AirlockError('usage', 'bad-size', `--max-size: cannot read '${text}' as a size`, {
      hint: 'write bytes or a number with a unit: 500M, 2G (powers of 1024), 800MB (1000), 1.5GiB',
    });
  }
  return bytes;
}

/** The days of a `--keep-days` value (a non-negative number), or a usage error. */
export function keepDaysArgument(text: string): number {
  const days = /^[0-9]+(?:\.[0-9]+)?$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isFinite(days)) {
    throw new AirlockError('usage', 'bad-days', `--keep-days: '${text}' is not a number of days`, {
      hint: 'e.g. --keep-days 30 (0 removes everything not in use)',
    });
  }
  return days;
}
