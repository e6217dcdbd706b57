#!/usr/bin/env bash
# The README's main-job command: installs the Debian packages, builds, and
# runs the main job. Until end-to-end quantization lands this runs the seed
# examples of the numerics contract through `quant-opt --canonicalize`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
BUILD_DIR="${FXP_BUILD_DIR:-build}"
"$BUILD_DIR/bin/quant-opt" --canonicalize examples/seed-examples.mlir
