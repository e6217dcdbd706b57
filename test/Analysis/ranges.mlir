// RUN: quant-opt %s --split-input-file --fxp-print-ranges="input-range=-1,2" | FileCheck %s
// RUN: quant-opt %s --split-input-file --fxp-print-ranges="input-range=-1,2 trust-statistics=true" | FileCheck %s --check-prefix=TRUST

// Element-wise ReLU of x in [-1, 2] is [0, 2].
// CHECK-LABEL: func.func @relu
// CHECK: linalg.generic
// CHECK-SAME: fxp.range = "[0, 2]"
#id = affine_map<(d0) -> (d0)>
func.func @relu(%x: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %z = arith.constant 0.0 : f32
    %m = arith.maximumf %in, %z : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// An `fxp.range` argument attribute overrides input-range; x * x - 3 with
// x in [-4, 3]: the product is [-12, 16] (no correlation), minus 3.
// CHECK-LABEL: func.func @argument_attribute
// CHECK: linalg.generic
// CHECK-SAME: fxp.range = "[-15, 13]"
#id = affine_map<(d0) -> (d0)>
func.func @argument_attribute(%x: tensor<4xf32> {fxp.range = array<f64: -4.0, 3.0>}) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%x, %x : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %p = arith.mulf %a, %b : f32
    %c = arith.constant 3.0 : f32
    %s = arith.subf %p, %c : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Integer matmul with constant weights, x in [-1, 2] (the input range):
// column 0 = [1, 3, 5, 7, 1, 1, 1, -1]: lo = -19 - 2 = -21, hi = 38 + 1 = 39;
// column 1 = [-2, 4, 6, 8, 1, 1, 1, 1]: lo = -22 - 4 = -26, hi = 44 + 2 = 46.
// CHECK-LABEL: func.func @matmul_exact_weights
// CHECK: linalg.matmul
// CHECK-SAME: fxp.channels = "[-21, 39], [-26, 46]"
// CHECK-SAME: fxp.range = "[-26, 46]"
func.func @matmul_exact_weights(%a: tensor<4x8xi8>) -> tensor<4x2xi32> {
  %w = arith.constant dense<[[1, -2], [3, 4], [5, 6], [7, 8], [1, 1], [1, 1], [1, 1], [-1, 1]]> : tensor<8x2xi8>
  %z = arith.constant 0 : i32
  %e = tensor.empty() : tensor<4x2xi32>
  %f = linalg.fill ins(%z : i32) outs(%e : tensor<4x2xi32>) -> tensor<4x2xi32>
  %0 = linalg.matmul ins(%a, %w : tensor<4x8xi8>, tensor<8x2xi8>) outs(%f : tensor<4x2xi32>) -> tensor<4x2xi32>
  return %0 : tensor<4x2xi32>
}

// -----

// Convolution after zero padding: the padded input is [-1, 2] (0 inside).
// Channel 0: weights [1, -1, 2, 0] -> [-1*2 -1*2... ] = sum of w*[-1,2]:
// w=1: [-1,2], w=-1: [-2,1], w=2: [-2,4], w=0: 0 -> [-5, 7]; bias 10 -> [5, 17].
// Channel 1: weights [3, 3, 3, 3] -> [-12, 24]; bias -1 -> [-13, 23].
// Then ReLU: [5, 17] and [0, 23]. Float sums are widened by the f32
// summation error bound (gamma_n times the sum of magnitudes).
// CHECK-LABEL: func.func @conv_bias_relu
// CHECK: tensor.pad
// CHECK: } {fxp.range = "[-1, 2]"} : tensor<1x1x3x3xf32> to tensor<1x1x5x5xf32>
// CHECK: linalg.broadcast
// CHECK-SAME: fxp.channels = "[10, 10], [-1, -1]"
// CHECK: linalg.conv_2d_nchw_fchw
// CHECK-SAME: fxp.channels = "[4.9999{{[0-9]+}}, 17.0000{{[0-9]+}}], [-13.0000{{[0-9]+}}, 23.0000{{[0-9]+}}]"
// CHECK: linalg.generic
// CHECK-SAME: fxp.channels = "[4.9999{{[0-9]+}}, 17.0000{{[0-9]+}}], [0, 23.0000{{[0-9]+}}]"
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @conv_bias_relu(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x1x3x3xf32> to tensor<1x1x5x5xf32>
  %w = arith.constant dense<[[[[1.0, -1.0], [2.0, 0.0]]], [[[3.0, 3.0], [3.0, 3.0]]]]> : tensor<2x1x2x2xf32>
  %b = arith.constant dense<[10.0, -1.0]> : tensor<2xf32>
  %e = tensor.empty() : tensor<1x2x4x4xf32>
  %bb = linalg.broadcast ins(%b : tensor<2xf32>) outs(%e : tensor<1x2x4x4xf32>) dimensions = [0, 2, 3]
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %w : tensor<1x1x5x5xf32>, tensor<2x1x2x2xf32>) outs(%bb : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c : tensor<1x2x4x4xf32>) outs(%e : tensor<1x2x4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %z = arith.constant 0.0 : f32
    %m = arith.maximumf %in, %z : f32
    linalg.yield %m : f32
  } -> tensor<1x2x4x4xf32>
  return %r : tensor<1x2x4x4xf32>
}

