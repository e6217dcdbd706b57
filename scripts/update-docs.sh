#!/usr/bin/env bash
# Regenerates the dialect/op docs and copies them into docs/ (the
# docs-up-to-date test compares the two).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${FXP_BUILD_DIR:-build}"
cmake --build "$BUILD_DIR" --target fxp-doc
mkdir -p docs/Dialects
cp "$BUILD_DIR/docs/Dialects/FxpDialect.md" docs/Dialects/FxpDialect.md
echo "update-docs: docs/Dialects/FxpDialect.md updated"
