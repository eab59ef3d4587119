// The written config (airlock.yaml) as a zod schema: the single source of validation, the JSON Schema and docs/config.md.
import { z } from 'zod';
import { DeploymentPolicy } from './policy-schema.js';
import { AppConfig, Kubernetes } from './deploy-schema.js';
import { Secrets } from './secrets-schema.js';
import { Artifact, Build, BuildFlags, Debian, NestedPackages, PackageList, Runtime, Variants } from './schema-fields.js';

/** OCI image name grammar (distribution spec path components, no registry host). */
export const IMAGE_NAME = /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$/;
/** OCI tag grammar, shortened by 5 so that `TAG-prod` is still a valid tag. */
export const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,122}$/;

/** Every spelling accepted for `base_language`, and its canonical name. */
export const LANGUAGE_ALIASES = {
  c: 'c',
  cpp: 'cpp',
  'c++': 'cpp',
  go: 'go',
  rust: 'rust',
  python: 'python',
  node: 'node',
  nodejs: 'node',
  javascript: 'node',
  typescript: 'node',
  java: 'java',
} as const;

/** Canonical language names. */
export type Language = (typeof LANGUAGE_ALIASES)[keyof typeof LANGUAGE_ALIASES];

const languageNames = Object.keys(LANGUAGE_ALIASES) as [keyof typeof LANGUAGE_ALIASES, ...(keyof typeof LANGUAGE_ALIASES)[]];

/** What the user writes in airlock.yaml. */
export const WrittenConfigSchema = z
  .strictObject({
    name: z
      .string()
      .regex(IMAGE_NAME, { error: 'expected an image name: lowercase letters and digits separated by ".", "_", "__" or "-", path parts joined by "/"' })
      .describe('Required. Image name (no registry host, no tag). Example: my-application'),
    tag: z
      .union([z.string().regex(TAG, { error: 'expected a tag: [A-Za-z0-9_] then up to 122 of [A-Za-z0-9._-] (so that TAG-prod is still a valid tag)' }), z.number()])
      .optional()
      .meta({ default: 'latest' })
      .describe('Optional. Image tag; the images are NAME:TAG-dev, NAME:TAG-prod, NAME:TAG-test and NAME:TAG (= prod). Default: latest. Example: "1.4.2"'),
    base_language: z
      .enum(languageNames, { error: `expected one of ${languageNames.join(', ')}` })
      .optional()
      .meta({ default: 'c' })
      .describe('Optional. The language toolchain of the builder: c, cpp (or c++), go, rust, python, node (or nodejs, javascript, typescript), java. Default: c (a warning is printed).'),
    version: z
      .union([z.string().min(1), z.number()])
      .optional()
      .describe('Optional. Toolchain version, checked against what the Debian suite offers. Examples: gcc-12, 12, 3.11, 1.19, 17. Default: the suite\'s default toolchain.'),
    dev_packages: PackageList.optional().describe('Optional. Debian packages for the builder and the dev image only (never prod). Default: []. Example: [cmake, git]'),
    packages: z
      .union([PackageList, NestedPackages])
      .optional()
      .describe('Optional. Runtime Debian packages (builder, dev and prod). A list, or the nested form {dev_packages: [...], packages: [...]}. Java: a JRE listed here (e.g. openjdk-17-jre-headless) replaces the runtime jlink makes for prod. Default: []. Example: [ca-certificates, curl]'),
    source: z.string().min(1).optional().describe('Optional. The build context, relative to the config file; .airlockignore (or .dockerignore) is honoured. Default: the config file\'s folder.'),
    build: Build.optional().describe('Optional. Shell steps run in the builder sandbox. Each list defaults to the language\'s conventional steps.'),
    artifacts: z
      .array(Artifact)
      .optional()
      .describe('Optional. What crosses the airlock into prod. Default: everything installed under $AIRLOCK_OUT except headers, static libraries, libtool archives, pkg-config files and man/info/doc pages (those stay in dev).'),
    runtime: Runtime.optional().describe('Optional. How prod runs (entrypoint, cmd, env, workdir, user, ports); labels go on every image. dev starts a shell in /src, test runs build.test.'),
    build_flags: BuildFlags.optional().describe('Optional. Compiler flag policy.'),
    variants: Variants.optional().describe('Optional. Per-variant switches. Defaults: dev = tools + source + tests, no strip; prod = none of them, strip; test = tools + source + tests, no strip.'),
    deployment_policy: DeploymentPolicy.optional().describe('Optional. Which images may run in production, staging and development: tag patterns, variant, signature, attestations, gates (checked by `airlock policy check`, exported by `airlock policy export`). Default: each environment\'s defaults.'),
    app_config: AppConfig.optional(),
    kubernetes: Kubernetes.optional(),
    secrets: Secrets.optional(),
    debian: Debian.optional().describe('Optional. Debian suite, architecture, apt sources and keyring.'),
  })
  .describe('airlock.yaml: one file describing a family of images (dev, prod, test) built from Debian packages.');

/** The written config, as parsed (before normalization). */
export type WrittenConfig = z.infer<typeof WrittenConfigSchema>;
