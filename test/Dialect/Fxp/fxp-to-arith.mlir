// convert-fxp-to-arith: fixed-point ops become integer linalg / arith.
// RUN: quant-opt %s --split-input-file --convert-fxp-to-arith --canonicalize | FileCheck %s

// Quantize: scale by 2^F, round (ties away: math.round), clamp, NaN -> 0.
// Dequantize: sitofp and scale by 2^-F.
// CHECK-LABEL: func.func @quantize_dequantize
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32>) -> tensor<?x4xf32>
// CHECK: linalg.generic {{.*}} ins(%[[X]] : tensor<?x4xf32>) outs(%{{.*}} : tensor<?x4xi8>)
// CHECK: arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK: math.round
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: arith.cmpf ord
// CHECK: arith.fptosi
// CHECK: arith.trunci %{{.*}} : i64 to i8
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<?x4xf32>)
// CHECK: arith.sitofp %{{.*}} : i8 to f32
// CHECK: arith.mulf
// CHECK-NOT: fxp.
func.func @quantize_dequantize(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %q = fxp.quantize %x : tensor<?x4xf32> to tensor<?x4x!fxp.fixed<s8, 3>>
  %d = fxp.dequantize %q : tensor<?x4x!fxp.fixed<s8, 3>> to tensor<?x4xf32>
  return %d : tensor<?x4xf32>
}

// -----

// Conv: zero padding of the stored values, an i8 x i8 -> i32 convolution,
// one epilogue with the per-channel shifts F_x + F_w[c] - F_y = [6, 5],
// bias, clamp at [0, 127] for the fused ReLU.
// CHECK-LABEL: func.func @conv
// CHECK-DAG: %[[SHIFTS:.*]] = arith.constant dense<[6, 5]> : tensor<2xi64>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[7, -9]> : tensor<2xi32>
// CHECK-DAG: %[[W:.*]] = arith.constant dense<1> : tensor<2x3x3x3xi8>
// CHECK-DAG: %[[C127:.*]] = arith.constant 127 : i64
// CHECK: %[[P:.*]] = tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %{{.*}} : i8
// CHECK: %[[ACC:.*]] = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[P]], %[[W]] : tensor<?x3x8x8xi8>, tensor<2x3x3x3xi8>) outs(%{{.*}} : tensor<?x2x3x3xi32>)
// CHECK: linalg.generic {{.*}} ins(%[[ACC]], %[[SHIFTS]], %[[B]] : tensor<?x2x3x3xi32>, tensor<2xi64>, tensor<2xi32>) outs(%{{.*}} : tensor<?x2x3x3xi8>)
// CHECK: arith.shrui
// CHECK: arith.maxsi %{{.*}}, %c0_i64
// CHECK: arith.minsi %{{.*}}, %[[C127]]
func.func @conv(%x: tensor<?x3x6x6x!fxp.fixed<s8, 4>>) -> tensor<?x2x3x3x!fxp.fixed<s8, 5>> {
  %w = fxp.constant dense<1> : tensor<2x3x3x3xi8> as !fxp.fixed<s8, axis 0: [7, 6]>
  %b = fxp.constant dense<[7, -9]> : tensor<2xi32> as !fxp.fixed<s32, axis 0: [11, 10]>
  %y = fxp.conv2d %x, %w, %b strides [2, 2] dilations [1, 1] padding [1, 1, 1, 1] relu : tensor<?x3x6x6x!fxp.fixed<s8, 4>>, tensor<2x3x3x3x!fxp.fixed<s8, axis 0: [7, 6]>>, tensor<2x!fxp.fixed<s32, axis 0: [11, 10]>> -> tensor<?x2x3x3x!fxp.fixed<s8, 5>>
  return %y : tensor<?x2x3x3x!fxp.fixed<s8, 5>>
}

// -----