// -----

// Global average pooling: a sum over 7 x 7 = 49 points of [-1, 2] is
// [-49, 98] (widened by the f32 summation error bound), divided by 49.
// The collapse keeps the per-channel intervals of the 2 channels.
// CHECK-LABEL: func.func @average_pool
// CHECK: linalg.generic
// CHECK-SAME: fxp.range = "[-49.000{{[0-9]+}}, 98.000{{[0-9]+}}]"
// CHECK: linalg.generic
// CHECK-SAME: fxp.range = "[-1.00000{{[0-9]*}}, 2.00000{{[0-9]*}}]"
// CHECK: tensor.collapse_shape
#in = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#out = affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 0)>
func.func @average_pool(%x: tensor<1x2x7x7xf32>) -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x1x1xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  %s = linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%x : tensor<1x2x7x7xf32>) outs(%f : tensor<1x2x1x1xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.addf %in, %acc : f32
    linalg.yield %a : f32
  } -> tensor<1x2x1x1xf32>
  %m = linalg.generic {indexing_maps = [#in, #in], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%s : tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x1x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.constant 49.0 : f32
    %d = arith.divf %in, %n : f32
    linalg.yield %d : f32
  } -> tensor<1x2x1x1xf32>
  %c = tensor.collapse_shape %m [[0], [1, 2, 3]] : tensor<1x2x1x1xf32> into tensor<1x2xf32>
  return %c : tensor<1x2xf32>
}

// -----

