// Bad input gives a located error and a non-zero exit status: a malformed
// type string, an unknown rounding mode and a per-axis list of the wrong
// length.
// RUN: not quant-opt %s --split-input-file 2>&1 | FileCheck %s

// CHECK: bad-input.mlir:[[@LINE+1]]:{{[0-9]+}}: error: expected signedness and word length such as 's8' or 'u16', got 'q8'
func.func @malformed_type(%a: !fxp.fixed<q8, 3>)

// -----

func.func @unknown_rounding(%x: tensor<4xf32>) {
  // CHECK: bad-input.mlir:[[@LINE+1]]:{{[0-9]+}}: error: {{.*}}unknown rounding mode 'sideways'
  %0 = fxp.quantize %x rounding sideways : tensor<4xf32> to tensor<4x!fxp.fixed<s8, 3>>
  return
}

// -----

func.func @per_axis_length(%x: tensor<2x3xf32>) {
  // CHECK: bad-input.mlir:[[@LINE+1]]:{{[0-9]+}}: error: 'fxp.quantize' op result type 'tensor<2x3x!fxp.fixed<s8, axis 1: [1, 2]>>' has size 3 along axis 1 but its per-axis format lists 2 fraction lengths
  %0 = fxp.quantize %x : tensor<2x3xf32> to tensor<2x3x!fxp.fixed<s8, axis 1: [1, 2]>>
  return
}
