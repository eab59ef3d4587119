#!/usr/bin/env bash
# Installs what airlock and its tests need on a Debian 12 machine, then builds the CLI.
# Idempotent: each step is skipped when already done. Needs root for apt-get (or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

# command -> Debian package
declare -A tools=(
  [mmdebstrap]=mmdebstrap [bwrap]=bubblewrap [skopeo]=skopeo [umoci]=umoci [runc]=runc
  [podman]=podman [docker-registry]=docker-registry [hardening-check]=devscripts
  [dpkg-scanpackages]=dpkg-dev [gpgv]=gpgv [objdump]=binutils [openssl]=openssl
  [newuidmap]=uidmap [arch-test]=arch-test [xz]=xz-utils [zstd]=zstd
  [faketime]=faketime [busybox]=busybox-static [jq]=jq [tar]=tar [dockerd]=docker.io [chromium]=chromium
  [qemu-aarch64-static]=qemu-user-static [file]=file
)
missing=()
for cmd in "${!tools[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${tools[$cmd]}")
done
[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] || missing+=(debian-archive-keyring)
if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Builds for another architecture (debian.architectures, --platform) run its programs under qemu-user through
# binfmt_misc; the handler needs the F flag so sandboxed steps can use it. Debian's qemu-user-static registers it
# where systemd runs; in a container, mount binfmt_misc and register it here (root only; skipped when not allowed).
if [ "$(dpkg --print-architecture)" != arm64 ] && [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  [ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
  if [ -w /proc/sys/fs/binfmt_misc/register ] && [ -f /usr/lib/binfmt.d/qemu-aarch64.conf ]; then
    echo "setup: registering qemu-aarch64 with binfmt_misc"
    cat /usr/lib/binfmt.d/qemu-aarch64.conf > /proc/sys/fs/binfmt_misc/register || true
  fi
  [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || echo "setup: warning: qemu-aarch64 is not registered with binfmt_misc; arm64 builds and tests will fail" >&2
fi

# npm dependencies: reinstall only when the lock file changed since the last install.
stamp=node_modules/.airlock-lock-sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

echo "setup: building"
rm -rf dist && npx tsc -p tsconfig.json
