#!/usr/bin/env bash
# Saves a memory image to a real object store and restores it lazily, as the sample's README-level description says:
# starts Azurite's Blob server (tools/azurite, installed on first use) on a loopback port the kernel picks, with its
# data in a temporary directory, then runs the sample's save, restore and compare against it, and stops the server.
# Arguments go to every command, e.g. `samples/SnapshotRestore/run.sh --mib 64 --threads 8`.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
install_log="$(mktemp)"
tools/azurite/install.sh >"$install_log" 2>&1 || { cat "$install_log" >&2; exit 1; }
rm -f "$install_log"

data="$(mktemp -d -t snapshot-restore-XXXXXX)"
node tools/azurite/node_modules/.bin/azurite-blob --blobHost 127.0.0.1 --blobPort 0 --location "$data" \
  --silent --skipApiVersionCheck --loose --disableTelemetry --disableProductStyleUrl >"$data/azurite.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$data"' EXIT

port=""
for _ in $(seq 300); do
  port="$(grep -oE 'successfully listens on http://127\.0\.0\.1:[0-9]+' "$data/azurite.log" | grep -oE '[0-9]+$' || true)"
  [[ -n "$port" ]] && break
  kill -0 "$server" 2>/dev/null || { cat "$data/azurite.log" >&2; echo "run.sh: Azurite exited" >&2; exit 1; }
  sleep 0.1
done
[[ -n "$port" ]] || { cat "$data/azurite.log" >&2; echo "run.sh: Azurite did not listen within 30 s" >&2; exit 1; }

# Azurite's well-known development account (its key is public, the same on every installation).
export UFFD_BLOB_CONNECTION="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$port/devstoreaccount1;"
echo "Azurite's Blob server listens on 127.0.0.1:$port (data in $data)"

dotnet build samples/SnapshotRestore -c Release -v quiet -nologo >/dev/null
sample=(dotnet samples/SnapshotRestore/bin/Release/net10.0/SnapshotRestore.dll)
"${sample[@]}" save "$@"
"${sample[@]}" restore "$@"
"${sample[@]}" compare "$@"
