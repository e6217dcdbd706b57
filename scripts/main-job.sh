#!/usr/bin/env bash
# The README's main-job command: installs the Debian packages, builds, and
# runs the main job on the bundled model.
#
# The seed examples of the numerics contract through `quant-opt
# --canonicalize`, then the end-to-end quantization of the bundled reference
# model (models/fashion-resnet): calibration on the first 200 Fashion-MNIST
# training images, formats from MSB histograms (policy msb, 8 bits,
# per-channel weights), the int8 network compiled for the CPU and validated
# against float on the full test set. Prints the validation table; writes
# build/main-job/{report.json, quantized.mlir, stats.json, heatmap.svg,
# heatmap.txt}.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
BUILD_DIR="${FXP_BUILD_DIR:-build}"
DATA=/usr/share/datasets/fashion-mnist
MODEL=models/fashion-resnet

echo "== Numerics contract: seed examples (quant-opt --canonicalize)"
"$BUILD_DIR/bin/quant-opt" --canonicalize examples/seed-examples.mlir

OUT="$BUILD_DIR/main-job"
echo "== Reference model: calibrate (200 images), quantize (msb, int8), validate (10,000 images)"
"$BUILD_DIR/bin/quant" quantize "$MODEL/model.onnx" \
  --calibration "$DATA/train-images-idx3-ubyte.gz" --calibration-limit 200 \
  --validation "$DATA/t10k-images-idx3-ubyte.gz" \
  --labels "$DATA/t10k-labels-idx1-ubyte.gz" \
  --normalize 0.2860,0.3530 --policy msb -o "$OUT"
echo "== MSB heat map ($OUT/heatmap.txt, first rows)"
head -n 12 "$OUT/heatmap.txt"
echo "== Overflow proof of the integer network (convert-fxp-to-arith + fxp-verify-no-overflow)"
if VERIFY=$("$BUILD_DIR/bin/quant-opt" "$OUT/quantized.mlir" --convert-fxp-to-arith \
    --fxp-verify-no-overflow=remarks=true --mlir-print-op-on-diagnostic=false \
    -o /dev/null 2>&1); then
  echo "$(grep -c 'accumulator proven' <<<"$VERIFY") integer accumulators proven overflow-free"
else
  echo "$VERIFY" >&2
  exit 1
fi
