// The registry of all gate checks, in report order.
import type { Check } from '../types.js';
import { elfHardening } from './elf-hardening.js';
import { entrypointExecutable, reproducibleMetadata } from './metadata.js';
import { noCompiler, noDebugger, noPackageManager } from './named-tools.js';
import { noSecrets } from './no-secrets.js';
import { noShell } from './no-shell.js';
import { noSourceLeftovers } from './no-source-leftovers.js';
import { sizeBudget } from './size-budget.js';
import { noDevConfig } from './no-dev-config.js';
import { nonRootUser, noSetuid, noWorldWritable } from './user-and-perms.js';

/** Every check airlock knows, in the order findings are reported. */
export const allChecks: readonly Check[] = [
  noShell, noPackageManager, noCompiler, noDebugger,
  nonRootUser, noSetuid, noWorldWritable,
  noSecrets, noSourceLeftovers, elfHardening,
  reproducibleMetadata, entrypointExecutable, sizeBudget, noDevConfig,
];
