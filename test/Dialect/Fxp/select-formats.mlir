// fxp-select-formats from `#fxp.stats` attributes (hand-checked formats).
// RUN: quant-opt %s --split-input-file --fxp-select-formats | FileCheck %s --check-prefixes=CHECK,MSB
// RUN: quant-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(fxp-select-formats{policy=minmax}))" | FileCheck %s --check-prefixes=CHECK,MINMAX
// RUN: quant-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(fxp-select-formats{word-length=4 weights=per-tensor}))" | FileCheck %s --check-prefixes=CHECK,W4

// Values with MSBs 2^0 and 2^1: msb and minmax both cover 2^1, so s8 F=5
// (range [-4, 3.97]); 4 bits: F = 4 - 2 - 1 = 1.
// CHECK-LABEL: func.func @activation
// MSB: fxp.observe "x" %{{.*}} {format = !fxp.fixed<s8, 5>, overflow = 0.000000e+00 : f64
// MINMAX: fxp.observe "x" %{{.*}} {format = !fxp.fixed<s8, 5>, overflow = 0.000000e+00 : f64
// W4: fxp.observe "x" %{{.*}} {format = !fxp.fixed<s4, 1>, overflow = 0.000000e+00 : f64
func.func @activation(%arg0: tensor<8xf32>) -> tensor<8xf32> {
  %0 = fxp.observe "x" %arg0 {stats = #fxp.stats<count = 8, zeros = 0, min = -1.5, max = 3.0, msb 0: [4, 4]>} : tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// 9995 values with MSBs in 2^-4..2^-2 and 5 outliers (0.05%, below the
// default msb-outlier-fraction 0.1%) at 2^5: msb lets the outliers saturate
// (highest bit 2^-2, F = 8), minmax covers 40.0 (F = 1) and loses 60% of
// the values (2^-4 and 2^-3) to underflow.
// CHECK-LABEL: func.func @outliers
// MSB: {format = !fxp.fixed<s8, 8>, overflow = 5.000000e-04 : f64
// MSB-SAME: underflow = 0.000000e+00 : f64
// MINMAX: {format = !fxp.fixed<s8, 1>, overflow = 0.000000e+00 : f64
// MINMAX-SAME: underflow = 6.000000e-01 : f64
func.func @outliers(%arg0: tensor<8xf32>) -> tensor<8xf32> {
  %0 = fxp.observe "y" %arg0 {stats = #fxp.stats<count = 10000, zeros = 0, min = 0.1, max = 40.0, msb -4: [3000, 3000, 3995, 0, 0, 0, 0, 0, 0, 5]>} : tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// Conv weights per output channel (max |w| 0.75 -> F = 7, 3.0 -> F = 5),
// the bias at the accumulator format F_x + F_w = 5 + [7, 5].
// CHECK-LABEL: func.func @conv
// MSB: fxp.observe "conv/bias" %{{.*}} {format = !fxp.fixed<s32, axis 0: [12, 10]>
// MSB: fxp.observe "conv/weight" %{{.*}} {format = !fxp.fixed<s8, axis 0: [7, 5]>
// W4: fxp.observe "conv/bias" %{{.*}} {format = !fxp.fixed<s32, 2>
// W4: fxp.observe "conv/weight" %{{.*}} {format = !fxp.fixed<s4, 1>
func.func @conv(%arg0: tensor<1x1x3x3xf32>) -> tensor<1x2x1x1xf32> {
  %0 = fxp.observe "input" %arg0 {stats = #fxp.stats<count = 9, zeros = 0, min = -1.5, max = 3.0, msb 0: [4, 5]>} : tensor<1x1x3x3xf32>
  %b = arith.constant dense<[0.5, -0.25]> : tensor<2xf32>
  %1 = fxp.observe "conv/bias" %b : tensor<2xf32>
  %e = tensor.empty() : tensor<1x2x1x1xf32>
  %init = linalg.broadcast ins(%1 : tensor<2xf32>) outs(%e : tensor<1x2x1x1xf32>) dimensions = [0, 2, 3]
  %w = arith.constant dense<[[[[0.75, -0.5, 0.25], [0.125, 0.0, -0.75], [0.5, 0.5, 0.5]]], [[[3.0, -2.0, 1.0], [1.0, 0.5, -3.0], [2.0, 2.0, 2.0]]]]> : tensor<2x1x3x3xf32>
  %2 = fxp.observe "conv/weight" %w : tensor<2x1x3x3xf32>
  %3 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%0, %2 : tensor<1x1x3x3xf32>, tensor<2x1x3x3xf32>) outs(%init : tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  %4 = fxp.observe "conv" %3 {stats = #fxp.stats<count = 2, zeros = 0, min = -1.0, max = 1.0, msb 0: [2]>} : tensor<1x2x1x1xf32>
  return %4 : tensor<1x2x1x1xf32>
}

