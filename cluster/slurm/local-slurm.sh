#!/usr/bin/env bash
# local-slurm.sh: a real, private, one-node Slurm on this machine, for tests and trials.
#
#   local-slurm.sh install          apt-get install slurm-wlm and munge (skipped if present)
#   local-slurm.sh start DIR        write DIR/slurm.conf, start munged (unless one answers),
#                                   slurmctld and slurmd; wait until the node is idle
#   local-slurm.sh stop DIR         stop what start started, and only that
#   local-slurm.sh env DIR          print `export SLURM_CONF=DIR/slurm.conf`
#
# Everything lives in DIR (config, state, spool, logs, pid files) and is found through
# SLURM_CONF: nothing under /etc/slurm is read or written. The daemons listen on
# loopback ports MFBENCH_SLURMCTLD_PORT and MFBENCH_SLURMD_PORT (default 16817, 16818, so a
# system Slurm on 6817/6818 is left alone). Runs as root, without systemd (Debian 12,
# slurm-wlm 22.05). Every wait has a timeout; start cleans up after itself when it fails.
set -euo pipefail

ctld_port=${MFBENCH_SLURMCTLD_PORT:-16817}
slurmd_port=${MFBENCH_SLURMD_PORT:-16818}
node=mfnode
gpus=${MFBENCH_SLURM_GPUS:-4}

die() { echo "local-slurm: $*" >&2; exit 1; }

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.5 s until it succeeds.
wait_for() {
	local limit=$1 what=$2 deadline
	shift 2
	deadline=$((SECONDS + limit))
	until "$@" >/dev/null 2>&1; do
		if ((SECONDS >= deadline)); then
			echo "local-slurm: timed out after ${limit}s: $what" >&2
			return 1
		fi
		sleep 0.5
	done
}

cmd_install() {
	if command -v slurmctld >/dev/null && command -v slurmd >/dev/null &&
		command -v sbatch >/dev/null && command -v munged >/dev/null; then
		return 0
	fi
	[[ $(id -u) == 0 ]] || die "install: needs root (apt-get)"
	export DEBIAN_FRONTEND=noninteractive
	timeout 300 apt-get update -qq
	timeout 600 apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
}

munge_answers() { munge -n </dev/null | unmunge >/dev/null; }

start_munged() {
	local dir=$1
	if munge_answers 2>/dev/null; then
		return 0 # someone else's munged: use it, never stop it
	fi
	[[ -s /etc/munge/munge.key ]] || die "start: /etc/munge/munge.key missing (is munge installed?)"
	install -d -o munge -g munge -m 0755 /run/munge
	install -d -o munge -g munge -m 0700 /var/lib/munge /var/log/munge
	runuser -u munge -- /usr/sbin/munged
	wait_for 20 "munged answering" munge_answers
	cp /run/munge/munged.pid "$dir/munged.pid" # marks munged as ours for stop
}

write_conf() {
	local dir=$1 hw cpus sockets cores threads mem
	hw=$(slurmd -C | head -1)
	cpus=$(sed -n 's/.* CPUs=\([0-9]*\).*/\1/p' <<<"$hw")
	sockets=$(sed -n 's/.* SocketsPerBoard=\([0-9]*\).*/\1/p' <<<"$hw")
	cores=$(sed -n 's/.* CoresPerSocket=\([0-9]*\).*/\1/p' <<<"$hw")
	threads=$(sed -n 's/.* ThreadsPerCore=\([0-9]*\).*/\1/p' <<<"$hw")
	mem=$(sed -n 's/.* RealMemory=\([0-9]*\).*/\1/p' <<<"$hw")
	[[ -n $cpus && -n $sockets && -n $cores && -n $threads && -n $mem ]] ||
		die "start: cannot read the node's hardware from 'slurmd -C': $hw"

	# The node also declares stand-in GPUs (empty files in DIR/gpu, since Slurm drops a
	# GPU without a File) so that jobs asking for --gres=gpu:N are scheduled as written
	# (test jobs override the request or train on CPU: nothing runs on a GPU here).
	mkdir -p "$dir/gpu"
	local i
	for ((i = 0; i < gpus; i++)); do : >"$dir/gpu/nvidia$i"; done
	cat >"$dir/gres.conf" <<-EOF
		NodeName=$node Name=gpu File=$dir/gpu/nvidia[0-$((gpus - 1))]
	EOF
	local nodeline="NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus Sockets=$sockets"
	nodeline+=" CoresPerSocket=$cores ThreadsPerCore=$threads RealMemory=$mem Gres=gpu:$gpus"
	nodeline+=" State=UNKNOWN"
	cat >"$dir/slurm.conf" <<-EOF
		# Written by cluster/slurm/local-slurm.sh: a private one-node Slurm on loopback.
		ClusterName=mfbench
		SlurmctldHost=localhost(127.0.0.1)
		SlurmctldPort=$ctld_port
		SlurmdPort=$slurmd_port
		SlurmUser=root
		SlurmdUser=root
		AuthType=auth/munge
		CredType=cred/munge
		AuthInfo=cred_expire=5
		StateSaveLocation=$dir/state
		SlurmdSpoolDir=$dir/spool
		SlurmctldPidFile=$dir/slurmctld.pid
		SlurmdPidFile=$dir/slurmd.pid
		SlurmctldLogFile=$dir/slurmctld.log
		SlurmdLogFile=$dir/slurmd.log
		ProctrackType=proctrack/linuxproc
		TaskPlugin=task/none
		MpiDefault=none
		SelectType=select/cons_tres
		SelectTypeParameters=CR_Core
		SchedulerType=sched/backfill
		SchedulerParameters=sched_interval=1,bf_interval=1
		AccountingStorageType=accounting_storage/none
		JobCompType=jobcomp/none
		JobAcctGatherType=jobacct_gather/none
		JobRequeue=1
		MinJobAge=600
		KillWait=5
		ReturnToService=2
		GresTypes=gpu
		$nodeline
		PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
	EOF
}

