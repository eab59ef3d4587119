// The store of the image a command argument names (sign, verify, vex): a relative path is taken from the working
// directory, a registry is reached with the user's credentials (plain HTTP with --insecure), retries are logged.
import type { ImageStore } from '../image/image-store.js';
import { openImage, openImageStore } from '../sinks/open-image.js';
import { parsePlatform } from '../image/platform.js';
import { parseRef } from '../sinks/ref.js';
import type { CommandContext } from './command.js';

/** The flags that say how to reach the image: plain HTTP, and the repository name a local image gets. */
export interface StoreFlags { insecure?: boolean; name?: string; platform?: string | undefined }

/** Opens the store of `arg`; `--name` is the repository a layout's or archive's image is named by in payloads. */
export async function openStoreArg(arg: string, ctx: CommandContext, flags: StoreFlags): Promise<ImageStore> {
  const named = flags.name ? { repository: flags.name } : {};
  const io = { insecure: flags.insecure ?? false, env: ctx.env, log: ctx.log, ...named };
  const ref = parseRef(arg, ctx.cwd);
  if (flags.platform === undefined) return openImageStore(ref, io);
  // --platform: the store of that platform's image of a multi-platform index (named by its digest).
  const image = await openImage(ref, { ...io, platform: parsePlatform(flags.platform) });
  if (ref.kind === 'oci') return openImageStore({ ...ref, tag: image.digest }, io);
  if (ref.kind === 'registry') return openImageStore({ ...ref, digest: image.digest }, io);
  return openImageStore(ref, io);
}
