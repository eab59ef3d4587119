// Edits of an example's airlock.yaml for the benches (pure: text in, text out; comments and order kept).
import { parseDocument } from 'yaml';

/** The config text with `variants.prod.slicing` set to `mode`, the other fields and the comments as they were. */
export function withSlicing(text: string, mode: 'auto' | 'off'): string {
  const doc = parseDocument(text);
  if (doc.errors.length) throw new Error(`airlock.yaml does not parse: ${doc.errors[0]!.message}`);
  doc.setIn(['variants', 'prod', 'slicing'], mode);
  return doc.toString();
}
