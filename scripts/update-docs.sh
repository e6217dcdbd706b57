#!/usr/bin/env bash
# Regenerates the dialect and pass docs and copies them into docs/ (the
# docs-up-to-date test compares the two).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${FXP_BUILD_DIR:-build}"
cmake --build "$BUILD_DIR" --target fxp-doc
for dir in Dialects Passes; do
  mkdir -p "docs/$dir"
  cp "$BUILD_DIR/docs/$dir/"*.md "docs/$dir/"
done
echo "update-docs: docs/Dialects and docs/Passes updated"
