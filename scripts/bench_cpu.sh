#!/usr/bin/env bash
# CPU training throughput of the ResNet, GoMLX (pure-Go backend) beside PyTorch, in one
# run so both see the same machine load; output is benchstat-readable. Usage:
#
#   scripts/bench_cpu.sh [BATCH] > tabulate/testdata/bench-cpu.txt
#
# Needs /usr/bin/python3 with Debian's python3-torch. Takes minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOMLX_BACKEND=go GOMLX_NO_AUTO_INSTALL=1
BATCH=${1:-16}
echo "# $(date -u +%FT%TZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared)"
/usr/bin/python3 scripts/torch_speed.py --batch "$BATCH" --steps 3 --threads "$(nproc)"
go test -run '^$' -bench 'TrainStep|Compile' -benchtime 1x ./tabulate | grep -v '^ok'
/usr/bin/python3 scripts/torch_speed.py --batch "$BATCH" --steps 3 --threads "$(nproc)" | grep -v '^#'
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
