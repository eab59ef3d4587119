// Environment overlays: a base application config and an overlay merged deterministically (pure).
import { parse, stringify } from 'yaml';
import { AirlockError } from '../errors.js';

type Value = unknown;
const isMap = (v: Value): v is Record<string, Value> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Maps are merged key by key, recursively; anything else in the overlay (a list, a scalar, null) replaces the base
 * value. Keys keep the base's order, then the overlay's new keys in its order.
 */
export function mergeConfig(base: Value, overlay: Value): Value {
  if (!isMap(base) || !isMap(overlay)) return overlay === undefined ? base : overlay;
  const out: Record<string, Value> = {};
  // Keys as own data properties: a key such as "__proto__" is a key like any other, never the prototype.
  const put = (k: string, value: Value) => Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  for (const k of Object.keys(base)) put(k, Object.hasOwn(overlay, k) ? mergeConfig(base[k], overlay[k]) : base[k]);
  for (const k of Object.keys(overlay)) if (!Object.hasOwn(base, k)) put(k, overlay[k]);
  return out;
}

/** A config file's value (YAML, of which JSON is a subset); `name` is used in errors. */
export function parseConfigFile(text: string, name: string): Value {
  try {
    return parse(text, { uniqueKeys: true }) ?? {};
  } catch (e) {
    throw new AirlockError('usage', 'app-config-unreadable', `app_config: ${name} is not YAML or JSON: ${(e as Error).message}`, {
      location: name, hint: 'fix the file; overlays are YAML or JSON maps' });
  }
}

/** The merged value as the bytes written at `path`: JSON (2 spaces) for *.json, else YAML; a final newline. */
export function renderConfig(value: Value, path: string): string {
  return path.endsWith('.json') ? `${JSON.stringify(value, null, 2)}\n` : stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** The files of one application config: the base, and the overlays of dev and prod (absent: the base alone). */
export interface AppConfigTexts {
  base: { name: string; text: string };
  dev?: { name: string; text: string };
  prod?: { name: string; text: string };
  path: string;
}

/** The base as written out, and the merged file of dev and of prod (test gets prod's). */
export function mergedConfigs(t: AppConfigTexts): { base: string; dev: string; prod: string } {
  const base = parseConfigFile(t.base.text, t.base.name);
  const env = (o?: { name: string; text: string }) => renderConfig(o ? mergeConfig(base, parseConfigFile(o.text, o.name)) : base, t.path);
  return { base: env(undefined), dev: env(t.dev), prod: env(t.prod) };
}