// Add: align F = 6 and F = 4 to F = 6 (b << 2), then shift right by 3.
// CHECK-LABEL: func.func @add
// CHECK-SAME: (%[[A:.*]]: tensor<4xi8>, %[[B:.*]]: tensor<4xi8>) -> tensor<4xi8>
// CHECK: linalg.generic {{.*}} ins(%[[A]], %[[B]] : tensor<4xi8>, tensor<4xi8>)
// CHECK: %[[EA:.*]] = arith.extsi %{{.*}} : i8 to i64
// CHECK: %[[EB:.*]] = arith.extsi %{{.*}} : i8 to i64
// CHECK: %[[SB:.*]] = arith.shli %[[EB]], %c2_i64
// CHECK: arith.addi %[[EA]], %[[SB]]
// CHECK: arith.shrui %{{.*}}, %c3_i64
func.func @add(%a: tensor<4x!fxp.fixed<s8, 6>>, %b: tensor<4x!fxp.fixed<s8, 4>>) -> tensor<4x!fxp.fixed<s8, 3>> {
  %s = fxp.add %a, %b : tensor<4x!fxp.fixed<s8, 6>>, tensor<4x!fxp.fixed<s8, 4>> -> tensor<4x!fxp.fixed<s8, 3>>
  return %s : tensor<4x!fxp.fixed<s8, 3>>
}

// -----

// Global average pooling: i64 sum over H, W, then rounding division by
// 2 * 49 (F_y - F_x = 1 shifts the numerator left by 1).
// CHECK-LABEL: func.func @pool_matmul
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction"]
// CHECK: arith.divui %{{.*}}, %c98_i64
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2, 3]] : tensor<?x4x1x1xi8> into tensor<?x4xi8>
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<?x4xi8>, tensor<4x3xi8>) outs(%{{.*}} : tensor<?x3xi32>)
func.func @pool_matmul(%x: tensor<?x4x7x7x!fxp.fixed<s8, 3>>) -> tensor<?x3x!fxp.fixed<s8, 2>> {
  %p = fxp.global_avg_pool2d %x : tensor<?x4x7x7x!fxp.fixed<s8, 3>> -> tensor<?x4x1x1x!fxp.fixed<s8, 4>>
  %f = tensor.collapse_shape %p [[0], [1, 2, 3]] : tensor<?x4x1x1x!fxp.fixed<s8, 4>> into tensor<?x4x!fxp.fixed<s8, 4>>
  %w = fxp.constant dense<2> : tensor<4x3xi8> as !fxp.fixed<s8, 6>
  %y = fxp.matmul %f, %w : tensor<?x4x!fxp.fixed<s8, 4>>, tensor<4x3x!fxp.fixed<s8, 6>> -> tensor<?x3x!fxp.fixed<s8, 2>>
  return %y : tensor<?x3x!fxp.fixed<s8, 2>>
}

// -----

// An unsigned (post-ReLU) input is zero-extended to i16 before the
// sign-extending linalg kernel; the unsigned result clamps at [0, 255].
// CHECK-LABEL: func.func @unsigned_input
// CHECK: %[[WIDE:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?x2x4x4xi16>)
// CHECK: arith.extui %{{.*}} : i8 to i16
// CHECK: linalg.conv_2d_nchw_fchw {{.*}} ins(%[[WIDE]], %{{.*}} : tensor<?x2x4x4xi16>, tensor<1x2x1x1xi8>) outs(%{{.*}} : tensor<?x1x4x4xi32>)
// CHECK: arith.minsi %{{.*}}, %c255_i64
func.func @unsigned_input(%x: tensor<?x2x4x4x!fxp.fixed<u8, 5>>) -> tensor<?x1x4x4x!fxp.fixed<u8, 4>> {
  %w = fxp.constant dense<3> : tensor<1x2x1x1xi8> as !fxp.fixed<s8, 7>
  %y = fxp.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] relu : tensor<?x2x4x4x!fxp.fixed<u8, 5>>, tensor<1x2x1x1x!fxp.fixed<s8, 7>> -> tensor<?x1x4x4x!fxp.fixed<u8, 4>>
  return %y : tensor<?x1x4x4x!fxp.fixed<u8, 4>>
}

// -----

