#!/usr/bin/env bash
# Benchmark: gathering, scrubbing and packing a generated ESXi-like tree with
# vmsupport, against `tar czf` of the same tree on the same machine in the
# same run (PRODUCT.md promise 6: a collect costs about what tar czf alone
# costs, whatever the number of names in the inventory). Runs: tar czf;
# collect --no-scrub; collect (scrubbing, 20 VM names); collect with 10,000
# more names (--scrub-words). Prints wall time, peak memory, output size and
# the ratios. Then one log of BIG_MIB (default 2048) alone: tar czf against
# collect, to show that memory stays flat whatever the size of a member.
# Then FILES small files (default 100,000) in a Linux root: tar czf against
# collect, for the cost per file in time and memory.
# Usage:
#   scripts/bench-collect.sh [SIZE_MIB (default 200)] [RUNS (default 5)] [BIG_MIB (default 2048; 0 skips)]
#                            [FILES (default 100000; 0 skips)]
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-200}
runs=${2:-5}
big_mib=${3:-2048}
files=${4:-100000}
bin=${BIN:-build/vmsupport}  # BIN=PATH compares another build on the same tree
[ -x "$bin" ] || bash scripts/build.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -n "${KEEP:-}" ] && trap - EXIT && echo "work dir: $work"
root=$work/root

# A tree like a busy ESXi host: esx.conf, 40 log files, rotations, 20 VMs.
mkdir -p "$root/etc/vmware" "$root/var/run/log" "$root/var/log"
printf '/adv/Misc/HostName = "esx-bench-01.lab.example"\n' > "$root/etc/vmware/esx.conf"
per_file=$(( size_mib * 1024 * 1024 / 60 ))
line() { awk -v n="$1" -v seed="$2" 'BEGIN { srand(seed); for (i = 0; i < n; i++)
  printf "2026-11-2%dT%02d:%02d:%02d.%03dZ info hostd[%d] [Originator@6876 sub=Vimsvc.TaskManager opID=%x] Task Completed : haTask-%d-vim.VirtualMachine.powerOn-%d on payroll-%d from 192.0.2.%d nic 00:50:56:9a:%02x:%02x Status success\n",
  i % 7, i % 24, i % 60, (i * 7) % 60, i % 1000, 2000 + seed, int(rand() * 2^31), seed, i, i % 20 + 1, i % 250 + 1, i % 256, seed % 256 }'; }
lines=$(( per_file / 220 ))
for i in $(seq 1 40); do
  line "$lines" "$i" > "$root/var/run/log/log$i.log"
  ln -s "/var/run/log/log$i.log" "$root/var/log/log$i.log"
done
for i in $(seq 1 10); do line "$lines" "$((100 + i))" | gzip -1 > "$root/var/run/log/log$i.0.gz"; done
for i in $(seq 1 20); do
  vm="$root/vmfs/volumes/5f1e2d3c-aaaabbbb/payroll-$i"
  mkdir -p "$vm"
  printf 'displayName = "payroll-%d"\nguestOS = "other"\n' "$i" > "$vm/payroll-$i.vmx"
  line $(( lines / 2 )) "$((200 + i))" > "$vm/vmware.log"
done
echo "tree: $(du -sh --apparent-size "$root" | cut -f1) in $(find "$root" -type f | wc -l) files"
awk 'BEGIN { for (i = 0; i < 10000; i++) printf "customer-project-%05d\n", i }' > "$work/words.txt"

# Runs are interleaved (tar, then each collect, then tar again...), so that a
# slow minute of a shared machine falls on all of them alike, not on one.
declare -A best peak cpu bytes
once() {  # once NAME COMMAND...: one run of COMMAND, kept under NAME
  # Wall time is the best of the runs; peak memory the largest; CPU time
  # (user + system) the smallest, which a busy machine disturbs far less.
  local name=$1 start end kib user sys
  shift
  rm -rf "$work/out" && mkdir "$work/out"
  start=$(date +%s.%N)
  /usr/bin/time -f '%M %U %S' -o "$work/rss" "$@" >/dev/null 2>&1 || true
  end=$(date +%s.%N)
  read -r kib user sys < <(tail -n 1 "$work/rss")
  (( kib > ${peak[$name]:-0} )) && peak[$name]=$kib
  cpu[$name]=$(awk -v u="$user" -v s="$sys" -v c="${cpu[$name]:-999999}" 'BEGIN { t = u + s; print (t < c) ? t : c }')
  best[$name]=$(awk -v a="$start" -v b="$end" -v c="${best[$name]:-999999}" 'BEGIN { t = b - a; print (t < c) ? t : c }')
  bytes[$name]=$(du -sb "$work/out" | cut -f1)
}

common=(collect --root "$root" --platform esxi --max-file-size 1G --state-dir "$work/state" -o "$work/out/" -q)
for _ in $(seq 1 "$runs"); do
  once tar tar czf "$work/out/tar.tgz" -C "$root" .
  once raw "$bin" "${common[@]}" --no-scrub
  once scr "$bin" "${common[@]}"
  once big "$bin" "${common[@]}" --scrub-words "$work/words.txt"
