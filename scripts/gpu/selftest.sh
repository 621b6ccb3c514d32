#!/usr/bin/env bash
# Checks run.sh's discovery of the plugin and the CUDA folder on a machine without a
# GPU: a fake Python environment with an empty xla_cuda_plugin.so and nvidia/ folders
# laid out as JAX's pip packages lay them out. The binary then fails to load the fake
# plugin, as it must; env.txt must name the right plugin and XLA_FLAGS.
#
#   scripts/gpu/selftest.sh BINARY
set -euo pipefail
BIN=$(realpath "$1")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
SITE=$T/venv/lib/python3.12/site-packages
mkdir -p "$SITE/jax_plugins/xla_cuda12" "$SITE/nvidia/cuda_nvcc/nvvm/libdevice" \
	"$SITE/nvidia/cublas/lib" "$T/cifar" "$T/out"
: > "$SITE/jax_plugins/xla_cuda12/xla_cuda_plugin.so"
: > "$SITE/nvidia/cuda_nvcc/nvvm/libdevice/libdevice.10.bc"
printf '#!/bin/sh\necho %s\n' "$SITE" > "$T/python"
chmod +x "$T/python"
PYTHON=$T/python "$(dirname "$0")/run.sh" "$BIN" "$T/cifar" "$T/out" 1 > "$T/stdout" 2>&1 || true
grep -q "^plugin: $SITE/jax_plugins/xla_cuda12/xla_cuda_plugin.so$" "$T/out/env.txt"
grep -q "^XLA_FLAGS=--xla_gpu_cuda_data_dir=$SITE/nvidia/cuda_nvcc$" "$T/out/env.txt"
grep -q "^GOMLX_BACKEND=xla:$SITE/jax_plugins/xla_cuda12/xla_cuda_plugin.so$" "$T/out/env.txt"
echo "selftest: ok (plugin and CUDA folder found; XLA_FLAGS set)"