// 4-bit weights: stored packed two per byte (element 2i in the low nibble:
// [7, -8] -> 0x87 = -121, [1, -1] -> 0xF1 = -15, [3, 0] -> 3), unpacked by
// sign-extending nibbles into i8 (low: (b & 15) - 2 * (b & 8), high: b >>s
// 4; no shift overflows) and computed as int8 (i32 accumulator).
// CHECK-LABEL: func.func @int4_weights
// CHECK-SAME: (%[[X:.*]]: tensor<?x2x4x4xi8>) -> tensor<?x3x4x4xi8>
// CHECK-DAG: %[[P:.*]] = arith.constant dense<[-121, -15, 3]> : tensor<3xi8>
// CHECK: %[[U:.*]] = linalg.generic {{.*}} ins(%[[P]] : tensor<3xi8>) outs(%{{.*}} : tensor<3x2xi8>)
// CHECK: arith.andi
// CHECK: arith.subi
// CHECK: arith.shrsi
// CHECK: linalg.index 1
// CHECK: arith.select
// CHECK: %[[W:.*]] = tensor.expand_shape %[[U]] {{\[\[}}0], [1, 2, 3]] output_shape [3, 2, 1, 1] : tensor<3x2xi8> into tensor<3x2x1x1xi8>
// CHECK: linalg.conv_2d_nchw_fchw {{.*}} ins(%[[X]], %[[W]] : tensor<?x2x4x4xi8>, tensor<3x2x1x1xi8>) outs(%{{.*}} : tensor<?x3x4x4xi32>)
func.func @int4_weights(%x: tensor<?x2x4x4x!fxp.fixed<s8, 4>>) -> tensor<?x3x4x4x!fxp.fixed<s8, 3>> {
  %w = fxp.constant dense<[[[[7]], [[-8]]], [[[1]], [[-1]]], [[[3]], [[0]]]]> : tensor<3x2x1x1xi4> as !fxp.fixed<s4, axis 0: [2, 3, 1]>
  %y = fxp.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] : tensor<?x2x4x4x!fxp.fixed<s8, 4>>, tensor<3x2x1x1x!fxp.fixed<s4, axis 0: [2, 3, 1]>> -> tensor<?x3x4x4x!fxp.fixed<s8, 3>>
  return %y : tensor<?x3x4x4x!fxp.fixed<s8, 3>>
}

// -----

// An odd number of unsigned 4-bit values: the last byte's high nibble is
// padding, sliced off; unsigned nibbles are masked, not sign-extended.
// CHECK-LABEL: func.func @uint4_odd
// CHECK-DAG: arith.constant dense<[33, 15]> : tensor<2xi8>
// CHECK: arith.shrui
// CHECK: arith.andi
// CHECK: arith.select
// CHECK: tensor.extract_slice %{{.*}}[0] [3] [1] : tensor<4xi8> to tensor<3xi8>
func.func @uint4_odd() -> tensor<3x!fxp.fixed<u4, 2>> {
  %c = fxp.constant dense<[1, 2, 15]> : tensor<3xi4> as !fxp.fixed<u4, 2>
  return %c : tensor<3x!fxp.fixed<u4, 2>>
}

// -----

// 16-bit activations and weights with 64 terms can exceed i32 (2^15 * 2^15
// * 64): the accumulator is i64. Constant weights whose per-channel sum of
// |w| keeps every partial sum in i32 keep an i32 accumulator.
// CHECK-LABEL: func.func @wide_accumulator
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<?x64xi16>, tensor<64x10xi16>) outs(%{{.*}} : tensor<?x10xi64>)
func.func @wide_accumulator(%x: tensor<?x64x!fxp.fixed<s16, 4>>, %w: tensor<64x10x!fxp.fixed<s16, 12>>) -> tensor<?x10x!fxp.fixed<s16, 3>> {
  %y = fxp.matmul %x, %w : tensor<?x64x!fxp.fixed<s16, 4>>, tensor<64x10x!fxp.fixed<s16, 12>> -> tensor<?x10x!fxp.fixed<s16, 3>>
  return %y : tensor<?x10x!fxp.fixed<s16, 3>>
}
// CHECK-LABEL: func.func @small_constant_weights
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<?x2xi16>, tensor<2x2xi16>) outs(%{{.*}} : tensor<?x2xi32>)
func.func @small_constant_weights(%x: tensor<?x2x!fxp.fixed<s16, 4>>) -> tensor<?x2x!fxp.fixed<s16, 3>> {
  %w = fxp.constant dense<[[100, -200], [300, 5]]> : tensor<2x2xi16> as !fxp.fixed<s16, 12>
  %y = fxp.matmul %x, %w : tensor<?x2x!fxp.fixed<s16, 4>>, tensor<2x2x!fxp.fixed<s16, 12>> -> tensor<?x2x!fxp.fixed<s16, 3>>
  return %y : tensor<?x2x!fxp.fixed<s16, 3>>
}
