#!/usr/bin/env bash
# Installs Azurite, the Azure Storage emulator the object-store tests start on loopback, into node_modules here,
# exactly as package-lock.json pins it. Idempotent: npm runs only when node_modules is missing or was installed from
# another lock (a stamp in node_modules holds the lock's hash), so a test host calls this on every start at no cost.
# Safe to run concurrently (test hosts of several projects may start at once): installers take turns under flock.
set -euo pipefail
cd "$(dirname "$0")"
# The run as nobody (.ci/test-as-nobody) starts root's install: everything must be readable by others.
umask 022

stamp=node_modules/.uffdgen-lock-sha256
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
installed() { [[ -f "$stamp" && "$(<"$stamp")" == "$want" ]]; }

# The common case takes no lock, so a user who cannot write here (nobody, reading root's tree) still passes.
installed && exit 0

# Lock the directory itself: no lock file to create, clean up or git-ignore. The installer that waited finds the
# install done and leaves.
exec 9<.
flock --wait 600 9 || { echo "install.sh: another install of Azurite held the lock for 10 minutes" >&2; exit 1; }
installed && exit 0

if ! command -v npm >/dev/null || ! node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)'; then
  echo "install.sh: the object-store tests need Node.js 20 or later and npm on PATH (node: $(node --version 2>&1))" >&2
  exit 1
fi
# npm ci removes node_modules first, stamp included, so an interrupted install is redone by the next call.
# --ignore-scripts: Azurite needs no install script (only protobufjs has one, a version check), and none should run.
# Azurite 3.37.0 and a few of its dependencies declare node >= 22: npm warns (EBADENGINE), the blob server runs on 20.
npm ci --no-audit --no-fund --ignore-scripts
echo "$want" > "$stamp"
