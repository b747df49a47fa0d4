#!/usr/bin/env bash
# The one command of docs/performance.md: builds the C reference handler (CLI and libuffdref.so) with gcc, then runs
# the BenchmarkDotNet project, which measures the C scenarios and the generated regions side by side in the same run
# and prints the comparison table (also written to artifacts/bench/results.md, with the plot performance.png).
#
#   bench/run.sh                 full run, Release build (about 10 minutes on 2 CPUs)
#   bench/run.sh --update-docs   the same, then rewrites the results block of docs/performance.md and its plot
#   bench/run.sh --smoke         one iteration of every case at small sizes, in process (what CI runs)
#   bench/run.sh --only RoundTrip --only SequentialScan    a subset
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if ! command -v gcc >/dev/null 2>&1 || [ ! -f /usr/include/linux/userfaultfd.h ]; then
  echo "installing gcc and linux-libc-dev for the C reference handler"
  apt-get update -qq && apt-get install -y -qq gcc linux-libc-dev >/dev/null
fi
bash bench/native/build.sh
export UFFD_REF_LIB="$root/bench/native/libuffdref.so"

configuration=Release
for arg in "$@"; do
  # The smoke pass only proves that every case runs, so it reuses the Debug build the tests make.
  if [ "$arg" = "--smoke" ]; then configuration=Debug; fi
done
exec dotnet run -c "$configuration" --project bench/Uffd.Benchmarks -- "$@"
