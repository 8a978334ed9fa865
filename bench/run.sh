#!/usr/bin/env bash
# bench/run.sh: whole-process benchmarks of ./tierproof on generated clusters.
#
#   bench/run.sh                       default suite, medium and large, 5 runs each
#   bench/run.sh -n 3 -s large         3 runs, large only
#   bench/run.sh --only 'isolated'     suite lines whose label matches the regex
#   bench/run.sh -c 'verify reachable {A_API} {B_API} --protocol TCP --port 9090'
#                                      ad-hoc command(s) instead of the suite (repeatable)
#   bench/run.sh --list                print the suite after substitution and exit
#   bench/run.sh --launcher            time ./tierproof itself (default: a snapshot of the jar,
#                                      run with the launcher's JVM flags; JAVA_OPTS is passed on)
#
# Generates bench/out/<size> (and bench/out/<size>-changed) with bench/GenerateCluster.java when
# missing or older than the generator. Each measurement is one whole process (JVM start, load,
# solve, report): wall time from the shell, peak RSS from GNU time (%M) or, without it, from a
# /proc poll loop. Prints the machine, the exact commands and a Markdown table; the same report is
# written to bench/out/results-<timestamp>.md and the first run's output to bench/out/logs/.
set -uo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
OUT="$BENCH/out"
TP="$ROOT/tierproof"

RUNS=5
TIMEOUT=600
SIZES="medium large"
SEED=42
ONLY=""
LIST=0
USE_LAUNCHER=0
ADHOC=()

# ---------------------------------------------------------------------------------------------
# The suite: one line per benchmark, `label | sizes | tierproof arguments`.
# Placeholders: {DIR} the size's cluster, {CHANGED} the same cluster with 10 policies changed,
# {A_API} {B_API} {A_WEB} {B_WEB} (and {RED_API} {BLUE_API} with --red-blue clusters) from
# bench/out/<size>/refs.env. Arguments are shell words (quote globs). `-f {DIR}` is put in front
# unless the line passes its own -f. Adding a benchmark = adding one line.
SUITE=$(cat <<'EOF'
load           | medium,large | explain {A_API} {B_API} --protocol TCP --port 9090
reachable      | medium,large | verify reachable {A_API} {B_API}
isolated       | medium,large | verify isolated 'ns-a/*' 'ns-b/*'
isolated-rev   | medium,large | verify isolated 'ns-b/*' 'ns-a/*'
lint           | medium,large | lint
check-50       | large        | check bench/invariants/large-50.yaml
diff           | large        | -f {CHANGED} diff --base {DIR}
map            | medium,large | map -o json=bench/out/map.json -o html=bench/out/map.html
EOF
)

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

while [ $# -gt 0 ]; do
  case "$1" in
    -n|--runs) RUNS=$2; shift 2 ;;
    -t|--timeout) TIMEOUT=$2; shift 2 ;;
    -s|--sizes) SIZES=${2//,/ }; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    -c|--command) ADHOC+=("$2"); shift 2 ;;
    --list) LIST=1; shift ;;
    --launcher) USE_LAUNCHER=1; shift ;;
    -h|--help) usage 0 ;;
    *) echo "run.sh: unknown argument \`$1\`" >&2; usage 2 ;;
  esac
done

# ---------------------------------------------------------------------------------------------
# clusters

generate() { # size variant dir
  local size=$1 variant=$2 dir=$3
  if [ -f "$dir/refs.env" ] && [ "$dir/refs.env" -nt "$BENCH/GenerateCluster.java" ]; then return 0; fi
  echo "generating $dir ..." >&2
  rm -rf "$dir"
  java "$BENCH/GenerateCluster.java" --size "$size" --seed "$SEED" --variant "$variant" --out "$dir" >&2 \
    || { echo "run.sh: generator failed for $size/$variant" >&2; exit 3; }
}

mkdir -p "$OUT/logs"
for size in $SIZES; do
  generate "$size" base "$OUT/$size"
  generate "$size" changed "$OUT/$size-changed"
done

# ---------------------------------------------------------------------------------------------
# peak RSS: GNU time if present (install it only when missing and we may), else a /proc poll

TIME_BIN=""
if /usr/bin/time -f %M true >/dev/null 2>&1; then
  TIME_BIN=/usr/bin/time
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing GNU time ..." >&2
  (apt-get install -y time >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y time >/dev/null 2>&1; }) \
    && /usr/bin/time -f %M true >/dev/null 2>&1 && TIME_BIN=/usr/bin/time
fi

tree_hwm_kb() { # max VmHWM over a process and its descendants
  local pid=$1 max=0 v c
  v=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
  [ -n "$v" ] && [ "$v" -gt "$max" ] && max=$v
  for c in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
    v=$(tree_hwm_kb "$c"); [ "$v" -gt "$max" ] && max=$v
  done
  echo "$max"
}

