#!/usr/bin/env bash
# The README's main-job command: installs the Debian packages, builds, and
# runs the main job on the bundled model.
#
# Today: the seed examples of the numerics contract through
# `quant-opt --canonicalize`, then the bundled reference model
# (models/fashion-resnet, float) over the full Fashion-MNIST test set on the
# CPU JIT. It grows into the end-to-end quantization (calibrate, select
# formats, run int8, validate) as that lands.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
BUILD_DIR="${FXP_BUILD_DIR:-build}"
DATA=/usr/share/datasets/fashion-mnist
MODEL=models/fashion-resnet

echo "== Numerics contract: seed examples (quant-opt --canonicalize)"
"$BUILD_DIR/bin/quant-opt" --canonicalize examples/seed-examples.mlir

echo "== Reference model, float, full Fashion-MNIST test set (CPU JIT)"
"$BUILD_DIR/bin/quant" run "$MODEL/model.onnx" \
  --input "$DATA/t10k-images-idx3-ubyte.gz" \
  --labels "$DATA/t10k-labels-idx1-ubyte.gz" \
  --normalize 0.2860,0.3530 --batch 64 --json > "$BUILD_DIR/main-job.json"
/usr/bin/python3 - "$BUILD_DIR/main-job.json" "$MODEL/metrics.json" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
ref = json.load(open(sys.argv[2]))
rows = [("fxp float (CPU JIT)", run["top1"], ref["param_bytes_float32"]),
        ("PyTorch float (training run)", ref["float_top1"], ref["param_bytes_float32"])]
print(f"{'implementation':<32}{'top-1':>9}{'learnable bytes':>17}")
for name, top1, size in rows:
    print(f"{name:<32}{top1 * 100:>8.2f}%{size:>17}")
print(f"{run['count']} images, {run['samples_per_second']:.0f} images/s on "
      f"{run['threads']} threads, compile {run['compile_seconds']:.2f} s")
PY
