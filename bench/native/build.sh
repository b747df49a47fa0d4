#!/usr/bin/env bash
# Builds the C reference userfaultfd benchmark: bench/native/uffd_ref
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
gcc -O2 -pthread -Wall -Wextra -o "$here/uffd_ref" "$here/uffd_ref.c"
echo "built $here/uffd_ref"