# port_open PORT: something accepts connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# alive PIDFILE: the process PIDFILE names is running.
alive() { [[ -s $1 ]] && kill -0 "$(<"$1")" 2>/dev/null; }

# ours_answer: the slurmctld started here is running and answers.
ours_answer() { alive "$SLURM_CONF_DIR/slurmctld.pid" && scontrol ping; }

no_jobs_left() { [[ -z $(timeout 5 squeue -h -o %A -p debug -t PD,R,CG,S 2>&1) ]]; }

node_idle() { [[ $(sinfo -h -n "$node" -o %t 2>/dev/null) == idle ]]; }

cmd_start() {
	local dir=$1
	[[ $(id -u) == 0 ]] || die "start: needs root (daemons run as root here)"
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	[[ ! -e $dir/slurmctld.pid ]] || die "start: $dir already holds a Slurm (run stop first)"
	for port in "$ctld_port" "$slurmd_port"; do
		! port_open "$port" || die "start: port $port is taken (another Slurm?); set" \
			"MFBENCH_SLURMCTLD_PORT and MFBENCH_SLURMD_PORT to free ports"
	done
	mkdir -p "$dir/state" "$dir/spool"
	export SLURM_CONF=$dir/slurm.conf
	SLURM_CONF_DIR=$dir

	# From here on a failure stops whatever was started.
	trap 'start_failed "'"$dir"'"' EXIT
	start_munged "$dir"
	write_conf "$dir"
	slurmctld -i
	wait_for 30 "slurmctld answering on port $ctld_port" ours_answer
	slurmd -N "$node"
	wait_for 30 "slurmd running" alive "$dir/slurmd.pid"
	wait_for "${MFBENCH_SLURM_START_TIMEOUT:-60}" "node $node idle" node_idle
	if ! alive "$dir/slurmctld.pid" || ! alive "$dir/slurmd.pid"; then
		die "start: a daemon died; see $dir/slurmctld.log and $dir/slurmd.log"
	fi
	trap - EXIT
}

start_failed() {
	echo "local-slurm: start failed; logs in $1:" >&2
	tail -n 5 "$1"/*.log >&2 2>/dev/null || true
	cmd_stop "$1"
}

# stop_pid FILE NAME GRACE: waits GRACE seconds for the process whose id FILE holds to end,
# then sends SIGTERM and, 5 s later, SIGKILL. Removes FILE.
stop_pid() {
	local file=$1 name=$2 grace=$3 pid deadline
	[[ -s $file ]] || return 0
	pid=$(<"$file")
	deadline=$((SECONDS + grace))
	while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		deadline=$((SECONDS + 5))
		while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
	fi
	if kill -0 "$pid" 2>/dev/null; then
		echo "local-slurm: $name ($pid) did not stop; killing it" >&2
		kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$file"
}

cmd_stop() {
	local dir=$1
	[[ -d $dir ]] || return 0
	export SLURM_CONF=$dir/slurm.conf

	# Jobs first (slurmstepd outlives slurmd by design), then the daemons: scontrol
	# shutdown ends slurmctld and slurmd, and the pid files tell when they are gone.
	if [[ -s $dir/slurmctld.pid ]] && timeout 10 scontrol ping >/dev/null 2>&1; then
		timeout 10 scancel --partition=debug >/dev/null 2>&1 || true
		wait_for 20 "jobs cancelled" no_jobs_left || true
		timeout 15 scontrol shutdown >/dev/null 2>&1 || true
	fi
	stop_pid "$dir/slurmd.pid" slurmd 15
	stop_pid "$dir/slurmctld.pid" slurmctld 15

	# Job steps whose slurmstepd outlived the daemons (linuxproc tracks them by parent).
	kill_stepds "$dir"

	# munged only if this script started it.
	if [[ -s $dir/munged.pid ]]; then
		stop_pid "$dir/munged.pid" munged 0
	fi
}

# kill_stepds DIR: kills, by process id, the slurmstepd processes of this Slurm (those
# started with SLURM_CONF=DIR/slurm.conf), should any outlive the cancel above.
kill_stepds() {
	local dir=$1 p
	for p in $(pgrep -x slurmstepd 2>/dev/null || true); do
		if tr '\0' ' ' <"/proc/$p/environ" 2>/dev/null | grep -q "SLURM_CONF=$dir/slurm.conf"; then
			kill -KILL "$p" 2>/dev/null || true
		fi
	done
}

case ${1:-} in
install) cmd_install ;;
start) [[ $# == 2 ]] || die "usage: $0 start DIR"; cmd_start "$2" ;;
stop) [[ $# == 2 ]] || die "usage: $0 stop DIR"; cmd_stop "$2" ;;
env)
	[[ $# == 2 ]] || die "usage: $0 env DIR"
	echo "export SLURM_CONF=$(cd "$2" && pwd)/slurm.conf"
	;;
*) die "usage: $0 install | start DIR | stop DIR | env DIR" ;;
esac
