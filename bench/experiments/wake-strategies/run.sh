#!/usr/bin/env bash
# Builds wake.c and runs the four short measurements of README.md (each a few seconds): 1 and 2 faulting threads,
# unpinned (where the scheduler puts them) and pinned (-P: the single faulter on the second CPU, away from the first
# handler). Extra arguments go to every run (e.g. -r 9, -p 8192, -s poll,epoll-excl).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
gcc -O2 -pthread -Wall -Wextra -Werror -o "$here/wake" "$here/wake.c"
for args in "-f 1" "-f 2" "-f 1 -P" "-f 2 -P"; do
  # shellcheck disable=SC2086
  "$here/wake" -p 4096 -r 5 $args "$@"
done
