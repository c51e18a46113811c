#!/usr/bin/env bash
# SLURM for real: the documented array script (docs/cluster/slurm-sweep.sh) on a one-node
# cluster, a small sweep of a bundled scenario, merged and compared record for record with the
# single-machine sweep; then an array task cancelled mid-run and redone by `scontrol requeue`
# and by a fresh `sbatch --array=1`, a stepped array and a throttled one. Fails loudly on any
# difference; prints each check. Runs as root (it starts the cluster with .ci/slurm-start.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
started=$SECONDS
checks=0

ok() {
  checks=$((checks + 1))
  echo "slurm ok: $*"
}
fail() {
  echo "slurm FAILED: $*" >&2
  for log in "$work"/*/meshcast-*.log; do
    [ -f "$log" ] && { echo "--- $log" >&2; tail -n 5 "$log" >&2; }
  done
  squeue >&2 || true
  exit 1
}

bash .ci/slurm-start.sh
[ -f dist/cli/main.js ] || npm run -s build

# Jobs run as root from this clone; meshcast is put on their PATH as the installed command would be.
work=$(mktemp -d /tmp/meshcast-slurm.XXXXXX)
mkdir -p "$work/bin"
printf '#!/bin/sh\nexec node %s/dist/cli/main.js "$@"\n' "$repo" >"$work/bin/meshcast"
chmod +x "$work/bin/meshcast"
export PATH="$work/bin:$PATH"

# The study: 4 cells × 16 replications = 64 tasks of a bundled scenario, 4 shards of 16 tasks
# (about 0.3 s each here: long enough to catch a shard running, short enough for CI).
script="$repo/docs/cluster/slurm-sweep.sh"
study=("$repo/scenarios/hop-ttl-sweep.json" --hops 12,16 --ttl 60,300 --replications 16)
shards=4

echo "slurm: single-machine reference sweep"
meshcast sweep "${study[@]}" --workers 2 --out "$work/single.ndjson" --json >/dev/null 2>"$work/single.log"
meshcast report "$work/single.ndjson" >"$work/single.txt"
meshcast report "$work/single.ndjson" --csv >"$work/single.csv"

# sbatch of the documented script in run directory $1 (results in $1/results), one CPU per task.
submit() {
  local dir=$1
  shift
  mkdir -p "$dir"
  SHARDS=$shards RESULTS="$dir/results" sbatch --chdir="$dir" --cpus-per-task=1 "$@" "$script" "${study[@]}"
}

# The merged shard files of run $1 equal the single-machine sweep: record for record, and
# `meshcast report` prints the same table and CSV.
same_as_single() {
  local dir=$1 what=$2
  node .ci/compare-shards.mjs "$work/single.ndjson" "$shards" "$dir"/results/shard-*.ndjson >"$dir/compare.txt" 2>&1 ||
    fail "$what: shard files differ from the single-machine sweep: $(cat "$dir/compare.txt")"
  meshcast report "$dir"/results/shard-*.ndjson >"$dir/report.txt" 2>"$dir/report.err" ||
    fail "$what: meshcast report exited $?: $(cat "$dir/report.err")"
  meshcast report "$dir"/results/shard-*.ndjson --csv >"$dir/report.csv"
  cmp -s "$dir/report.txt" "$work/single.txt" || fail "$what: merged report differs from the single-machine one"
  cmp -s "$dir/report.csv" "$work/single.csv" || fail "$what: merged CSV differs from the single-machine one"
  ok "$what: $(cat "$dir/compare.txt"); merged report and CSV identical"
}

state() { scontrol show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | head -n 1 | cut -d= -f2; }
records() { if [ -f "$1" ]; then echo $(($(wc -l <"$1") - 1)); else echo 0; fi; }

# Waits until no task of array job $1 is pending or running.
wait_job() {
  local waited=0
  while [ -n "$(squeue -h -j "$1" 2>/dev/null)" ]; do
    sleep 1
    waited=$((waited + 1))
    [ "$waited" -lt 600 ] || fail "job $1 still queued or running after 600 s"
  done
}

# Submits the whole array in $1, cancels task 1 once it is RUNNING with 2 results written (of
# 16: caught mid-run, whatever the machine's speed), and checks that it stopped part-way. Sets job.
cancel_task_1() {
  local dir=$1 n s waited=0
  job=$(submit "$dir" --parsable --array=0-$((shards - 1)))
  while :; do
    s=$(squeue -h -j "${job}_1" -o %T 2>/dev/null || true)
    n=$(records "$dir/results/shard-1.ndjson")
    [ "$s" = RUNNING ] && [ "$n" -ge 2 ] && break
    case "$s" in
      RUNNING | PENDING | CONFIGURING) ;;
      # Not listed: not scheduled yet, or already over (then it was not caught running).
      "") case "$(state "${job}_1")" in "" | PENDING | RUNNING | CONFIGURING) ;; *) fail "task ${job}_1 ended before it could be cancelled" ;; esac ;;
      *) fail "task ${job}_1 is $s before it could be cancelled" ;;
    esac
    sleep 0.1
    waited=$((waited + 1))
    [ "$waited" -lt 3000 ] || fail "task ${job}_1 wrote no results in 300 s"
  done
  scancel "${job}_1"
  wait_job "$job"
  s=$(state "${job}_1")
  n=$(records "$dir/results/shard-1.ndjson")
  [ "$s" = CANCELLED ] || fail "task ${job}_1 ended $s, not CANCELLED"
  [ "$n" -ge 2 ] && [ "$n" -lt 16 ] || fail "task ${job}_1 left $n of 16 results: not caught mid-run"
  # What the cancelled task wrote: the rerun must keep it as it is (nothing redone, nothing lost).
  cp "$dir/results/shard-1.ndjson" "$dir/cancelled-shard-1.ndjson"
  for i in 0 2 3; do [ "$(state "${job}_$i")" = COMPLETED ] || fail "task ${job}_$i ended $(state "${job}_$i")"; done
  meshcast report "$dir"/results/shard-*.ndjson >/dev/null 2>"$dir/incomplete.err" && fail "report of a cancelled shard exited 0"
  grep -q "shard 1/$shards: $((16 - n)) of 16 tasks missing" "$dir/incomplete.err" ||
    fail "report did not name shard 1's missing tasks: $(cat "$dir/incomplete.err")"
  ok "task ${job}_1 cancelled while RUNNING with $n of 16 results; tasks 0, 2, 3 COMPLETED; report exits 4 naming shard 1/$shards"
}

# After a rerun of shard 1 in $1 (log $2): the cancelled task's results are still the file's
# first lines, the rest follow, and the log says the finished ones were skipped.
resumed() {
  local dir=$1 log=$2 what=$3 kept
  kept=$(wc -c <"$dir/cancelled-shard-1.ndjson")
  cmp -s -n "$kept" "$dir/cancelled-shard-1.ndjson" "$dir/results/shard-1.ndjson" ||
    fail "$what: the rerun changed what the cancelled task had written"
  grep -q "$(($(wc -l <"$dir/cancelled-shard-1.ndjson") - 1)) results already there; skipping them" "$log" ||
    fail "$what: the rerun did not resume its file (log: $log)"
  ok "$what: resumed shard-1.ndjson, its $(($(wc -l <"$dir/cancelled-shard-1.ndjson") - 1)) earlier results kept as they were"
  same_as_single "$dir" "$what"
}

echo "slurm: 1. the whole array, sbatch --wait --array=0-$((shards - 1))"
submit "$work/whole" --wait --array=0-$((shards - 1)) >/dev/null || fail "sbatch --wait of the whole array failed"
same_as_single "$work/whole" "array 0-$((shards - 1))"

echo "slurm: 2. task 1 cancelled mid-run, then scontrol requeue"
cancel_task_1 "$work/requeue"
scontrol requeue "${job}_1"
# SLURM holds a requeued job for about two minutes before it is eligible; start it now.
scontrol update JobId="${job}_1" StartTime=now
wait_job "$job"
[ "$(state "${job}_1")" = COMPLETED ] || fail "requeued task ${job}_1 ended $(state "${job}_1")"
grep -q "restart 1" "$work/requeue/meshcast-${job}_1.log" || fail "the requeued task's log shows no restart"
resumed "$work/requeue" "$work/requeue/meshcast-${job}_1.log" "scontrol requeue ${job}_1"

echo "slurm: 3. task 1 cancelled mid-run, then a fresh sbatch --array=1"
cancel_task_1 "$work/resubmit"
# A resubmission with another shard count is refused, leaving the file as it was.
SHARDS=8 RESULTS="$work/resubmit/results" sbatch --wait --chdir="$work/resubmit" --cpus-per-task=1 --array=1 \
  --output="$work/resubmit/wrong-count.log" "$script" "${study[@]}" >/dev/null && fail "a resubmission with SHARDS=8 succeeded"
grep -q "it holds shard 1/$shards" "$work/resubmit/wrong-count.log" ||
  fail "the SHARDS=8 resubmission was not refused for the shard: $(tail -n 3 "$work/resubmit/wrong-count.log")"
cmp -s "$work/resubmit/cancelled-shard-1.ndjson" "$work/resubmit/results/shard-1.ndjson" ||
  fail "the refused resubmission changed shard-1.ndjson"
ok "sbatch --array=1 with SHARDS=8 refused (exit 3, shard-1.ndjson holds shard 1/$shards), file untouched"
job=$(submit "$work/resubmit" --wait --parsable --array=1) || fail "sbatch --wait --array=1 failed"
grep -q "shard 1/$shards of array 1-1" "$work/resubmit/meshcast-${job}_1.log" || fail "the resubmitted task was not shard 1"
resumed "$work/resubmit" "$work/resubmit/meshcast-${job}_1.log" "sbatch --array=1 (task 1 of a one-task array)"

echo "slurm: 4. a stepped array, --array=0-$((shards - 1)):2 then --array=1-$((shards - 1)):2"
job=$(submit "$work/stepped" --wait --parsable --array=0-$((shards - 1)):2) || fail "stepped array 0-$((shards - 1)):2 failed"
grep -q "shard 2/$shards of array 0-2:2" "$work/stepped/meshcast-${job}_2.log" || fail "task 2 of 0-3:2 was not shard 2"
meshcast report "$work/stepped"/results/shard-*.ndjson >/dev/null 2>"$work/stepped/incomplete.err" && fail "report of half the shards exited 0"
grep -q "shard 1/$shards: 16 of 16 tasks missing (no results file)" "$work/stepped/incomplete.err" &&
  grep -q "shard 3/$shards: 16 of 16 tasks missing (no results file)" "$work/stepped/incomplete.err" ||
  fail "report did not name shards 1 and 3: $(cat "$work/stepped/incomplete.err")"
ok "after --array=0-3:2, report exits 4 naming shards 1/$shards and 3/$shards (no results file)"
submit "$work/stepped" --wait --array=1-$((shards - 1)):2 >/dev/null || fail "stepped array 1-$((shards - 1)):2 failed"
same_as_single "$work/stepped" "stepped arrays 0-3:2 and 1-3:2"

echo "slurm: 5. a throttled array, --array=0-$((shards - 1))%2"
job=$(submit "$work/throttled" --parsable --array=0-$((shards - 1))%2)
most=0
while [ -n "$(squeue -h -j "$job" 2>/dev/null)" ]; do
  running=$(squeue -h -j "$job" -t RUNNING -o %i | wc -l)
  [ "$running" -le "$most" ] || most=$running
  sleep 0.2
done
[ "$most" -le 2 ] || fail "throttled array ran $most tasks at once"
for i in 0 1 2 3; do [ "$(state "${job}_$i")" = COMPLETED ] || fail "task ${job}_$i ended $(state "${job}_$i")"; done
ok "array 0-3%2: at most $most tasks running at once, all COMPLETED"
same_as_single "$work/throttled" "throttled array 0-3%2"

rm -rf "$work"
echo "slurm: $checks checks ok in $((SECONDS - started)) s"
