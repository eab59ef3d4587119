// Runs an image from an OCI layout with the real OCI runtime: umoci unpack → config.json edits → runc run → cleanup.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Time limit for running a test image: its test command compiles the project's tests from scratch (Go rebuilds its
 * standard library with -trimpath), which took 48 s on an idle machine and over 60 s in CI beside another build.
 */
export const TEST_IMAGE_TIME_LIMIT = 600_000;

/** Options of `runImage`. */
export interface RunOptions {
  /** Mount the root file system read-only (what prod images must survive). */
  readOnly: boolean;
  /** Replaces the image's Cmd (the Entrypoint stays). */
  args?: string[];
  /** Replaces the image's Entrypoint and Cmd (e.g. another binary of a multi-binary image); `args` follow it. */
  entrypoint?: string[];
  /** Extra environment entries ("K=V"). */
  env?: string[];
  /** Kill the container after this long (default 2 minutes); a killed run says so at the end of its stderr. */
  timeoutMs?: number;
  /** Host files or folders bound read-only into the container: container path → host path (e.g. a probe script). */
  binds?: Record<string, string>;
  /** Share the host's network namespace (to reach a server in the container from the test on 127.0.0.1). */
  hostNetwork?: boolean;
  /**
   * For servers: once the output matches `marker`, `run` is called (e.g. HTTP requests from the test), then the
   * container is killed; its error, if any, rejects runImage.
   */
  whenReady?: { marker: RegExp; run: (containerId: string) => Promise<void> };
  /** Last edit of the runtime spec (config.json) before the run, e.g. a Kubernetes security context. */
  edit?: (spec: any) => void;
}

/** Exit code and output of a container run. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function must(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
}

const REF_NAME = 'org.opencontainers.image.ref.name';

/** An image unpacked by umoci: its root file system (which a test may edit) and the runtime spec umoci wrote. */
export interface UnpackedImage {
  rootfs: string;
  /** The runtime spec as umoci made it from the image config (each run edits a copy). */
  spec: any;
  /** The image config's Entrypoint (what `args` follow). */
  entrypoint: string[];
}

/** Unpacks `layoutDir:tag` into `dir` (a new folder) with umoci. */
export function unpackImage(layoutDir: string, tag: string, dir: string): UnpackedImage {
  must('umoci', ['unpack', '--image', `${layoutDir}:${tag}`, dir]);
  const index = JSON.parse(readFileSync(join(layoutDir, 'index.json'), 'utf8'));
  const desc = index.manifests.find((d: { annotations?: Record<string, string> }) => d.annotations?.[REF_NAME] === tag);
  const manifest = JSON.parse(readFileSync(join(layoutDir, 'blobs/sha256', desc.digest.slice(7)), 'utf8'));
  const config = JSON.parse(readFileSync(join(layoutDir, 'blobs/sha256', manifest.config.digest.slice(7)), 'utf8'));
  const spec = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  return { rootfs: join(dir, spec.root.path), spec, entrypoint: config.config?.Entrypoint ?? [] };
}

/** Unpacks `layoutDir:tag` into a temp bundle and runs it with runc (as root); always cleans up. */
export async function runImage(layoutDir: string, tag: string, opts: RunOptions): Promise<RunResult> {
  const work = mkdtempSync(join(tmpdir(), 'airlock-run-'));
  try {
    return await runUnpacked(unpackImage(layoutDir, tag, join(work, 'bundle')), opts);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Runs an unpacked image with runc (as root) from a bundle of its own whose config.json names the unpacked root file
 * system, so runs of one unpacked image do not share a spec file.
 */
export async function runUnpacked(image: UnpackedImage, opts: RunOptions): Promise<RunResult> {
  const bundle = mkdtempSync(join(tmpdir(), 'airlock-bundle-'));
  const id = `airlock-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const spec = structuredClone(image.spec);
    spec.root.path = image.rootfs;
    spec.process.terminal = false;
    spec.root.readonly = opts.readOnly;
    if (opts.entrypoint) spec.process.args = [...opts.entrypoint, ...(opts.args ?? [])];
    else if (opts.args) spec.process.args = [...image.entrypoint, ...opts.args];
    if (opts.env) spec.process.env = [...(spec.process.env ?? []), ...opts.env];
    for (const [destination, source] of Object.entries(opts.binds ?? {})) {
      spec.mounts.push({ destination, source, type: 'bind', options: ['rbind', 'ro'] });
    }
    if (opts.hostNetwork) spec.linux.namespaces = spec.linux.namespaces.filter((n: { type: string }) => n.type !== 'network');
    opts.edit?.(spec);
    writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec, null, 2));
    return await new Promise<RunResult>((resolve, reject) => {
      const child = spawn('runc', ['run', '--bundle', bundle, id], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let readyError: unknown;
      let started = false;
      const ready = opts.whenReady;
      child.stdout.on('data', (c) => {
        stdout += String(c);
        if (ready && !started && ready.marker.test(stdout)) {
          started = true;
          ready.run(id).catch((e) => { readyError = e; }).finally(() => { spawnSync('runc', ['kill', id, 'KILL']); });
        }
      });
      child.stderr.on('data', (c) => { stderr += String(c); });
      const limitMs = opts.timeoutMs ?? 120_000;
      let timedOut = false;
      const timer = setTimeout(() => { timedOut = true; spawnSync('runc', ['kill', id, 'KILL']); }, limitMs);
      child.once('error', (e) => { clearTimeout(timer); reject(e); });
      child.once('close', (code) => {
        clearTimeout(timer);
        if (readyError) reject(readyError);
        else if (ready && !started) reject(new Error(`the server never printed ${ready.marker}${timedOut ? ` within the ${limitMs / 1000} s time limit` : ''}: ${stdout}${stderr}`));
        else resolve({ code, stdout, stderr: timedOut ? `${stderr}\n[runImage: killed after the ${limitMs / 1000} s time limit]` : stderr });
      });
    });
  } finally {
    spawnSync('runc', ['delete', '--force', id], { stdio: 'ignore' });
    rmSync(bundle, { recursive: true, force: true });
  }
}
