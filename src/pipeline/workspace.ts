// A private work area for one build: a writable copy of the source, the install root and scratch space.
import { access, cp, lstat, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';

/** A file every airlock output folder holds, so later builds leave such folders out of their context. */
export const OUTPUT_MARKER = '.airlock-output';
/** What the marker says to a person who opens it. */
export const OUTPUT_MARKER_TEXT = 'This folder holds airlock outputs; builds leave it out of their source context.\n';

export interface Workspace {
  root: string;
  /** Pristine copy of the build context (never written to; dev gets this). */
  pristine: string;
  /** The copy the build runs in (/src in the sandbox; test gets this after the build). */
  src: string;
  /** The install root ($AIRLOCK_OUT in the sandbox). */
  out: string;
  /** Stripped prod artifacts. */
  stripped: string;
  dispose(): Promise<void>;
}

/** Copies the build context twice (pristine and work) honouring the ignore matcher; the user's tree is never modified. */
export async function createWorkspace(sourceDir: string, ignored: (rel: string, isDir: boolean) => boolean, base = tmpdir()): Promise<Workspace> {
  const root = await mkdtemp(join(base, 'airlock-build-'));
  const ws: Workspace = {
    root,
    pristine: join(root, 'pristine'),
    src: join(root, 'src'),
    out: join(root, 'out'),
    stripped: join(root, 'stripped'),
    dispose: () => rm(root, { recursive: true, force: true }),
  };
  const filter = async (from: string): Promise<boolean> => {
    const rel = relative(sourceDir, from).split(sep).join('/');
    if (rel === '') return true;
    const isDir = (await lstat(from)).isDirectory();
    // Outputs of earlier builds (wherever --out put them) are never part of a build context.
    if (isDir && (await access(join(from, OUTPUT_MARKER)).then(() => true, () => false))) return false;
    return !ignored(rel, isDir);
  };
  await mkdir(ws.out, { recursive: true });
  await mkdir(ws.stripped, { recursive: true });
  await cp(sourceDir, ws.pristine, { recursive: true, filter, verbatimSymlinks: true, preserveTimestamps: true });
  await cp(ws.pristine, ws.src, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  return ws;
}
