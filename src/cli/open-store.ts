// The store of the image a command argument names (sign, verify, vex): a relative path is taken from the working
// directory, a registry is reached with the user's credentials (plain HTTP with --insecure), retries are logged.
import type { ImageStore } from '../image/image-store.js';
import { openImageStore } from '../sinks/open-image.js';
import { parseRef } from '../sinks/ref.js';
import type { CommandContext } from './command.js';

/** The flags that say how to reach the image: plain HTTP, and the repository name a local image gets. */
export interface StoreFlags { insecure?: boolean; name?: string }

/** Opens the store of `arg`; `--name` is the repository a layout's or archive's image is named by in payloads. */
export function openStoreArg(arg: string, ctx: CommandContext, flags: StoreFlags): Promise<ImageStore> {
  const named = flags.name ? { repository: flags.name } : {};
  const io = { insecure: flags.insecure ?? false, env: ctx.env, log: ctx.log, ...named };
  return openImageStore(parseRef(arg, ctx.cwd), io);
}
