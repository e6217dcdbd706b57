// fxp-lower-to-cpu fails with a located error on ops it cannot lower
// (fixed-point ops must first go through the fxp conversions).
// RUN: not quant-opt %s --fxp-lower-to-cpu 2>&1 | FileCheck %s

// CHECK: lower-to-cpu-errors.mlir:[[@LINE+2]]:{{[0-9]+}}: error:
func.func @fixed_point_left(%x: tensor<4xf32>) -> tensor<4x!fxp.fixed<s8, 3>> {
  %q = fxp.quantize %x : tensor<4xf32> to tensor<4x!fxp.fixed<s8, 3>>
  return %q : tensor<4x!fxp.fixed<s8, 3>>
}
