#!/usr/bin/env bash
# The README's test command: installs the Debian packages, builds, and runs
# every test (gtest and lit) through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
bash scripts/install-deps.sh
bash scripts/build.sh
BUILD_DIR="${FXP_BUILD_DIR:-build}"
ctest --test-dir "$BUILD_DIR" -j "$(nproc)" --output-on-failure
echo "test.sh: install + build + tests took $(( $(date +%s) - start )) s"
