// RUN: quant-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(fxp-correct-bias{input-moments=2,1 remarks=true}))" --verify-diagnostics --mlir-print-op-on-diagnostic=false | FileCheck %s

// Gemm: y = x W + b with W = [[0.3], [0.1]] in s8 F=2 (lsb 0.25):
// Q(0.3) = 0.25 (error -0.05), Q(0.1) = 0 (error -0.1). With E[x] = 2 (the
// input moments), the expected output shifts by (-0.05 - 0.1) * 2 = -0.3,
// so the bias 1.0 becomes 1.3.
// CHECK-LABEL: func.func @gemm
// CHECK: arith.constant dense<1.30000{{[0-9]*}}> : tensor<1xf32>
#map2 = affine_map<(d0, d1) -> (d0, d1)>
#map3 = affine_map<(d0, d1) -> (d1)>
func.func @gemm(%arg0: tensor<4x2xf32>) -> tensor<4x1xf32> {
  %x = fxp.observe "x" %arg0 : tensor<4x2xf32>
  %cw = arith.constant dense<[[0.3], [0.1]]> : tensor<2x1xf32>
  %w = fxp.observe "w" %cw {format = !fxp.fixed<s8, axis 1: [2]>} : tensor<2x1xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x1xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x1xf32>) -> tensor<4x1xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x2xf32>, tensor<2x1xf32>) outs(%f : tensor<4x1xf32>) -> tensor<4x1xf32>
  %cb = arith.constant dense<1.0> : tensor<1xf32>
  // expected-remark@+1 {{bias corrected by up to 0.3}}
  %b = fxp.observe "b" %cb : tensor<1xf32>
  %e2 = tensor.empty() : tensor<4x1xf32>
  %y = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel"]}
      ins(%m, %b : tensor<4x1xf32>, tensor<1xf32>) outs(%e2 : tensor<4x1xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    linalg.yield %s : f32
  } -> tensor<4x1xf32>
  %o = fxp.observe "y" %y : tensor<4x1xf32>
  return %o : tensor<4x1xf32>
}

// -----

// Without a weight format there is nothing to correct.
// CHECK-LABEL: func.func @no_format
// CHECK: arith.constant dense<1.000000e+00> : tensor<1xf32>
#map2 = affine_map<(d0, d1) -> (d0, d1)>
#map3 = affine_map<(d0, d1) -> (d1)>
func.func @no_format(%arg0: tensor<4x2xf32>) -> tensor<4x1xf32> {
  %x = fxp.observe "x" %arg0 : tensor<4x2xf32>
  %cw = arith.constant dense<[[0.3], [0.1]]> : tensor<2x1xf32>
  %w = fxp.observe "w" %cw : tensor<2x1xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x1xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x1xf32>) -> tensor<4x1xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x2xf32>, tensor<2x1xf32>) outs(%f : tensor<4x1xf32>) -> tensor<4x1xf32>
  %cb = arith.constant dense<1.0> : tensor<1xf32>
  %b = fxp.observe "b" %cb : tensor<1xf32>
  %e2 = tensor.empty() : tensor<4x1xf32>
  %y = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel"]}
      ins(%m, %b : tensor<4x1xf32>, tensor<1xf32>) outs(%e2 : tensor<4x1xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    linalg.yield %s : f32
  } -> tensor<4x1xf32>
  %o = fxp.observe "y" %y : tensor<4x1xf32>
  return %o : tensor<4x1xf32>
}
