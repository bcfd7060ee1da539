#!/usr/bin/env bash
# Submits a `moisson filter` array job of N tasks and the merge that checks
# and sums their manifests once all of them succeeded (docs/scaling.md).
#
#   scripts/slurm/submit.sh [--wait] [--sbatch-args "ARGS"] N OUT LEDGER [filter arguments...]
#
#   --wait           return when the merge job has ended; exit 0 only if it completed
#   --sbatch-args    extra sbatch options for both jobs (partition, account, time...)
#
# Prints the two job ids. MOISSON and MOISSON_CONFIG are passed on to the tasks.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wait=0
extra=""
while (($#)); do
  case $1 in
    --wait) wait=1; shift ;;
    --sbatch-args) extra=$2; shift 2 ;;
    --) shift; break ;;
    -*) echo "submit.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
if (($# < 3)) || ! [[ $1 =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [--wait] [--sbatch-args \"ARGS\"] N OUT LEDGER [filter arguments...]" >&2
  exit 2
fi
n=$1
out=$2
shift 2
mkdir -p "$out"
out=$(cd "$out" && pwd)
# shellcheck disable=SC2086  # $extra is a list of options
array=$(sbatch --parsable --export=ALL --array=0-$((n - 1)) --chdir="$out" $extra \
  "$here/filter-array.sbatch" "$out" "$@")
array=${array%%;*}
merge_args=(--parsable --export=ALL --dependency=afterok:"$array" --kill-on-invalid-dep=yes --chdir="$out")
((wait)) && merge_args+=(--wait)
echo "array job $array: $n tasks into $out"
failed() {
  echo "submit.sh: $1 (see $out/slurm-moisson-filter-${array}_*.out and $out/slurm-moisson-merge-*.out)" >&2
  exit 1
}
# shellcheck disable=SC2086
merge=$(sbatch "${merge_args[@]}" $extra "$here/merge.sbatch" "$out") || failed "the merge job failed"
merge=${merge%%;*}
echo "merge job $merge: $out/summary.json once every task succeeded"
if ((wait)); then
  # sbatch --wait returns 0 for a merge cancelled because a task failed
  # (its dependency can never be met): the job's state says what happened.
  state=$(scontrol -o show job "$merge" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | head -1)
  [[ $state == JobState=COMPLETED ]] || failed "the merge job ended ${state#JobState=}: a task failed or was cancelled"
fi
