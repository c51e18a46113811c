#!/bin/bash
# A meshcast sweep as a SLURM job array: array task I computes shard I of $SHARDS and writes
# $RESULTS/shard-I.ndjson (meshcast names the file after the index it computes with).
#
#   SHARDS=8 sbatch --array=0-7 slurm-sweep.sh scenario.json [sweep flags, e.g. --hops 2..40]
#
# Every submission of one study uses the same SHARDS, scenario and flags. A failed or
# preempted task I is rerun with `scontrol requeue JOBID_I` or `sbatch --array=I slurm-sweep.sh …`
# (same SHARDS): it resumes its own file. Merge: meshcast report "$RESULTS"/shard-*.ndjson
#SBATCH --job-name=meshcast-sweep
#SBATCH --array=0-7
#SBATCH --cpus-per-task=2
#SBATCH --time=02:00:00
#SBATCH --requeue
#SBATCH --open-mode=append
#SBATCH --output=meshcast-%A_%a.log
set -euo pipefail
shards=${SHARDS:-8}
results=${RESULTS:-results}
mkdir -p "$results"
echo "meshcast: shard ${SLURM_ARRAY_TASK_ID:-?}/$shards of array ${SLURM_ARRAY_TASK_MIN:-?}-${SLURM_ARRAY_TASK_MAX:-?}:${SLURM_ARRAY_TASK_STEP:-1}" \
  "on $(hostname), restart ${SLURM_RESTART_COUNT:-0}"
exec meshcast sweep "$@" --shard-count "$shards" --workers "${SLURM_CPUS_PER_TASK:-1}" \
  --out "$results/shard-{shard}.ndjson"
