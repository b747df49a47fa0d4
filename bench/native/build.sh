#!/usr/bin/env bash
# Builds the C reference userfaultfd benchmark from one set of sources:
#   bench/native/uffd_ref        the CLI
#   bench/native/libuffdref.so   the library BenchmarkDotNet loads (API: uffd_ref.h)
# --test also builds and runs bench/native/test_lib (every scenario through the dlopen'ed library, leak checks) and
# bench/native/test_fail (a failing handler reports and unblocks the faulting thread).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cflags=(-O2 -pthread -Wall -Wextra -Werror)
lib_src=("$here/uffd_ref_lib.c" "$here/uffd_ref_handler.c" "$here/uffd_ref_err.c")

gcc "${cflags[@]}" -o "$here/uffd_ref" "$here/uffd_ref_cli.c" "${lib_src[@]}"
echo "built $here/uffd_ref"
# Hidden by default: only the UFFD_REF_API functions of uffd_ref.h are exported.
gcc "${cflags[@]}" -fPIC -shared -fvisibility=hidden -Wl,--no-undefined -o "$here/libuffdref.so" "${lib_src[@]}"
echo "built $here/libuffdref.so"

if [[ "${1:-}" == "--test" ]]; then
    gcc "${cflags[@]}" -o "$here/test_lib" "$here/test_lib.c" -ldl
    gcc "${cflags[@]}" -o "$here/test_fail" "$here/test_fail.c" "${lib_src[@]}"
    echo "built $here/test_lib $here/test_fail"
    "$here/test_lib" "$here/libuffdref.so"
    "$here/test_fail"
fi