# run_once OUTFILE ERRFILE ARGS... → sets RUN_SECS RUN_KB RUN_CPU (user+sys s) RUN_RC
run_once() {
  local out=$1 err=$2; shift 2
  local t0 t1 tf
  tf=$(mktemp)
  t0=$(date +%s%N)
  if [ -n "$TIME_BIN" ]; then
    "$TIME_BIN" -f '%M %U %S' -o "$tf" timeout "$TIMEOUT" "$@" >"$out" 2>"$err"
    RUN_RC=$?
    t1=$(date +%s%N)
    read -r RUN_KB u s < <(tail -n 1 "$tf")
    RUN_CPU=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
  else
    timeout "$TIMEOUT" "$@" >"$out" 2>"$err" &
    local pid=$! peak=0 v
    while kill -0 "$pid" 2>/dev/null; do
      v=$(tree_hwm_kb "$pid"); [ "$v" -gt "$peak" ] && peak=$v
      sleep 0.05
    done
    wait "$pid"; RUN_RC=$?
    t1=$(date +%s%N)
    RUN_KB=$peak
    RUN_CPU="?"
  fi
  rm -f "$tf"
  [[ "$RUN_KB" =~ ^[0-9]+$ ]] || RUN_KB=0
  RUN_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
}

# ---------------------------------------------------------------------------------------------
# the work list: label, size, argument string (after substitution)

