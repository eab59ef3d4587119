// Timestamps in evidence come only from the image epoch, never from the wall clock.
import { AirlockError } from '../errors.js';

/** Formats epoch seconds as `YYYY-MM-DDThh:mm:ssZ` (the form SPDX, SLSA and OpenVEX expect). */
export function isoSeconds(epoch: number): string {
  if (!Number.isInteger(epoch) || epoch < 0) {
    throw new AirlockError('internal', 'bad-epoch', `evidence epoch must be a non-negative integer of seconds, got ${epoch}`);
  }
  return new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
