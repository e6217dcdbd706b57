#!/bin/sh
# Runs the GPU benchmarks on a machine with a GPU and the CUDA toolkit:
#   benchmarks/gpu/run.sh KERNELS_DIR [OUT_DIR]
# KERNELS_DIR is what make_kernels.py wrote (here or elsewhere). Builds
# gpu_bench, then prints: int8 GEMM 4096^3 vs cuBLASLt, the reference
# model's convolutions vs cuDNN, the whole network (model.so, if present)
# and PyTorch fp32/fp16 on the same GPU.
set -u
here=$(cd "$(dirname "$0")" && pwd)
kernels=$1
out=${2:-/tmp/fxp-gpu-bench}
mkdir -p "$out"
cmake -S "$here" -B "$out/build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null &&
  cmake --build "$out/build" || exit 1
bench="$out/build/gpu_bench"
status=0
echo "## int8 GEMM"; "$bench" gemm "$kernels" || status=1
echo "## convolutions"; "$bench" conv "$kernels" || status=1
if [ -f "$kernels/model.so" ]; then
  echo "## whole network"
  for b in 1 64 256; do "$bench" network "$kernels/model.so" $b || status=1; done
fi
if python3 -c "import torch; assert torch.cuda.is_available()" 2>/dev/null; then
  python3 "$here/torch_latency.py" || status=1
fi
exit $status
