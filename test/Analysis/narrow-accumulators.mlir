// RUN: quant-opt %s --split-input-file --fxp-narrow-accumulators="remarks-for-kept=true" --verify-diagnostics --mlir-print-op-on-diagnostic=false | FileCheck %s
// RUN: quant-opt %s --split-input-file --fxp-narrow-accumulators="min-width=8" --mlir-print-op-on-diagnostic=false 2>/dev/null | FileCheck %s --check-prefix=W8

// Partial sums of this matmul stay within [-768, 762] (11 bits): the
// accumulator becomes i16 (i8 with min-width=8 is too narrow, so i16
// there too); the result is sign-extended back for its users.
// CHECK-LABEL: func.func @narrowed
// CHECK: %[[INIT:.*]] = linalg.fill
// CHECK: %[[T:.*]] = arith.trunci %[[INIT]] : tensor<4x2xi32> to tensor<4x2xi16>
// CHECK: %[[M:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x3xi8>, tensor<3x2xi8>) outs(%[[T]] : tensor<4x2xi16>) -> tensor<4x2xi16>
// CHECK: %[[E:.*]] = arith.extsi %[[M]] : tensor<4x2xi16> to tensor<4x2xi32>
// CHECK: return %[[E]]
// W8-LABEL: func.func @narrowed
// W8: linalg.matmul {{.*}} -> tensor<4x2xi16>
func.func @narrowed(%a: tensor<4x3xi8>) -> tensor<4x2xi32> {
  %w = arith.constant dense<[[1, -1], [2, 0], [3, 1]]> : tensor<3x2xi8>
  %z = arith.constant 0 : i32
  %e = tensor.empty() : tensor<4x2xi32>
  %f = linalg.fill ins(%z : i32) outs(%e : tensor<4x2xi32>) -> tensor<4x2xi32>
  // expected-remark@+1 {{accumulator narrowed from 'i32' to i16: partial sums within [-768, 762] need 11 bits}}
  %0 = linalg.matmul ins(%a, %w : tensor<4x3xi8>, tensor<3x2xi8>) outs(%f : tensor<4x2xi32>) -> tensor<4x2xi32>
  return %0 : tensor<4x2xi32>
}

// -----

// With inputs known to be in [0, 1] (fxp.range), a 3x3 convolution over
// 2 input channels with weights 100 sums at most 9 * 2 * 100 = 1800:
// 12 bits, so i16 (i8 would not do, also with min-width=8).
// CHECK-LABEL: func.func @conv
// CHECK: linalg.conv_2d_nchw_fchw {{.*}} outs(%{{.*}} : tensor<1x1x2x2xi16>)
// W8-LABEL: func.func @conv
// W8: linalg.conv_2d_nchw_fchw {{.*}} -> tensor<1x1x2x2xi16>
func.func @conv(%x: tensor<1x2x4x4xi8> {fxp.range = array<f64: 0.0, 1.0>}) -> tensor<1x1x2x2xi32> {
  %w = arith.constant dense<100> : tensor<1x2x3x3xi8>
  %z = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x1x2x2xi32>
  %f = linalg.fill ins(%z : i32) outs(%e : tensor<1x1x2x2xi32>) -> tensor<1x1x2x2xi32>
  // expected-remark@+1 {{accumulator narrowed from 'i32' to i16: partial sums within [0, 1800] need 12 bits}}
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x2x4x4xi8>, tensor<1x2x3x3xi8>) outs(%f : tensor<1x1x2x2xi32>) -> tensor<1x1x2x2xi32>
  return %0 : tensor<1x1x2x2xi32>
}

// -----

// A tiny reduction fits in 8 bits: min-width=8 narrows to i8, the default
// (16) to i16.
// CHECK-LABEL: func.func @tiny
// CHECK: linalg.matmul {{.*}} -> tensor<1x1xi16>
// W8-LABEL: func.func @tiny
// W8: linalg.matmul {{.*}} -> tensor<1x1xi8>
func.func @tiny(%a: tensor<1x2xi8> {fxp.range = array<f64: -3.0, 3.0>}) -> tensor<1x1xi32> {
  %w = arith.constant dense<[[2], [-1]]> : tensor<2x1xi8>
  %z = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x1xi32>
  %f = linalg.fill ins(%z : i32) outs(%e : tensor<1x1xi32>) -> tensor<1x1xi32>
  // expected-remark@+1 {{accumulator narrowed from 'i32' to i16: partial sums within [-9, 9] need 5 bits}}
  %0 = linalg.matmul ins(%a, %w : tensor<1x2xi8>, tensor<2x1xi8>) outs(%f : tensor<1x1xi32>) -> tensor<1x1xi32>
  return %0 : tensor<1x1xi32>
}

// -----

// Full-range i8 inputs over 64 x 9 weights of 127: -128 * 127 * 576 =
// -9363456 and 127 * 127 * 576 = 9290304 need 25 bits, so the accumulator
// stays i32 (reported with remarks-for-kept).
// CHECK-LABEL: func.func @kept
// CHECK: linalg.conv_2d_nchw_fchw {{.*}} -> tensor<1x1x1x1xi32>
// CHECK-NOT: arith.extsi
func.func @kept(%x: tensor<1x64x3x3xi8>) -> tensor<1x1x1x1xi32> {
  %w = arith.constant dense<127> : tensor<1x64x3x3xi8>
  %z = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x1x1x1xi32>
  %f = linalg.fill ins(%z : i32) outs(%e : tensor<1x1x1x1xi32>) -> tensor<1x1x1x1xi32>
  // expected-remark@+1 {{accumulator kept at 'i32': partial sums within [-9363456, 9290304] need 25 bits}}
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x64x3x3xi8>, tensor<1x64x3x3xi8>) outs(%f : tensor<1x1x1x1xi32>) -> tensor<1x1x1x1xi32>
  return %0 : tensor<1x1x1x1xi32>
}
