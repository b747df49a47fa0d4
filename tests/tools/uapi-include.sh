#!/usr/bin/env bash
# Prints the include directory whose <linux/userfaultfd.h> describes the whole ABI the runtime binds (up to
# UFFDIO_MOVE, Linux 6.8), for the ABI test to compile against. Prints nothing when the system header is recent
# enough. Otherwise it unpacks linux-libc-dev from Debian bookworm-backports into artifacts/uapi (a private apt
# state, nothing installed system-wide; a per-user directory in $TMPDIR when the tree is not writable) and prints
# that directory. Exits non-zero with a reason when it cannot.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cache="$root/artifacts/uapi"

has_move() { grep -q 'UFFDIO_MOVE' "$1/linux/userfaultfd.h" 2>/dev/null; }

if has_move /usr/include; then
  exit 0
fi
if has_move "$cache/usr/include"; then
  echo "$cache/usr/include"
  exit 0
fi
# A tree this user cannot write (the suite's second run, as nobody, over a tree root built): a per-user cache instead.
if ! mkdir -p "$root/artifacts" 2>/dev/null || [[ ! -w "$root/artifacts" ]]; then
  cache="${TMPDIR:-/tmp}/uffdgen-uapi-$(id -u)"
  if has_move "$cache/usr/include"; then
    echo "$cache/usr/include"
    exit 0
  fi
fi

command -v apt-get >/dev/null || { echo "the system <linux/userfaultfd.h> predates Linux 6.8 and apt-get is not available to fetch newer uapi headers; install linux-libc-dev >= 6.8" >&2; exit 1; }
state="$(mktemp -d)"
trap 'rm -rf "$state"' EXIT
mkdir -p "$state/lists/partial" "$state/cache/archives/partial"
echo "deb http://deb.debian.org/debian bookworm-backports main" > "$state/sources.list"
apt_opts=(-o "Dir::Etc::sourcelist=$state/sources.list" -o "Dir::Etc::sourceparts=-" -o "Dir::State::Lists=$state/lists"
          -o "Dir::Cache=$state/cache" -o "APT::Sandbox::User=root" -q)
apt-get "${apt_opts[@]}" update >&2
(cd "$state" && apt-get "${apt_opts[@]}" download linux-libc-dev >&2)
rm -rf "$cache" && mkdir -p "$cache"
dpkg -x "$state"/linux-libc-dev_*.deb "$cache"
has_move "$cache/usr/include" || { echo "the fetched linux-libc-dev still lacks UFFDIO_MOVE" >&2; exit 1; }
echo "$cache/usr/include"
