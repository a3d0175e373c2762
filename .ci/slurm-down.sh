#!/usr/bin/env bash
# `make slurm-down`: stops the daemons `make slurm-up` started, by the pids in its state folder.
dir=${SLUICE_SLURM_DIR:-/tmp/sluice-slurm}
for d in slurmd slurmctld munged; do
  if [ -f "$dir/$d.pid" ]; then kill "$(cat "$dir/$d.pid")" 2>/dev/null || true; rm -f "$dir/$d.pid"; fi
done
echo "slurm-down: stopped"
