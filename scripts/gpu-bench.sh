#!/usr/bin/env bash
# The real-GPU figures of issue 5 (bench/results/speed.md's real-GPU section,
# matmul.md's real-GPU column), for an NVIDIA machine with no package registry
# (docs/testing-webgpu.md in ../shared says what such a run needs).
#
#   bash scripts/gpu-bench.sh pack
#       Here: builds dist-cli/ and packs .gpu-bench/ (this Node binary, Dawn's
#       dawn.node and the Vulkan loader, compressed). Carry both folders to the
#       GPU machine with the working tree (about 40 MiB in all).
#   bash scripts/gpu-bench.sh run OUT
#       There, from the repository root: unpacks them, finds NVIDIA's Vulkan
#       driver, and writes into OUT/
#         pytorch.json   PyTorch training the same MLP (bench/pytorch_mlp.py; where PyTorch has CUDA)
#         speed/         bench:speed without the browser, with PyTorch's rates beside the engine's
#         matmul/        bench:matmul as run "gpu", merged into a copy of bench/results/matmul.json
#       Copy OUT/speed/speed.* and OUT/matmul/matmul.* into bench/results/ afterwards.
#       PEAK_GFLOPS overrides the fp32 peak looked up from the GPU's name;
#       SPEED_ARGS adds options to bench:speed (e.g. "--rules bp,fa --steps 50").
set -euo pipefail
cd "$(dirname "$0")/.."
PACK=.gpu-bench

pack() {
  npm run build:cli
  rm -rf "$PACK"
  mkdir -p "$PACK/webgpu/dist/linux-x64" "$PACK/lib"
  xz -T0 -6 -c "$(command -v node)" > "$PACK/node.xz"
  cp node_modules/webgpu/package.json node_modules/webgpu/index.js "$PACK/webgpu/"
  xz -T0 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node > "$PACK/webgpu/dist/linux-x64/dawn.node.xz"
  # The Vulkan loader, used only where the GPU machine lacks one.
  cp -L "$(ldconfig -p | awk '/libvulkan\.so\.1 .*x86-64/ { print $NF; exit }')" "$PACK/lib/libvulkan.so.1"
  du -sh "$PACK" dist-cli
}

# NVIDIA's fp32 (non-tensor) peaks in GFLOP/s, from the product pages.
peak_for() {
  case "$1" in
    *H200*) echo 67000 ;;
    *"H100 PCIe"*) echo 51200 ;;
    *H100*) echo 67000 ;;
    *A100*) echo 19500 ;;
    *) echo "" ;;
  esac
}

run() {
  local out="${1:?usage: scripts/gpu-bench.sh run OUT}"
  [ -d "$PACK" ] && [ -d dist-cli ] || { echo "gpu-bench: $PACK/ or dist-cli/ is missing: run 'scripts/gpu-bench.sh pack' first and carry both." >&2; exit 2; }
  mkdir -p "$out/speed" "$out/matmul"
  local bin
  bin="$(mktemp -d)"
  xz -dc "$PACK/node.xz" > "$bin/node"
  chmod +x "$bin/node"
  mkdir -p node_modules/webgpu/dist/linux-x64
  cp "$PACK/webgpu/package.json" "$PACK/webgpu/index.js" node_modules/webgpu/
  xz -dc "$PACK/webgpu/dist/linux-x64/dawn.node.xz" > node_modules/webgpu/dist/linux-x64/dawn.node
  if ! ldconfig -p | grep -q 'libvulkan\.so\.1 '; then export LD_LIBRARY_PATH="$PWD/$PACK/lib:${LD_LIBRARY_PATH:-}"; fi
  if [ -z "${VK_DRIVER_FILES:-}" ]; then
    for f in /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json; do
      if [ -f "$f" ]; then export VK_DRIVER_FILES="$f"; break; fi
    done
  fi
  echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-unset}"
  local gpu
  gpu="$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1 || true)"
  echo "GPU: ${gpu:-not named by nvidia-smi}"

  local pytorch=()
  if python3 bench/pytorch_mlp.py --out "$out/pytorch.json"; then
    pytorch=(--pytorch "$out/pytorch.json")
  else
    echo "gpu-bench: no PyTorch figures (see above); the speed table will say so." >&2
  fi
  # shellcheck disable=SC2086 # SPEED_ARGS is a list of options
  local peak="${PEAK_GFLOPS:-$(peak_for "$gpu")}"
  local peak_flag=()
  if [ -n "$peak" ]; then peak_flag=(--peak-gflops "$peak"); fi
  "$bin/node" dist-cli/bench-speed.js --no-browser --out "$out/speed" "${pytorch[@]}" "${peak_flag[@]}" ${SPEED_ARGS:-}

  cp bench/results/matmul.json "$out/matmul/"
  "$bin/node" dist-cli/bench-matmul.js --as gpu --out "$out/matmul" "${peak_flag[@]}"
}

case "${1:-}" in
  pack) pack ;;
  run) shift; run "$@" ;;
  *) echo "usage: bash scripts/gpu-bench.sh pack | run OUT" >&2; exit 2 ;;
esac
