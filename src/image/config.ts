// The OCI image config: types, RFC 3339 time from an epoch, and fixed-key-order bytes.
import { AirlockError } from '../errors.js';
import type { Digest } from './digest.js';
import { jsonBytes, sortedRecord } from './json.js';

/** The runtime part of a config (`config` in the JSON). */
export interface RuntimeConfig {
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  Volumes?: Record<string, Record<string, never>>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
}

/** One history record. */
export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

/** The OCI image config document. */
export interface ConfigFile {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  variant?: string;
  config?: RuntimeConfig;
  rootfs: { type: 'layers'; diff_ids: Digest[] };
  history?: HistoryEntry[];
}

/** RFC 3339 UTC time (second precision) from epoch seconds. */
export function rfc3339(epoch: number): string {
  if (!Number.isSafeInteger(epoch) || epoch < 0) {
    throw new AirlockError('usage', 'bad-epoch', `epoch ${epoch} is not a non-negative integer`, { hint: 'set SOURCE_DATE_EPOCH to whole seconds since 1970' });
  }
  return new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function orderedRuntime(c: RuntimeConfig): RuntimeConfig {
  const o: RuntimeConfig = {};
  if (c.User !== undefined) o.User = c.User;
  if (c.ExposedPorts && Object.keys(c.ExposedPorts).length) o.ExposedPorts = sortedRecord(c.ExposedPorts);
  if (c.Env) o.Env = [...c.Env];
  if (c.Entrypoint) o.Entrypoint = [...c.Entrypoint];
  if (c.Cmd) o.Cmd = [...c.Cmd];
  if (c.Volumes && Object.keys(c.Volumes).length) o.Volumes = sortedRecord(c.Volumes);
  if (c.WorkingDir !== undefined) o.WorkingDir = c.WorkingDir;
  if (c.Labels && Object.keys(c.Labels).length) o.Labels = sortedRecord(c.Labels);
  if (c.StopSignal !== undefined) o.StopSignal = c.StopSignal;
  return o;
}

function orderedHistory(h: HistoryEntry): HistoryEntry {
  const o: HistoryEntry = {};
  if (h.created !== undefined) o.created = h.created;
  if (h.created_by !== undefined) o.created_by = h.created_by;
  if (h.author !== undefined) o.author = h.author;
  if (h.comment !== undefined) o.comment = h.comment;
  if (h.empty_layer) o.empty_layer = true;
  return o;
}

/** The config in fixed key order (what `configBytes` serializes). */
export function orderedConfig(c: ConfigFile): ConfigFile {
  const o: Partial<ConfigFile> = {};
  if (c.created !== undefined) o.created = c.created;
  if (c.author !== undefined) o.author = c.author;
  o.architecture = c.architecture;
  o.os = c.os;
  if (c.variant !== undefined) o.variant = c.variant;
  if (c.config) o.config = orderedRuntime(c.config);
  o.rootfs = { type: 'layers', diff_ids: [...c.rootfs.diff_ids] };
  if (c.history?.length) o.history = c.history.map(orderedHistory);
  return o as ConfigFile;
}

/** Config bytes with a fixed key order. */
export function configBytes(c: ConfigFile): Uint8Array {
  return jsonBytes(orderedConfig(c));
}

/** Turns a list like ["8080/tcp", "53/udp", "80"] into the ExposedPorts map ("80" → "80/tcp"). */
export function exposedPorts(ports: readonly string[]): Record<string, Record<string, never>> {
  const out: Record<string, Record<string, never>> = {};
  for (const p of ports) {
    const m = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/.exec(p);
    if (!m || Number(m[1]) > 65535) {
      throw new AirlockError('usage', 'bad-port', `"${p}" is not a port`, { hint: 'write ports as 8080 or 8080/tcp or 53/udp' });
    }
    out[`${Number(m[1])}/${m[2] ?? 'tcp'}`] = {};
  }
  return out;
}