done
tar_s=${best[tar]} tar_kib=${peak[tar]} tar_bytes=${bytes[tar]} tar_cpu=${cpu[tar]}
raw_s=${best[raw]} raw_kib=${peak[raw]} raw_bytes=${bytes[raw]} raw_cpu=${cpu[raw]}
scr_s=${best[scr]} scr_kib=${peak[scr]} scr_bytes=${bytes[scr]} scr_cpu=${cpu[scr]}
big_s=${best[big]} big_kib=${peak[big]} big_bytes=${bytes[big]} big_cpu=${cpu[big]}
row() { printf '%-40s %8.3f s  cpu %8.3f s  peak %8s KiB  output %10s bytes\n' "$@"; }
row "tar czf" "$tar_s" "$tar_cpu" "$tar_kib" "$tar_bytes"
row "vmsupport collect --no-scrub" "$raw_s" "$raw_cpu" "$raw_kib" "$raw_bytes"
row "vmsupport collect (scrub, 20 names)" "$scr_s" "$scr_cpu" "$scr_kib" "$scr_bytes"
row "vmsupport collect (scrub, 10,020 names)" "$big_s" "$big_cpu" "$big_kib" "$big_bytes"
ratio() { awk -v a="$2" -v b="$3" -v t="$1" 'BEGIN { printf "%-44s %.2f\n", t ":", a / b }'; }
ratio "time ratio collect --no-scrub / tar" "$raw_s" "$tar_s"
ratio "time ratio collect (scrub) / tar" "$scr_s" "$tar_s"
ratio "time ratio 10,020 names / 20 names" "$big_s" "$scr_s"
ratio "cpu ratio 10,020 names / 20 names" "$big_cpu" "$scr_cpu"
ratio "size ratio collect (scrub) / tar" "$scr_bytes" "$tar_bytes"

bcol_kib=0
if (( big_mib > 0 )); then
  # One large log: varied lines (names, addresses), written once, read as a stream.
  big=$work/big
  mkdir -p "$big/var/log" "$big/etc"
  echo "bench-big-01" > "$big/etc/hostname"
  line 200000 7 > "$work/chunk.log"
  while (( $(stat -c %s "$big/var/log/syslog" 2>/dev/null || echo 0) < big_mib * 1024 * 1024 )); do
    cat "$work/chunk.log" >> "$big/var/log/syslog"
  done
  rm -rf "$work/out" "$work/state" "$work/root"
  echo "large log: $(du -sh --apparent-size "$big/var/log/syslog" | cut -f1)"
  once btar tar czf "$work/out/tar.tgz" -C "$big" .
  once bcol "$bin" collect --root "$big" --platform linux --max-file-size 64G --state-dir "$work/state" -o "$work/out/" -q
  btar_s=${best[btar]} btar_kib=${peak[btar]} btar_cpu=${cpu[btar]}
  bcol_s=${best[bcol]} bcol_kib=${peak[bcol]} bcol_cpu=${cpu[bcol]}
  row "tar czf (one large log)" "$btar_s" "$btar_cpu" "$btar_kib" "-"
  row "vmsupport collect (one large log)" "$bcol_s" "$bcol_cpu" "$bcol_kib" "-"
  ratio "time ratio collect (one large log) / tar" "$bcol_s" "$btar_s"
fi
mcol_kib=0
if (( files > 0 )); then
  # Many small files where the linux manifest walks (Hardware:VendorAgents: /var/log/hp).
  many=$work/many
  rm -rf "$work/out" "$work/state" "$work/root" "$work/big"
  mkdir -p "$many/etc" "$many/var/log"
  echo "bench-many-01" > "$many/etc/hostname"
  python3 - "$many/var/log/hp" "$files" <<'PY'
import os, sys
d = sys.argv[1]
os.makedirs(d)
for i in range(int(sys.argv[2])):
    with open(os.path.join(d, "agent-%06d.log" % i), "w") as f:
        f.write("event %d from bench-many-01 at 10.1.%d.%d\n" % (i, i // 250 % 250, i % 250))
PY
  echo "small files: $files"
  once mtar tar czf "$work/out/tar.tgz" -C "$many" .
  once mcol "$bin" collect --root "$many" --platform linux --state-dir "$work/state" -o "$work/out/" -q
  mtar_s=${best[mtar]} mtar_kib=${peak[mtar]} mtar_cpu=${cpu[mtar]}
  mcol_s=${best[mcol]} mcol_kib=${peak[mcol]} mcol_cpu=${cpu[mcol]}
  row "tar czf ($files small files)" "$mtar_s" "$mtar_cpu" "$mtar_kib" "-"
  row "vmsupport collect ($files small files)" "$mcol_s" "$mcol_cpu" "$mcol_kib" "-"
  ratio "time ratio collect (small files) / tar" "$mcol_s" "$mtar_s"
fi
limit=$(( 64 * 1024 ))
for kib in "$raw_kib" "$scr_kib" "$big_kib" "$bcol_kib" "$mcol_kib"; do (( kib > limit )) && over=1; done
echo "peak memory target (64 MiB = $limit KiB): $([ -n "${over:-}" ] && echo MISSED || echo met)"
