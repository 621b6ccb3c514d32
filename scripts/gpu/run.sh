#!/usr/bin/env bash
# Train as many ResNet-space architectures as fit in a time limit on one NVIDIA GPU,
# with a tabulate binary built elsewhere, on a machine that has no Go and no internet
# but has JAX's CUDA PJRT plugin (xla_cuda_plugin.so, NVIDIA libraries beside it) in a
# Python environment. Everything it produces lands in OUT:
#
#   OUT/env.txt            plugin, CUDA folder, XLA_FLAGS, nvidia-smi, command line
#   OUT/log.txt            the run's slog output (progress with img/s and ETA)
#   OUT/work/              tabulate's work folder (one file per finished unit; resumable)
#   OUT/resnet-gpu.parquet the rows of every finished unit (merge -partial)
#   OUT/throughput.txt     training images/s per unit, and their mean without the first
#
# Usage (see README.md, section Regenerating the ResNet table):
#
#   scripts/gpu/run.sh BINARY CIFAR_DIR OUT [MINUTES]
#
# BINARY: tabulate built with cgo and the XLA backend, on any x86-64 Linux machine:
#   CGO_ENABLED=1 go build -tags xla -o tabulate-xla ./cmd/tabulate
# CIFAR_DIR: cifar-10-batches-bin (data_batch_1.bin ... test_batch.bin).
# MINUTES: wall-clock budget for training (default 10); no unit starts that would end
# after it.
# Environment: PYTHON (default python3) is the interpreter whose site-packages hold
# jax_plugins and nvidia/; PLUGIN overrides the plugin path; EPOCHS (default 1),
# SEEDS (default 0), BATCH (default 256), SAMPLE_SEED (default 0) shape the plan; the
# architectures are all 19,683 in a random order fixed by SAMPLE_SEED, so any prefix
# that fits the time is a uniform sample. Run it again with the same OUT to continue.
# EXTRA_ARGS adds tabulate run flags; BACKEND=go skips the plugin search and runs on the
# CPU (a dry run of the whole script, e.g. with EXTRA_ARGS="-train-limit 8 -batch 4").
set -euo pipefail

if [[ $# -lt 3 ]]; then
	sed -n '2,/^set -e/p' "$0" | sed 's/^# \{0,1\}//; /^set -e/d'
	exit 2
fi
BIN=$(realpath "$1")
DATA=$(realpath "$2")
OUT=$3
MINUTES=${4:-10}
PYTHON=${PYTHON:-python3}
mkdir -p "$OUT"
OUT=$(realpath "$OUT")

if [[ -n ${BACKEND:-} ]]; then
	export GOMLX_BACKEND=$BACKEND GOMLX_NO_AUTO_INSTALL=1
	PLUGIN="(none: BACKEND=$BACKEND)" NVIDIA="(none)" XLA_FLAGS=${XLA_FLAGS:-}
else
# 1. The PJRT CUDA plugin, from the Python environment (jax_plugins/xla_cuda12/...).
SITE=$("$PYTHON" -c 'import site, sys; print("\n".join(site.getsitepackages() + [site.getusersitepackages()] + sys.path))' | sort -u)
if [[ -z ${PLUGIN:-} ]]; then
	PLUGIN=$(for d in $SITE; do [[ -d $d ]] && find "$d" -maxdepth 4 -name 'xla_cuda_plugin.so' 2>/dev/null; done | head -n 1)
fi
if [[ -z $PLUGIN || ! -f $PLUGIN ]]; then
	echo "run.sh: no xla_cuda_plugin.so under the site-packages of $PYTHON; set PYTHON or PLUGIN" >&2
	exit 1
fi

# 2. The NVIDIA libraries of the same environment (site-packages/nvidia/*/lib) and the
# CUDA data folder that holds nvvm/libdevice. go-xla v0.1.4 would otherwise set
# XLA_FLAGS=--xla_gpu_cuda_data_dir to a folder of its author's machine when it finds
# these libraries; naming the flag ourselves (and GOPJRT_CUDA_CHECKS=0) avoids it.
NVIDIA=""
for d in $SITE; do
	if [[ -d $d/nvidia ]]; then NVIDIA=$d/nvidia; break; fi
done
if [[ -z $NVIDIA ]]; then
	echo "run.sh: no nvidia/ folder beside the plugin's site-packages; pip install jax[cuda12] provides it" >&2
	exit 1
fi
LIBDEVICE=$(find -L "$NVIDIA" -path '*nvvm/libdevice/libdevice*.bc' 2>/dev/null | head -n 1)
if [[ -z $LIBDEVICE ]]; then
	echo "run.sh: no nvvm/libdevice/libdevice*.bc under $NVIDIA (package nvidia-cuda-nvcc-cu12)" >&2
	exit 1
fi
CUDA_DATA_DIR=$(dirname "$(dirname "$(dirname "$LIBDEVICE")")")
for lib in "$NVIDIA"/*/lib; do
	LD_LIBRARY_PATH=$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
done
export LD_LIBRARY_PATH
export XLA_FLAGS="--xla_gpu_cuda_data_dir=$CUDA_DATA_DIR${XLA_FLAGS:+ $XLA_FLAGS}"
export GOPJRT_CUDA_CHECKS=0
export GOMLX_BACKEND="xla:$PLUGIN"
export GOMLX_NO_AUTO_INSTALL=1
fi

ARGS=(run -data "$DATA" -work "$OUT/work" -sample 19683 -sample-seed "${SAMPLE_SEED:-0}"
	-seeds "${SEEDS:-0}" -epochs "${EPOCHS:-1}" -batch "${BATCH:-256}"
	-time-limit "${MINUTES}m" -progress 30s ${EXTRA_ARGS:-})
{
	echo "date: $(date -u +%FT%TZ)"
	echo "binary: $BIN"
	echo "plugin: $PLUGIN"
	echo "nvidia: $NVIDIA"
	echo "XLA_FLAGS=$XLA_FLAGS"
	echo "GOMLX_BACKEND=$GOMLX_BACKEND"
	echo "command: $BIN ${ARGS[*]}"
	nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv 2>&1 || true
} > "$OUT/env.txt"

# 3. Train until the time limit; the work folder makes a rerun continue.
status=0
"$BIN" "${ARGS[@]}" 2>&1 | tee -a "$OUT/log.txt" || status=$?

# 4. Rows of every finished unit, and the throughput per unit.
"$BIN" merge -partial -notes "GPU run of scripts/gpu/run.sh, ${MINUTES} min budget" \
	-out "$OUT/resnet-gpu.parquet" "$OUT/work" 2>&1 | tee -a "$OUT/log.txt" || status=$?
grep 'msg="unit done"' "$OUT/log.txt" | sed 's/.* arch=\([0-9]*\) .*img_per_s=\([0-9.]*\) .*/\1 \2/' |
	awk '{print} NR > 1 {s += $2; n++} END {if (n) printf "mean img/s (without the first, compiling unit): %.1f over %d units\n", s / n, n}' \
	> "$OUT/throughput.txt"
cat "$OUT/throughput.txt" | tail -n 1
exit $status
