#!/bin/sh
# A one-node Slurm cluster under a directory of its own, for make
# check-slurm: cluster.sh start DIR, cluster.sh stop DIR.  It starts
# munged (as the munge user, with a key of its own), slurmctld and slurmd
# with a slurm.conf in DIR, on free ports, and records their pid files in
# DIR; stop kills them by those pid files and waits until they are gone.
# Commands run with SLURM_CONF=DIR/slurm.conf.  Needs root (SlurmUser=root)
# and the Debian packages slurmctld slurmd slurm-client munge.
set -eu
cmd=$1 dir=$2

stop() {
	for p in slurmd slurmctld munged; do
		f="$dir/$p.pid"
		[ -s "$f" ] || continue
		pid=$(cat "$f")
		kill "$pid" 2>/dev/null || true
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
		kill -9 "$pid" 2>/dev/null || true
		rm -f "$f"
	done
}

free_port() {
	# a port nobody listens on, from a range Slurm's defaults leave alone
	p=$1
	while ss -ltn 2>/dev/null | awk '{ print $4 }' | grep -q ":$p\$"; do p=$((p + 1)); done
	echo $p
}

case $cmd in
start)
	mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/log"
	chmod 755 "$dir" # munged wants its socket's directory searchable by all (o+x)
	chown munge "$dir/munge"
	chmod 711 "$dir/munge"
	dd if=/dev/urandom of="$dir/munge/munge.key" bs=1k count=1 2>/dev/null
	chown munge "$dir/munge/munge.key"
	chmod 400 "$dir/munge/munge.key"
	su -s /bin/sh munge -c "/usr/sbin/munged --socket='$dir/munge/munge.socket' \
		--key-file='$dir/munge/munge.key' --pid-file='$dir/munge/munged.pid' \
		--log-file='$dir/munge/munged.log' --seed-file='$dir/munge/munged.seed'"
	cp "$dir/munge/munged.pid" "$dir/munged.pid"
	host=$(hostname -s)
	cport=$(free_port 26817)
	dport=$(free_port $((cport + 1)))
	cat >"$dir/slurm.conf" <<CONF
ClusterName=shiplog-check
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$cport
SlurmdPort=$dport
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=check Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
	export SLURM_CONF="$dir/slurm.conf"
	/usr/sbin/slurmctld -f "$SLURM_CONF" -i
	/usr/sbin/slurmd -f "$SLURM_CONF"
	i=0
	until sinfo -h -o %T 2>/dev/null | grep -q idle; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then
			echo "cluster.sh: the node did not come up (logs in $dir/log)" >&2
			tail -5 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" >&2 || true
			stop
			exit 1
		fi
		sleep 0.2
	done
	;;
stop)
	stop
	;;
*)
	echo "usage: cluster.sh start|stop DIR" >&2
	exit 2
	;;
esac
