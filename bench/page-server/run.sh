#!/usr/bin/env bash
# Measures the page server (samples/PageServer) against C reference handlers of the same protocol
# (bench/page-server/fc_ref_handler.c): Firecracker's shape, one thread polling the uffd, and one pinned thread per
# CPU. Every handler serves the same client (samples/PageServer/client/fc_client.c) from the same memory file, in
# alternating rounds, so the machine's drift hits them all alike:
#   round trip  one client thread faults every page once, in random order (no read-ahead anywhere)
#   scan        one client thread faults every page in order (the C handlers at 0 and 15 pages of read-ahead; the
#               page server reads ahead up to 15 pages on sequential runs)
# The in-process C reference (bench/native/uffd_ref) runs in the same invocation, for the in-process figures.
# Prints every round, then the medians and the ratios against C.
#
#   bench/page-server/run.sh [--mib 256] [--rounds 5]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
mib=256
rounds=5
while [ $# -gt 0 ]; do
  case "$1" in
    --mib) mib="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    *) echo "usage: bench/page-server/run.sh [--mib N] [--rounds N]" >&2; exit 2 ;;
  esac
done

work="$(mktemp -d)"
trap 'pkill -f "$work/sock" 2>/dev/null || true; rm -rf "$work"' EXIT
cflags=(-std=gnu11 -O2 -pthread -Wall -Wextra -Werror)
gcc "${cflags[@]}" -o "$work/fc_client" samples/PageServer/client/fc_client.c
gcc "${cflags[@]}" -o "$work/fc_ref_handler" bench/page-server/fc_ref_handler.c
bash bench/native/build.sh >/dev/null
dotnet build -c Release samples/PageServer -v quiet -nologo >/dev/null
server="samples/PageServer/bin/Release/net10.0/PageServer.dll"
head -c $((mib << 20)) /dev/urandom > "$work/memory"

# Starts handler $1 (c1, cpercpu, cpercpu-ra15, pageserver) and waits for its socket.
start() {
  rm -f "$work/sock"
  case "$1" in
    c1) "$work/fc_ref_handler" "$work/sock" "$work/memory" > "$work/handler.txt" 2>&1 & ;;
    cpercpu) "$work/fc_ref_handler" "$work/sock" "$work/memory" --per-cpu > "$work/handler.txt" 2>&1 & ;;
    cpercpu-ra15) "$work/fc_ref_handler" "$work/sock" "$work/memory" --per-cpu --read-ahead 15 > "$work/handler.txt" 2>&1 & ;;
    pageserver) dotnet "$server" "$work/sock" "$work/memory" --once > "$work/handler.txt" 2>&1 & ;;
  esac
  for _ in $(seq 200); do [ -S "$work/sock" ] && return 0; sleep 0.05; done
  echo "handler $1 did not start:"; cat "$work/handler.txt"; exit 1
}

# One round of case $1 (rt or scan) against handler $2: prints "case handler us_per_page mib_per_s".
round() {
  start "$2"
  local order=(); [ "$1" = rt ] && order=(--random)
  local line
  line=$("$work/fc_client" --socket "$work/sock" --memory-file "$work/memory" --regions 2 --scan "${order[@]}")
  wait
  echo "$1 $2 $(sed -E 's/.*us_per_page=([0-9.]+) mib_per_s=([0-9.]+).*/\1 \2/' <<<"$line")"
}

echo "# page server vs C, $(nproc) CPUs, $mib MiB memory file, $rounds rounds, $(date -u +%FT%TZ)"
results="$work/results.txt"
for r in $(seq "$rounds"); do
  for h in c1 cpercpu pageserver; do round rt "$h" | tee -a "$results"; done
  for h in c1 cpercpu cpercpu-ra15 pageserver; do round scan "$h" | tee -a "$results"; done
done

echo "# medians (us per page, MiB/s)"
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A us
for c in rt scan; do
  for h in c1 cpercpu cpercpu-ra15 pageserver; do
    values=$(awk -v c="$c" -v h="$h" '$1 == c && $2 == h { print $3 }' "$results")
    [ -z "$values" ] && continue
    us[$c-$h]=$(median <<<"$values")
    mibs=$(awk -v c="$c" -v h="$h" '$1 == c && $2 == h { print $4 }' "$results" | median)
    printf '%-5s %-13s %8.3f us/page %8.1f MiB/s\n' "$c" "$h" "${us[$c-$h]}" "$mibs"
  done
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "# ratios (time per page, page server / C)"
echo "round trip: $(ratio "${us[rt-pageserver]}" "${us[rt-cpercpu]}")x C per CPU, $(ratio "${us[rt-pageserver]}" "${us[rt-c1]}")x C one thread (Firecracker's shape)"
echo "scan:       $(ratio "${us[scan-pageserver]}" "${us[scan-cpercpu-ra15]}")x C per CPU with 15 pages of read-ahead, $(ratio "${us[scan-pageserver]}" "${us[scan-c1]}")x C one thread without"
echo "# in process, same machine, same invocation (bench/native/uffd_ref)"
bench/native/uffd_ref -s rt-blocking,rt-pinned-percpu,seq-readahead-0,seq-readahead-16 -r 3 | grep '^scenario='
