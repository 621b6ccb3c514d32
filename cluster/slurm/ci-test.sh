#!/usr/bin/env bash
# ci-test.sh: the tabulation as a Slurm job array, against a real Slurm on this machine.
#
#   cluster/slurm/ci-test.sh            (as root, or with passwordless sudo)
#
# Installs slurm-wlm and munge if needed (apt-get), starts a private one-node Slurm
# (local-slurm.sh), and runs a tiny tabulation of 9 architectures on synthetic CIFAR-10
# records twice: once as one process (the reference) and once as a 3-task array of
# cluster/slurm/tabulate.sbatch, submitted as a user would (its GPU request included: the
# test node declares stand-in GPUs). While the array runs, the test
#
#   - sends task 0 the time-limit warning (SIGUSR1 to the batch script, which requeues
#     its own task) once it has finished a unit,
#   - requeues task 1 with scontrol requeue (what preemption does) likewise,
#   - kills task 2's tabulate with SIGKILL (a crash) likewise, so that task fails.
#
# It then checks that tasks 0 and 1 resumed: every unit of their shards was trained
# exactly once over the two runs; that task 2 is FAILED; that `tabulate merge` refuses
# the work folder and names shard 2/3; that the rows the folder holds equal the
# reference's (tablecmp -subset); then it resubmits shard 2 alone, merges, and checks
# the merged table equals the reference row for row (every column but wall time).
# Last, two refusals: a run of another recipe on the shared work folder, and an array
# not numbered 0..n-1.
#
# Exits non-zero on any failure. Every wait has a timeout; whatever it started (Slurm
# daemons, munged, the reference run) is stopped on every exit. The work folder is
# removed on success and kept (its path printed) on failure or with MFBENCH_CI_KEEP=1.
# Takes about 2 to 4 minutes on 2 cores after the Go build.
set -euo pipefail

if [[ $(id -u) != 0 ]]; then
	command -v sudo >/dev/null || { echo "ci-test: needs root (or sudo)" >&2; exit 1; }
	exec sudo -E env "PATH=$PATH" bash "$0" "$@"
fi

repo=$(cd "$(dirname "$0")/../.." && pwd)
here=$repo/cluster/slurm
export GOMLX_BACKEND=go GOMLX_NO_AUTO_INSTALL=1
work=$(mktemp -d "${TMPDIR:-/tmp}/mfbench-slurm-ci.XXXXXX")
logs=$work/logs
mkdir -p "$logs" "$work/bin"
t0=$SECONDS
ref_pid=

