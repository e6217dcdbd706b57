#!/usr/bin/env bash
# Installs every Debian package fxp needs to build and test. Idempotent; run
# as root (or with sudo available). Only Debian's registry is used.
set -euo pipefail

PACKAGES=(
  # Build tools.
  cmake ninja-build g++ ccache pkg-config
  # LLVM/MLIR 22 (shared libLLVM.so / libMLIR.so, mlir-tblgen, lit, FileCheck).
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools
  # Data files (gzip IDX) and unit tests.
  zlib1g-dev
  libgtest-dev
  # Python for lit and scripts; ONNX and NumPy for the importer's tests and
  # the ONNX node-test conformance suite.
  python3 python3-numpy python3-onnx
  # ONNX protobuf reader for `quant import`.
  libonnx-dev libprotobuf-dev
  # Real images: Fashion-MNIST (IDX, gzip) under /usr/share/datasets.
  dataset-fashion-mnist
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-deps: run as root (or install sudo)" >&2; exit 1
  fi
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
