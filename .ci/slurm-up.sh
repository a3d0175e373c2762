#!/usr/bin/env bash
# `make slurm-up`: a one-node Slurm cluster on localhost for the Slurm executor's test: installs slurm-wlm and
# munge from Debian when missing (root only), starts munged, slurmctld and slurmd without systemd. State, logs and
# pid files live in $SLUICE_SLURM_DIR (default /tmp/sluice-slurm); `make slurm-down` stops exactly these daemons.
set -euo pipefail
dir=${SLUICE_SLURM_DIR:-/tmp/sluice-slurm}
if sinfo -h -o %T 2>/dev/null | grep -q idle; then echo "slurm-up: a cluster is already answering"; exit 0; fi
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  [ "$(id -u)" = 0 ] || { echo "slurm-up: slurm-wlm and munge are not installed and this is not root: install them (apt-get install slurm-wlm munge)" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge >/dev/null
fi
[ "$(id -u)" = 0 ] || { echo "slurm-up: starting the daemons needs root" >&2; exit 1; }
mkdir -p "$dir"/state "$dir"/spool "$dir"/log
if ! pgrep -x munged >/dev/null; then
  [ -f /etc/munge/munge.key ] || { dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 2>/dev/null; chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key; }
  mkdir -p /run/munge && chown munge:munge /run/munge
  runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/munged.pid
  cp /run/munge/munged.pid "$dir"/munged.pid
fi
cpus=$(nproc)
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=sluice
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
DefMemPerCPU=1024
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
/usr/sbin/slurmctld -i
/usr/sbin/slurmd -N localhost
for _ in $(seq 1 30); do
  if sinfo -h -o %T 2>/dev/null | grep -q idle; then echo "slurm-up: one-node cluster up (state in $dir)"; exit 0; fi
  sleep 1
done
echo "slurm-up: the node did not become idle; see $dir/log" >&2
exit 1