log() { printf '%s +%3ds  %s\n' "$(date -u +%T)" $((SECONDS - t0)) "$*"; }
fail() { log "FAIL: $*" >&2; exit 1; }

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if ((rc != 0)); then
		log "failed (status $rc); last lines of the logs:" >&2
		for f in "$logs"/* "$work"/slurm/slurmctld.log "$work"/slurm/slurmd.log; do
			[[ -f $f ]] && { echo "--- $f" >&2; tail -n 15 "$f" >&2; }
		done
	fi
	if [[ -n $ref_pid ]] && kill "$ref_pid" 2>/dev/null; then
		# tabulate stops at its next step on SIGTERM; wait 20 s at most.
		for _ in {1..40}; do kill -0 "$ref_pid" 2>/dev/null || break; sleep 0.5; done
		kill -KILL "$ref_pid" 2>/dev/null || true
	fi
	"$here/local-slurm.sh" stop "$work/slurm" || rc=1
	if ((rc == 0)) && [[ -z ${MFBENCH_CI_KEEP:-} ]]; then
		rm -rf "$work"
	else
		log "kept $work"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_until SECONDS WHAT COMMAND...: runs COMMAND every 0.25 s until it succeeds.
wait_until() {
	local limit=$1 what=$2 deadline
	shift 2
	deadline=$((SECONDS + limit))
	until "$@"; do
		((SECONDS < deadline)) || fail "timed out after ${limit}s waiting for $what"
		sleep 0.25
	done
}

# Tiny work: 9 architectures (3 units per shard), 1 epoch of one batch of 2 images.
archs=333333333,533333333,353333333,335333333,333533333,333353333,333335333,333333533,333333353
flags=(-data "$work/data" -plain -archs "$archs" -seeds 0 -epochs 1 -batch 2
	-train-limit 2 -valid-limit 4 -test-limit 4 -eval-batch 4 -progress 1h)
shards=3

log "install slurm-wlm and munge (skipped when present)"
"$here/local-slurm.sh" install

log "build tabulate, tablecmp, tinycifar; write the synthetic data"
(cd "$repo" && go build -o "$work/bin/" ./cmd/tabulate ./cluster/tablecmp ./cluster/tinycifar)
"$work/bin/tinycifar" -out "$work/data" -train 20 -test 10
tab=$work/bin/tabulate

log "reference: the same work in one process (in the background)"
(cd "$work" && exec "$tab" run -shard 0/1 -work ref -table ref.parquet "${flags[@]}") \
	>"$logs/reference.log" 2>&1 &
ref_pid=$!

log "start Slurm"
"$here/local-slurm.sh" start "$work/slurm"
export SLURM_CONF=$work/slurm/slurm.conf

# submit ARRAY [ENV...]: submits tabulate.sbatch as a user would; prints the job id.
submit() {
	local array=$1
	shift
	(cd "$work" && env MFBENCH_TABULATE="$tab" "$@" timeout 30 sbatch --parsable \
		--array="$array" --cpus-per-task=1 --mem=1G --time=15 --output="$logs/task-%a.out" \
		"$here/tabulate.sbatch" -work shards "${flags[@]}")
}

# units_done I: "unit done" lines in task I's log (all runs of the task).
units_done() {
	local n
	n=$(grep -c 'msg="unit done"' "$logs/task-$1.out" 2>/dev/null) || true
	echo "${n:-0}"
}
shard_done() { grep -q 'msg="shard done"' "$logs/task-$1.out" 2>/dev/null; }
has_units() { (($(units_done "$1") >= 1)); }

# array_gone JOB: no task of JOB is pending or running. squeue -j fails for an id that
# slurmctld has purged, and that counts as gone too.
array_gone() {
	local out
	out=$(timeout 10 squeue -h -j "$1" -o %i 2>&1) || [[ $out == *"Invalid job id"* ]] || return 1
	[[ -z $out || $out == *"Invalid job id"* ]]
}

# job_field TASK FIELD: a field of scontrol show job (kept MinJobAge after the end).
job_field() {
	timeout 10 scontrol -o show job "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1
}

log "submit the array: $shards tasks of tabulate.sbatch"
job=$(submit "0-$((shards - 1))%2") # two at a time, whatever the core count
log "job $job"
[[ $(job_field "${job}_0" TresPerNode) == *gpu:1* ]] ||
	fail "task 0 lacks the script's GPU request: $(timeout 10 scontrol -o show job "${job}_0")"

# Tasks 0 and 1 run first (the array runs two at a time); interrupt each after its first
# finished unit, before its last.
sent0='' sent1=''
interrupt_first_two() {
	if [[ -z $sent0 ]] && has_units 0; then
		shard_done 0 && fail "task 0 finished before it could be interrupted"
		log "task 0 has $(units_done 0) unit(s) done: send the time-limit warning (SIGUSR1)"
		timeout 10 scancel --batch --signal=USR1 "${job}_0"
		sent0=1
	fi
	if [[ -z $sent1 ]] && has_units 1; then
		shard_done 1 && fail "task 1 finished before it could be interrupted"
		log "task 1 has $(units_done 1) unit(s) done: scontrol requeue (preemption)"
		timeout 10 scontrol requeue "${job}_1"
		sent1=1
	fi
	[[ -n $sent0 && -n $sent1 ]]
}
wait_until 240 "tasks 0 and 1 to finish a unit" interrupt_first_two

wait_until 240 "task 2 to finish a unit" has_units 2
shard_done 2 && fail "task 2 finished before it could be killed"
pid=$(sed -n 's/.*tabulate running as process \([0-9]*\)$/\1/p' "$logs/task-2.out" | tail -1)
[[ -n $pid ]] || fail "task 2's log does not name its tabulate process"
done2=$(units_done 2)
log "task 2 has $done2 unit(s) done: kill -9 its tabulate (process $pid)"
kill -KILL "$pid"

wait_until 300 "the array to end" array_gone "$job"
log "array ended"

# Tasks 0 and 1 ran twice and trained each of their units exactly once.
for i in 0 1; do
	f=$logs/task-$i.out
	grep -q "restart 1," "$f" || fail "task $i was not restarted (no 'restart 1' in $f)"
	shard_done "$i" || fail "task $i did not finish its shard"
	[[ $(units_done "$i") == 3 ]] ||
		fail "task $i trained $(units_done "$i") units over its runs, want 3 (lost or repeated)"
	[[ $(job_field "${job}_$i" JobState) == COMPLETED ]] ||
		fail "task $i is $(job_field "${job}_$i" JobState), want COMPLETED"
	log "task $i: restarted, resumed ($(grep 'msg=plan' "$f" | tail -1 | grep -o 'done=[0-9]*')" \
		"at restart), 3 units trained once each, COMPLETED"
done
[[ $(job_field "${job}_2" JobState) == FAILED ]] ||
	fail "task 2 is $(job_field "${job}_2" JobState), want FAILED"
log "task 2: FAILED, as killed"

log "merge must refuse the incomplete work folder and name shard 2/3"
if "$tab" merge -out "$work/merged.parquet" "$work/shards" >"$logs/merge-incomplete.log" 2>&1; then
	fail "merge wrote a table from an incomplete folder"
fi
grep -q "shard 2/3" "$logs/merge-incomplete.log" ||
	fail "merge's error does not name shard 2/3: $(cat "$logs/merge-incomplete.log")"
[[ ! -e $work/merged.parquet ]] || fail "merge left $work/merged.parquet behind"
log "merge: $(grep -o 'tabulate: [0-9]* of [0-9]* units missing.*' "$logs/merge-incomplete.log" |
	head -1)"

log "wait for the reference run"
wait "$ref_pid" || fail "the reference run failed (see $logs/reference.log)"
ref_pid=

log "the failed task left the other shards' rows intact: the units present equal the reference's"
"$tab" merge -partial -out "$work/partial.parquet" "$work/shards" 2>>"$logs/merge-partial.log"
"$work/bin/tablecmp" -subset "$work/ref.parquet" "$work/partial.parquet" |
	tee "$logs/cmp-partial.txt"
grep -q "^match: $((6 + done2)) rows" "$logs/cmp-partial.txt" ||
	fail "the partial table does not hold the $((6 + done2)) rows of the finished units"

log "rerun shard 2 alone (--array=2, MFBENCH_SHARDS=$shards)"
job2=$(submit 2 MFBENCH_SHARDS=$shards)
wait_until 240 "the rerun of shard 2 to end" array_gone "$job2"
shard_done 2 || fail "the rerun of shard 2 did not finish it"
[[ $(units_done 2) == 3 ]] ||
	fail "shard 2 trained $(units_done 2) units over its runs, want 3 (lost or repeated)"

log "merge the shards and compare with the reference"
"$tab" merge -out "$work/merged.parquet" "$work/shards" 2>>"$logs/merge.log"
"$work/bin/tablecmp" "$work/ref.parquet" "$work/merged.parquet"

log "a run of another recipe is refused by the shared work folder"
if "$tab" run -shard 0/3 -work "$work/shards" "${flags[@]}" -epochs 2 \
	>"$logs/other-plan.log" 2>&1; then
	fail "tabulate run accepted a work folder of another plan"
fi
grep -q "different plan" "$logs/other-plan.log" ||
	fail "the refusal does not say why: $(cat "$logs/other-plan.log")"
"$tab" merge -out "$work/merged2.parquet" "$work/shards" 2>>"$logs/merge.log"
"$work/bin/tablecmp" "$work/ref.parquet" "$work/merged2.parquet" >/dev/null ||
	fail "the refused run changed the work folder"

log "an array not numbered 0..n-1 is refused by tabulate.sbatch before any work"
job3=$(cd "$work" && timeout 30 sbatch --parsable --array=1-3 --cpus-per-task=1 --mem=1G \
	--time=2 --output="$logs/misnumbered-%a.out" "$here/tabulate.sbatch" -work misnumbered \
	"${flags[@]}")
wait_until 60 "the misnumbered array to end" array_gone "$job3"
[[ $(job_field "${job3}_1" JobState) == FAILED ]] ||
	fail "a task of --array=1-3 is $(job_field "${job3}_1" JobState), want FAILED"
grep -q -- "use --array=0-2" "$logs/misnumbered-1.out" ||
	fail "the misnumbered task's log does not say what to do: $(cat "$logs/misnumbered-1.out")"
[[ ! -e $work/misnumbered ]] || fail "the misnumbered array started work"
log "PASS: sharded, preempted, failed and rerun tabulation equals the single-process run"
