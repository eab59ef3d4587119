// What a CI workflow needs to know about a project, and the commands both CI systems run. Pure.

/** The facts of one config a workflow builds. */
export interface CiProject {
  /** The config, relative to the repository root ('/'-separated). */
  config: string;
  /** Its lock beside it (the CI cache is keyed by it). */
  lock: string;
  /** The output folder `airlock build` writes, relative to the repository root. */
  out: string;
  name: string;
  tag: string;
  /** The airlock version the workflow installs. */
  airlockVersion: string;
  /** `REGISTRY/NAME` to publish to; undefined: the CI's own variable (AIRLOCK_REPO). */
  repo?: string;
  /** How old dev tags get before the scheduled gc deletes them (`14d`). */
  devTagsMaxAge: string;
}

/** Debian packages airlock runs (mmdebstrap, bubblewrap, …) and the ones the workflow itself uses (podman, git). */
export const DEBIAN_PACKAGES = [
  'ca-certificates', 'git', 'nodejs', 'npm', 'mmdebstrap', 'bubblewrap', 'uidmap', 'arch-test',
  'debian-archive-keyring', 'dpkg-dev', 'binutils', 'gpgv', 'xz-utils', 'zstd', 'openssl', 'devscripts', 'podman',
];

/** The shell lines of each stage of the workflow (the same on GitHub and GitLab). */
export function commands(p: CiProject) {
  const testImage = `${p.name}:${p.tag}-test`;
  return {
    install: [
      'apt-get update -qq',
      `DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${DEBIAN_PACKAGES.join(' ')}`,
      'npm install --global "airlock@$AIRLOCK_VERSION"',
    ],
    build: [`airlock build -c ${p.config} --locked --out ${p.out}`],
    // The test image re-runs the test steps in a container of its own, without network.
    test: [
      `podman load -i ${p.out}/${p.name}-test.tar`,
      `podman run --rm --network=none ${testImage}`,
    ],
    sign: [
      'printf \'%s\\n\' "$AIRLOCK_SIGNING_KEY" > "$HOME/airlock.key"',
      `airlock sign oci:${p.out}/oci:${p.tag}-prod --key "$HOME/airlock.key"`,
    ],
    // Credentials for the registry named in AIRLOCK_REPO, where airlock reads them (the docker config file).
    login: [
      'mkdir -p "$HOME/.docker"',
      'auth=$(printf \'%s:%s\' "$AIRLOCK_REGISTRY_USER" "$AIRLOCK_REGISTRY_PASSWORD" | base64 -w0)',
      'printf \'{"auths":{"%s":{"auth":"%s"}}}\\n\' "${AIRLOCK_REPO%%/*}" "$auth" > "$HOME/.docker/config.json"',
    ],
    publish: [`airlock publish -c ${p.config} --out ${p.out} --repo "$AIRLOCK_REPO" --version "\${RELEASE_TAG#v}"`],
    gc: [`airlock gc "$AIRLOCK_REPO/dev" --older-than ${p.devTagsMaxAge}`],
  };
}

/** The header every generated workflow starts with. */
export function headerComment(p: CiProject, secrets: string): string {
  return [
    `# airlock CI for ${p.name} (${p.config}): build, run the test image, sign, publish on v* tags; gc of dev tags on`,
    '# a schedule. Written by `airlock ci`; re-run it after changing the config.',
    ...wrap(`Needs ${secrets}.`, 116).map((l) => `# ${l}`),
    '# Builds run in a privileged Debian 12 container: airlock sandboxes every step with bubblewrap (user namespaces).',
  ].join('\n');
}

/** Words into lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}
