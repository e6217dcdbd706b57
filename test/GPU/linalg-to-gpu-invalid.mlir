// fxp-linalg-to-gpu diagnostics.
// RUN: quant-opt %s --fxp-linalg-to-gpu --split-input-file -verify-diagnostics
// RUN: not quant-opt %s --fxp-linalg-to-gpu="tile-m=48" --split-input-file 2>&1 | FileCheck %s --check-prefix=TILE
// RUN: not quant-opt %s --fxp-linalg-to-gpu="tile-k=16" --split-input-file 2>&1 | FileCheck %s --check-prefix=TILEK
// RUN: not quant-opt %s --fxp-linalg-to-gpu="block-size=2048" --split-input-file 2>&1 | FileCheck %s --check-prefix=BLOCK
// RUN: not quant-opt %s --fxp-linalg-to-gpu="contraction=wmma" --split-input-file 2>&1 | FileCheck %s --check-prefix=KIND
// KIND: error: fxp-linalg-to-gpu: contraction must be mma, dp4a or scalar, got 'wmma'
// TILE: error: fxp-linalg-to-gpu: tile-m must be a positive multiple of 32
// TILEK: error: fxp-linalg-to-gpu: tile-k must be a positive multiple of 32
// BLOCK: error: fxp-linalg-to-gpu: block-size must be in [1, 1024], got 2048

// Ops on tensors: bufferize first.
func.func @tensors(%a: tensor<4x4xi8>, %b: tensor<4x4xi8>, %c: tensor<4x4xi32>) -> tensor<4x4xi32> {
  // expected-error @below {{fxp-linalg-to-gpu needs buffers; run one-shot bufferization first}}
  %0 = linalg.matmul ins(%a, %b : tensor<4x4xi8>, tensor<4x4xi8>) outs(%c : tensor<4x4xi32>) -> tensor<4x4xi32>
  return %0 : tensor<4x4xi32>
}