substitute() { # size argstring
  local size=$1 s=$2 dir="bench/out/$1" key val
  s=${s//\{DIR\}/$dir}
  s=${s//\{CHANGED\}/$dir-changed}
  while IFS='=' read -r key val; do
    case "$key" in ''|\#*) continue ;; esac
    s=${s//\{$key\}/$val}
  done <"$OUT/$size/refs.env"
  if [[ ! " $s " =~ [[:space:]]-f[[:space:]] ]]; then s="-f $dir $s"; fi
  printf '%s' "$s"
}

shorten() { # size template → the template with refs as `ns-a/api-…` and dirs as bench/out/<size>
  local size=$1 s=$2 key val
  s=${s//\{DIR\}/bench/out/$size}
  s=${s//\{CHANGED\}/bench/out/$size-changed}
  while IFS='=' read -r key val; do
    case "$key" in ''|\#*) continue ;; esac
    val=${val%-*}; val=${val%-*}   # ns-a/api-6d8f9c7b54-x7k2p → ns-a/api
    s=${s//\{$key\}/$val-…}
  done <"$OUT/$size/refs.env"
  printf '%s' "$s"
}

JOBS=()
if [ ${#ADHOC[@]} -gt 0 ]; then
  for size in $SIZES; do
    for a in "${ADHOC[@]}"; do JOBS+=("$(printf 'adhoc\t%s\t%s\t%s' "$size" "$(substitute "$size" "$a")" "$a")"); done
  done
else
  for size in $SIZES; do
    while IFS= read -r line; do
      case "$line" in ''|\#*) continue ;; esac
      label=$(echo "${line%%|*}" | xargs)
      rest=${line#*|}
      sizes=$(echo "${rest%%|*}" | xargs)
      args=$(echo "${rest#*|}" | sed 's/^ *//; s/ *$//')
      [[ ",$sizes," == *",$size,"* ]] || continue
      [ -z "$ONLY" ] || [[ "$label" =~ $ONLY ]] || continue
      JOBS+=("$(printf '%s\t%s\t%s\t%s' "$label" "$size" "$(substitute "$size" "$args")" "$args")")
    done <<<"$SUITE"
  done
fi

if [ "$LIST" = 1 ]; then
  for j in "${JOBS[@]}"; do IFS=$'\t' read -r label size args tmpl <<<"$j"; echo "$label [$size]: ./tierproof $args"; done
  exit 0
fi
[ ${#JOBS[@]} -gt 0 ] || { echo "run.sh: nothing to run" >&2; exit 2; }

# ---------------------------------------------------------------------------------------------
# the tool and the machine

cd "$ROOT" || exit 3
if [ ! -x "$TP" ]; then echo "run.sh: $TP not found (the launcher builds target/tierproof.jar)" >&2; exit 3; fi
echo "building/warming the launcher (untimed): ./tierproof --help" >&2
"$TP" --help >/dev/null 2>"$OUT/logs/launcher.err" || true
[ -f "$ROOT/target/tierproof.jar" ] || { echo "run.sh: target/tierproof.jar missing after ./tierproof --help; see $OUT/logs/launcher.err" >&2; exit 3; }
if [ "$USE_LAUNCHER" = 1 ]; then
  RUNNER=("$TP")
  RUNNER_SHOWN="./tierproof"
else
  # a snapshot of the jar: a concurrent rebuild (the launcher rebuilds when src/ changes) cannot
  # land in the middle of a measurement; same JVM flags as the launcher
  cp "$ROOT/target/tierproof.jar" "$OUT/tierproof.jar"
  mkdir -p "$ROOT/target/tmp"
  RUNNER=(java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss8m -Djava.io.tmpdir="$ROOT/target/tmp" ${JAVA_OPTS:-} -jar "$OUT/tierproof.jar")
  RUNNER_SHOWN="java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss8m -Djava.io.tmpdir=target/tmp ${JAVA_OPTS:+$JAVA_OPTS }-jar bench/out/tierproof.jar"
fi

STAMP=$(date -u +%Y%m%d-%H%M%S)
REPORT="$OUT/results-$STAMP.md"
{
  echo "## tierproof benchmarks ($(date -u '+%Y-%m-%d %H:%M UTC'))"
  echo
  echo "- machine: $(nproc) CPUs, $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1), $(awk '/^MemTotal:/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, $(uname -sr)"
  echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews wall times)"
  echo "- java: $(java -version 2>&1 | head -n 1)"
  echo "- tierproof: target/tierproof.jar $(stat -c %s target/tierproof.jar) bytes, built $(date -u -r target/tierproof.jar '+%Y-%m-%d %H:%M UTC'); timed as \`$RUNNER_SHOWN ARGS\`"
  echo "- runs: $RUNS per command (whole processes, no warm-up), timeout ${TIMEOUT}s, peak RSS via ${TIME_BIN:-/proc VmHWM poll}"
  for size in $SIZES; do
    echo "- $size: $(sed -n 's/^#.*size=\([a-z]*\) seed=\([0-9]*\).*/seed \2/p' "$OUT/$size/refs.env"), bench/out/$size ($(cat "$OUT/$size"/*.yaml | grep -c '^kind: Pod$') pods, $(cat "$OUT/$size"/policies-*.yaml | grep -c '^kind: .*NetworkPolicy$') policies)"
  done
  echo
} | tee "$REPORT"

# ---------------------------------------------------------------------------------------------
# measure

ROWS=()
NOTES=()
for j in "${JOBS[@]}"; do
  IFS=$'\t' read -r label size args tmpl <<<"$j"
  eval "set -- $args"
  echo "\$ $RUNNER_SHOWN $args" | tee -a "$REPORT" >&2
  times=() ; peak=0 ; rcs=() ; cpus=()
  log="$OUT/logs/$label-$size"
  for ((i = 1; i <= RUNS; i++)); do
    if [ "$i" = 1 ]; then o="$log.out"; e="$log.err"; else o=/dev/null; e="$log.err.$i"; fi
    run_once "$o" "$e" "${RUNNER[@]}" "$@"
    times+=("$RUN_SECS"); rcs+=("$RUN_RC"); cpus+=("$RUN_CPU")
    [ "$RUN_KB" -gt "$peak" ] && peak=$RUN_KB
    [ "$i" = 1 ] || rm -f "$e"
    printf '  run %d: %6.2f s  %6d MiB  cpu %s s  exit %d\n' "$i" "$RUN_SECS" $((RUN_KB / 1024)) "$RUN_CPU" "$RUN_RC" >&2
    if [ "$RUN_RC" = 124 ] || [ "$RUN_RC" = 2 ] || [ "$RUN_RC" -ge 3 ]; then break; fi   # no point repeating
  done
  stats=$(printf '%s\n' "${times[@]}" | sort -g | awk '{ a[NR] = $1 } END {
    med = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
    printf "%.2f\t%.2f\t%.2f", med, a[1], a[NR] }')
  IFS=$'\t' read -r med lo hi <<<"$stats"
  uniq_rcs=$(printf '%s\n' "${rcs[@]}" | sort -u | paste -sd, -)
  cmd="tierproof $(shorten "$size" "$tmpl")"
  ROWS+=("| \`$cmd\` | $size | $med | $lo–$hi | $((peak / 1024)) |")
  first=$(head -n 1 "$log.out" 2>/dev/null | cut -c1-120)
  cpu_med=$(printf '%s\n' "${cpus[@]}" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
  note="$label/$size: exit $uniq_rcs over ${#times[@]} run(s), median CPU (user+sys) ${cpu_med} s; first line: ${first:-<empty>}"
  case ",$uniq_rcs," in
    *,124,*) note="$note; TIMEOUT after ${TIMEOUT}s" ;;
  esac
  if [[ ",$uniq_rcs," =~ ,(2|3|[4-9]|[0-9][0-9]+), ]]; then
    note="$note; stderr: $(head -c 300 "$log.err" | tr '\n' ' ')"
  fi
  NOTES+=("$note")
done

{
  echo
  echo "| command | size | median s | min–max s | peak RSS MiB |"
  echo "|---|---|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Outcomes (exit 0 holds/no findings, 1 violated/findings, 2 bad input, 3 inconclusive/internal, 124 timeout):"
  echo
  for n in "${NOTES[@]}"; do echo "- $n"; done
} | tee -a "$REPORT"
echo >&2
echo "report: ${REPORT#$ROOT/}; first-run output: bench/out/logs/" >&2
