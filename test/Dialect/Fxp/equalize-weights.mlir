// RUN: quant-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(fxp-equalize-weights{remarks=true}))" --verify-diagnostics --mlir-print-op-on-diagnostic=false | FileCheck %s

// conv1 -> ReLU -> zero pad -> conv2. Output channel ranges of W1 are
// [4, 1], input channel ranges of W2 are [1, 4], so s = sqrt(r1 / r2) =
// [2, 0.5]: W1 channel 0 / 2, channel 1 / 0.5; W2 input channel 0 * 2,
// channel 1 * 0.5; both ranges become [2, 2]. The bias [2, 3] of conv1
// becomes [1, 6].
// CHECK-LABEL: func.func @chain
// CHECK-DAG: arith.constant dense<{{\[\[\[\[}}2.000000e+00]], {{\[\[}}-1.000000e+00]]], {{\[\[\[}}2.000000e+00]], {{\[\[}}1.000000e+00]]]]> : tensor<2x2x1x1xf32>
// CHECK-DAG: arith.constant dense<[1.000000e+00, 6.000000e+00]> : tensor<2xf32>
// CHECK-DAG: arith.constant dense<2.000000e+00> : tensor<1x2x1x1xf32>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @chain(%x: tensor<1x2x2x2xf32>) -> tensor<1x1x4x4xf32> {
  %w1 = arith.constant dense<[[[[4.0]], [[-2.0]]], [[[1.0]], [[0.5]]]]> : tensor<2x2x1x1xf32>
  %b1 = arith.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %w2 = arith.constant dense<[[[[1.0]], [[4.0]]]]> : tensor<1x2x1x1xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %bb = linalg.broadcast ins(%b1 : tensor<2xf32>) outs(%e : tensor<1x2x2x2xf32>) dimensions = [0, 2, 3]
  %c1 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w1 : tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>) outs(%bb : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c1 : tensor<1x2x2x2xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %z = arith.constant 0.0 : f32
    %m = arith.maximumf %in, %z : f32
    linalg.yield %m : f32
  } -> tensor<1x2x2x2xf32>
  %p = tensor.pad %r low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x2x2x2xf32> to tensor<1x2x4x4xf32>
  %e2 = tensor.empty() : tensor<1x1x4x4xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  // expected-remark@+1 {{channel range spread 4 -> 1 (first), 4 -> 1 (second)}}
  %c2 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %w2 : tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) outs(%f2 : tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  return %c2 : tensor<1x1x4x4xf32>
}

// -----

// The ReLU output is also returned: scaling would change that result, so
// nothing is equalized (no remark, constants unchanged).
// CHECK-LABEL: func.func @shared_relu
// CHECK-DAG: arith.constant dense<{{\[\[\[\[}}4.000000e+00]]], {{\[\[\[}}1.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: arith.constant dense<{{\[\[\[\[}}1.000000e+00]], {{\[\[}}4.000000e+00]]]]> : tensor<1x2x1x1xf32>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @shared_relu(%x: tensor<1x1x2x2xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x2x2x2xf32>) {
  %w1 = arith.constant dense<[[[[4.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>
  %w2 = arith.constant dense<[[[[1.0]], [[4.0]]]]> : tensor<1x2x1x1xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %c1 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w1 : tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) outs(%f : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c1 : tensor<1x2x2x2xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %z = arith.constant 0.0 : f32
    %m = arith.maximumf %in, %z : f32
    linalg.yield %m : f32
  } -> tensor<1x2x2x2xf32>
  %e2 = tensor.empty() : tensor<1x1x2x2xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %c2 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%r, %w2 : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%f2 : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  return %c2, %r : tensor<1x1x2x2xf32>, tensor<1x2x2x2xf32>
}
