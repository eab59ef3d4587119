// Durations on the command line (`7d`, `12h`, `1w2d`) and ages for display: pure.
import { AirlockError } from '../errors.js';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parses a duration such as `7d`, `36h` or `1w2d` into milliseconds; errors point at the first bad character. */
export function parseDuration(text: string, location = '--older-than'): number {
  const fail = (at: number, why: string): never => {
    throw new AirlockError('usage', 'bad-duration', `"${text}": ${why} at character ${at + 1}`, {
      location, hint: 'write a whole number and a unit (s, m, h, d, w), e.g. 7d, 36h or 1w2d',
    });
  };
  if (text === '') fail(0, 'empty duration');
  let ms = 0;
  let i = 0;
  while (i < text.length) {
    const digits = /^\d+/.exec(text.slice(i))?.[0];
    if (!digits) fail(i, text[i] === '-' ? 'a duration cannot be negative' : `expected a number, found "${text[i]}"`);
    i += digits!.length;
    const unit = text[i];
    if (unit === undefined) fail(i, 'missing unit');
    if (!(unit! in UNIT_MS)) fail(i, `"${unit}" is not a unit`);
    ms += Number(digits) * UNIT_MS[unit!]!;
    i++;
  }
  return ms;
}

/** An age in the largest whole unit up to days: `12d`, `5h`, `40s`. */
export function formatAge(ms: number): string {
  for (const u of ['d', 'h', 'm'] as const) if (ms >= UNIT_MS[u]!) return `${Math.floor(ms / UNIT_MS[u]!)}${u}`;
  return `${Math.max(0, Math.floor(ms / 1000))}s`;
}
