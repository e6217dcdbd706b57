// fxp-select-formats in data-free mode: policy=range (formats from the range
// analysis' intervals) and policy=moments (from propagated means and
// variances), no statistics.
// RUN: quant-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(fxp-select-formats{policy=range input-range=-1,3}))" | FileCheck %s --check-prefix=DATAFREE
// RUN: quant-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(fxp-select-formats{policy=range input-range=-1,3 unsigned-activations=true}))" | FileCheck %s --check-prefix=DATAFREE-UNSIGNED
// RUN: quant-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(fxp-select-formats{policy=moments input-moments=2,1}))" | FileCheck %s --check-prefix=MOMENTS
// RUN: not quant-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(fxp-select-formats{policy=moments}))" 2>&1 | FileCheck %s --check-prefix=NOMOMENTS
// NOMOMENTS: error: fxp-select-formats: policy moments needs input-moments=mean,std (std >= 0) and moment-sigmas > 0
// RUN: not quant-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(fxp-select-formats{policy=range}))" 2>&1 | FileCheck %s --check-prefix=NORANGE
// NORANGE: error: fxp-select-formats: policy range needs input-range=lo,hi

// Data-free (policy=range): the interval of x is input-range [-1, 3];
// ReLU gives [0, 3]; |3| < 4 needs 2 integer bits: s8 F=5 ([-4, 3.97]) for
// both (signed by default), u8 F=6 for the ReLU with unsigned-activations.
// DATAFREE-LABEL: func.func @data_free
// DATAFREE: fxp.observe "x" {{.*}}format = !fxp.fixed<s8, 5>
// DATAFREE: fxp.observe "relu" {{.*}}format = !fxp.fixed<s8, 5>
// With policy=moments (mean 2, sigma 1, 6 sigmas): x covers 8 -> s8 F=3;
// the ReLU of N(2, 1) has mean 2.008 and sigma 0.976 -> 7.87 -> s8 F=4.
// MOMENTS-LABEL: func.func @data_free
// MOMENTS: fxp.observe "x" {{.*}}format = !fxp.fixed<s8, 3>
// MOMENTS: fxp.observe "relu" {{.*}}format = !fxp.fixed<s8, 4>
// DATAFREE-UNSIGNED-LABEL: func.func @data_free
// DATAFREE-UNSIGNED: fxp.observe "relu" {{.*}}format = !fxp.fixed<u8, 6>
#id = affine_map<(d0) -> (d0)>
func.func @data_free(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  %x = fxp.observe "x" %arg0 : tensor<4xf32>
  %e = tensor.empty() : tensor<4xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %z = arith.constant 0.0 : f32
    %m = arith.maximumf %in, %z : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  %r = fxp.observe "relu" %0 : tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// Data-free moments (policy=moments, input-moments=2,1, moment-sigmas=6):
// x has mean 2, sigma 1: |2| + 6 = 8 -> highest bit 3: s8 F=3 (max 15.875).
// y = x W + b with W = [[0.3], [0.1]], b = 1: mean 1 + 0.3 * 2 + 0.1 * 2 =
// 1.8, variance 0.09 + 0.01 = 0.1 (sigma 0.316): 1.8 + 6 * 0.316 = 3.70
// -> highest bit 1: s8 F=5 (max 3.97).
// MOMENTS-LABEL: func.func @gemm_moments
// MOMENTS: fxp.observe "x" {{.*}}format = !fxp.fixed<s8, 3>
// MOMENTS: fxp.observe "y" {{.*}}format = !fxp.fixed<s8, 5>
#map2 = affine_map<(d0, d1) -> (d0, d1)>
#map3 = affine_map<(d0, d1) -> (d1)>
func.func @gemm_moments(%arg0: tensor<4x2xf32>) -> tensor<4x1xf32> {
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