// Max pooling (max reduction over a window) stays within the input.
// CHECK-LABEL: func.func @max_pool
// CHECK: linalg.pooling_nchw_max
// CHECK-SAME: fxp.range = "[-1, 2]"
func.func @max_pool(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %ninf = arith.constant -3.4e38 : f32
  %e = tensor.empty() : tensor<1x1x2x2xf32>
  %f = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %k = tensor.empty() : tensor<2x2xf32>
  %0 = linalg.pooling_nchw_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
      ins(%x, %k : tensor<1x1x4x4xf32>, tensor<2x2xf32>) outs(%f : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

// The requantization epilogue of convert-fxp-to-arith: round(acc * 2^-4)
// with ties away from zero, then saturate to s8. acc in [-1000, 1000]:
// splitting the sign comparison keeps the rounding exact per sign:
// [-63, 63] (|1000| / 16 = 62.5 rounds to 63).
// CHECK-LABEL: func.func @rounding_shift
// CHECK: linalg.generic
// CHECK-SAME: fxp.range = "[-63, 63]"
#id = affine_map<(d0) -> (d0)>
func.func @rounding_shift(%acc: tensor<4xi32> {fxp.range = array<f64: -1000.0, 1000.0>}) -> tensor<4xi8> {
  %e = tensor.empty() : tensor<4xi8>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%acc : tensor<4xi32>) outs(%e : tensor<4xi8>) {
  ^bb0(%in: i32, %out: i8):
    %a = arith.extsi %in : i32 to i64
    %zero = arith.constant 0 : i64
    %half = arith.constant 8 : i64
    %shift = arith.constant 4 : i64
    %neg = arith.cmpi slt, %a, %zero : i64
    %minus = arith.subi %zero, %a : i64
    %mag = arith.select %neg, %minus, %a : i64
    %plus = arith.addi %mag, %half : i64
    %q = arith.shrui %plus, %shift : i64
    %mq = arith.subi %zero, %q : i64
    %r = arith.select %neg, %mq, %q : i64
    %lo = arith.constant -128 : i64
    %hi = arith.constant 127 : i64
    %c1 = arith.maxsi %r, %lo : i64
    %c2 = arith.minsi %c1, %hi : i64
    %t = arith.trunci %c2 : i64 to i8
    linalg.yield %t : i8
  } -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// Fixed-point ops. x in [-1, 2] quantized to s8 F=6 saturates at
// 127/64 = 1.984375. The conv is exact per weight, then rounded to the
// result grid (1/32, ties away) and saturated:
// channel 0: w = [0.5, 0.25] (s8 F=2 stored [2, 1]):
//   0.75 * [-1, 1.984375] = [-0.75, 1.48828125], + bias 64/256 = 0.25
//   -> [-0.5, 1.73828125] -> 1.73828125 * 32 = 55.625 rounds to 56: [-0.5, 1.75];
// channel 1: w = [-1, 1]: [-2.984375, 2.984375] -> 95.5 rounds away to 96: [-3, 3].
// The add of the result with itself does not know the correlation:
// [-1, 3.5] and [-6, 6] saturated to s8 F=5: [-4, 3.96875].
// CHECK-LABEL: func.func @fixed_point
// CHECK: fxp.quantize
// CHECK-SAME: fxp.range = "[-1, 1.984375]"
// CHECK: fxp.conv2d
// CHECK-SAME: fxp.channels = "[-0.5, 1.75], [-3, 3]"
// CHECK: fxp.add
// CHECK-SAME: fxp.channels = "[-1, 3.5], [-4, 3.96875]"
// CHECK: fxp.dequantize
// CHECK-SAME: fxp.range = "[-4, 3.96875]"
func.func @fixed_point(%x: tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32> {
  %q = fxp.quantize %x : tensor<1x2x1x1xf32> to tensor<1x2x1x1x!fxp.fixed<s8, 6>>
  %w = fxp.constant dense<[[[[2]], [[1]]], [[[-4]], [[4]]]]> : tensor<2x2x1x1xi8> as !fxp.fixed<s8, axis 0: [2, 2]>
  %b = fxp.constant dense<[64, 0]> : tensor<2xi32> as !fxp.fixed<s32, axis 0: [8, 8]>
  %c = fxp.conv2d %q, %w, %b strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0]
      : tensor<1x2x1x1x!fxp.fixed<s8, 6>>, tensor<2x2x1x1x!fxp.fixed<s8, axis 0: [2, 2]>>, tensor<2x!fxp.fixed<s32, axis 0: [8, 8]>> -> tensor<1x2x1x1x!fxp.fixed<s8, 5>>
  %a = fxp.add %c, %c : tensor<1x2x1x1x!fxp.fixed<s8, 5>>, tensor<1x2x1x1x!fxp.fixed<s8, 5>> -> tensor<1x2x1x1x!fxp.fixed<s8, 5>>
  %d = fxp.dequantize %a : tensor<1x2x1x1x!fxp.fixed<s8, 5>> to tensor<1x2x1x1xf32>
  return %d : tensor<1x2x1x1xf32>
}

// -----

// Calibrated mode: with trust-statistics the observer bounds its result by
// the observed [min, max]; without it the observer is the identity.
// CHECK-LABEL: func.func @observed
// CHECK: fxp.observe
// CHECK-SAME: fxp.range = "[-1, 2]"
// TRUST-LABEL: func.func @observed
// TRUST: fxp.observe
// TRUST-SAME: fxp.range = "[-0.5, 1.25]"
func.func @observed(%x: tensor<8xf32>) -> tensor<8xf32> {
  %0 = fxp.observe "x" %x {stats = #fxp.stats<count = 8, zeros = 0, min = -0.5, max = 1.25, msb 0: [4, 4]>} : tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// Ops the analysis does not know get the most general value of their type.
// CHECK-LABEL: func.func @unknown_op
// CHECK: math.erf
// CHECK-SAME: fxp.range = "[-inf, inf]"
// CHECK: arith.trunci
// CHECK-SAME: fxp.range = "[-128, 127]"
func.func @unknown_op(%x: f32, %i: i32 {fxp.range = array<f64: -1000.0, 1000.0>}) -> (f32, i8) {
  %0 = math.erf %x : f32
  %1 = arith.trunci %i : i32 to i8
  return %0, %1 : f32, i8
}

// -----

// Batch norm as a per-channel affine map y = x * scale[c] + shift[c]
// (x in [-1, 2]): channel 0 scale 2, shift 1 -> [-1, 5]; channel 1
// scale -3, shift 0 -> [-6, 3].
// CHECK-LABEL: func.func @batch_norm_affine
// CHECK: linalg.generic
// CHECK-SAME: fxp.channels = "[-1, 5], [-6, 3]"
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d1)>
func.func @batch_norm_affine(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %scale = arith.constant dense<[2.0, -3.0]> : tensor<2xf32>
  %shift = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %e = tensor.empty() : tensor<1x2x4x4xf32>
  %0 = linalg.generic {indexing_maps = [#id4, #ch, #ch, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %scale, %shift : tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>) outs(%e : tensor<1x2x4x4xf32>) {
  ^bb0(%in: f32, %s: f32, %t: f32, %out: f32):
    %m = arith.mulf %in, %s : f32
    %a = arith.addf %m, %t : f32
    linalg.yield %a : f32
  } -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

// Sigmoid 1 / (1 + exp(-x)) and tanh are monotone: x in [-1, 2] gives
// [0.268941, 0.880797] and [-0.761594, 0.964028] (rounded outward to f32).
// CHECK-LABEL: func.func @sigmoid_tanh
// CHECK: linalg.generic
// CHECK-SAME: fxp.range = "[0.26894{{[0-9]*}}, 0.88079{{[0-9]*}}]"
// CHECK: linalg.generic
// CHECK-SAME: fxp.range = "[-0.76159{{[0-9]*}}, 0.96402{{[0-9]*}}]"
#id = affine_map<(d0) -> (d0)>
func.func @sigmoid_tanh(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %e = tensor.empty() : tensor<4xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %one = arith.constant 1.0 : f32
    %n = arith.negf %in : f32
    %x1 = math.exp %n : f32
    %d = arith.addf %one, %x1 : f32
    %s = arith.divf %one, %d : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = math.tanh %in : f32
    linalg.yield %t : f32
  } -> tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Softmax over 4 values in [-1, 2] as exp(x) / sum(exp(x)), without the
// max subtraction: exp in [e^-1, e^2] = [0.368, 7.389]; the sum of 4 is
// [1.47, 29.56] (widened by the f32 summation bound); the quotient
// [0.368 / 29.56, 7.389 / 1.47] =
// [0.0124, 5.02]: sound (the true range is within [0, 1]) but loose,
// because the analysis does not relate a value to the sum it is part of.
// CHECK-LABEL: func.func @softmax
// CHECK: linalg.generic
// CHECK-SAME: fxp.range = "[1.4715{{[0-9]*}}, 29.556{{[0-9]*}}]"
// CHECK: linalg.generic
// CHECK-SAME: fxp.range = "[0.01244{{[0-9]*}}, 5.0214{{[0-9]*}}]"
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @softmax(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1xf32>) -> tensor<1xf32>
  %sum = linalg.generic {indexing_maps = [#id2, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<1x4xf32>) outs(%f : tensor<1xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %x1 = math.exp %in : f32
    %a = arith.addf %x1, %acc : f32
    linalg.yield %a : f32
  } -> tensor<1xf32>
  %e2 = tensor.empty() : tensor<1x4xf32>
  %0 = linalg.generic {indexing_maps = [#id2, #row, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x, %sum : tensor<1x4xf32>, tensor<1xf32>) outs(%e2 : tensor<1x4xf32>) {
  ^bb0(%in: f32, %s: f32, %out: f32):
    %x1 = math.exp %in : f32
    %d = arith.divf %x1, %s : f32
    linalg.yield %d : f32
  } -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}
