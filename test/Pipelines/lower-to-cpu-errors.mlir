// fxp-lower-to-cpu fails with a located error on ops it cannot lower
// (here stochastic rounding, which convert-fxp-to-arith does not support).
// RUN: not quant-opt %s --fxp-lower-to-cpu 2>&1 | FileCheck %s

// CHECK: lower-to-cpu-errors.mlir:[[@LINE+3]]:{{[0-9]+}}: error: 'fxp.quantize' op rounding 'stochastic'
// CHECK-NOT: llvm.func
func.func @stochastic(%x: tensor<4xf32>) -> tensor<4x!fxp.fixed<s8, 3>> {
  %q = fxp.quantize %x rounding stochastic seed 1 : tensor<4xf32> to tensor<4x!fxp.fixed<s8, 3>>
  return %q : tensor<4x!fxp.fixed<s8, 3>>
}
