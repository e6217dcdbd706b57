// fxp-mixed-precision errors located at the layer whose sensitivities are
// missing or malformed, and observer verifier errors of `word_length`.
// RUN: quant-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(fxp-mixed-precision{budget-ratio=0.5})'

// A budget needs a sensitivity dictionary on every layer.
func.func @no_sensitivity(%x: tensor<?x4xf32>) -> tensor<?x2xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.000000e+00 : f32
  %in = fxp.observe "input" %x : tensor<?x4xf32>
  %w = arith.constant dense<0.5> : tensor<4x2xf32>
  %0 = fxp.observe "fc/weight" %w : tensor<4x2xf32>
  %dim = tensor.dim %in, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%dim) : tensor<?x2xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<?x2xf32>) -> tensor<?x2xf32>
  %prod = linalg.matmul ins(%in, %0 : tensor<?x4xf32>, tensor<4x2xf32>) outs(%fill : tensor<?x2xf32>) -> tensor<?x2xf32>
  %b = arith.constant dense<[0.1, -0.2]> : tensor<2xf32>
  %bias = fxp.observe "fc/bias" %b : tensor<2xf32>
  %e2 = tensor.empty(%dim) : tensor<?x2xf32>
  %mm = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%prod, %bias : tensor<?x2xf32>, tensor<2xf32>) outs(%e2 : tensor<?x2xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.addf %p, %q : f32
    linalg.yield %s : f32
  } -> tensor<?x2xf32>
  // expected-error @+1 {{fxp-mixed-precision: layer 'fc' has no 'fxp.sensitivity' dictionary (measure them with `quant search`)}}
  %1 = fxp.observe "fc" %mm : tensor<?x2xf32>
  return %1 : tensor<?x2xf32>
}

// -----

// Every entry must be a precision with a finite float value.
func.func @bad_entry(%x: tensor<?x4xf32>) -> tensor<?x2xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.000000e+00 : f32
  %in = fxp.observe "input" %x : tensor<?x4xf32>
  %w = arith.constant dense<0.5> : tensor<4x2xf32>
  %0 = fxp.observe "fc/weight" %w : tensor<4x2xf32>
  %dim = tensor.dim %in, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%dim) : tensor<?x2xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<?x2xf32>) -> tensor<?x2xf32>
  %prod = linalg.matmul ins(%in, %0 : tensor<?x4xf32>, tensor<4x2xf32>) outs(%fill : tensor<?x2xf32>) -> tensor<?x2xf32>
  %b = arith.constant dense<[0.1, -0.2]> : tensor<2xf32>
  %bias = fxp.observe "fc/bias" %b : tensor<2xf32>
  %e2 = tensor.empty(%dim) : tensor<?x2xf32>
  %mm = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%prod, %bias : tensor<?x2xf32>, tensor<2xf32>) outs(%e2 : tensor<?x2xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.addf %p, %q : f32
    linalg.yield %s : f32
  } -> tensor<?x2xf32>
  // expected-error @+1 {{fxp-mixed-precision: layer 'fc': sensitivity entry 'int4' must be a precision (wWaA or float) with a finite float value}}
  %1 = fxp.observe "fc" %mm {fxp.sensitivity = {int4 = 1.0 : f64, float = 0.0 : f64}} : tensor<?x2xf32>
  return %1 : tensor<?x2xf32>
}

// -----

// Only float candidates (40 bytes) cannot meet half the float size.
// expected-error @+1 {{fxp-mixed-precision: no assignment fits the budget of 20.0 bytes; the cheapest needs 40.0}}
module {
  func.func @infeasible(%x: tensor<?x4xf32>) -> tensor<?x2xf32> {
    %c0 = arith.constant 0 : index
    %zero = arith.constant 0.000000e+00 : f32
    %in = fxp.observe "input" %x : tensor<?x4xf32>
    %w = arith.constant dense<0.5> : tensor<4x2xf32>
    %0 = fxp.observe "fc/weight" %w : tensor<4x2xf32>
    %dim = tensor.dim %in, %c0 : tensor<?x4xf32>
    %e = tensor.empty(%dim) : tensor<?x2xf32>
    %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<?x2xf32>) -> tensor<?x2xf32>
    %prod = linalg.matmul ins(%in, %0 : tensor<?x4xf32>, tensor<4x2xf32>) outs(%fill : tensor<?x2xf32>) -> tensor<?x2xf32>
    %b = arith.constant dense<[0.1, -0.2]> : tensor<2xf32>
    %bias = fxp.observe "fc/bias" %b : tensor<2xf32>
    %e2 = tensor.empty(%dim) : tensor<?x2xf32>
    %mm = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%prod, %bias : tensor<?x2xf32>, tensor<2xf32>) outs(%e2 : tensor<?x2xf32>) {
    ^bb0(%p: f32, %q: f32, %o: f32):
      %s = arith.addf %p, %q : f32
      linalg.yield %s : f32
    } -> tensor<?x2xf32>
    %1 = fxp.observe "fc" %mm {fxp.sensitivity = {float = 0.0 : f64}} : tensor<?x2xf32>
    return %1 : tensor<?x2xf32>
  }
}

// -----

// The observer verifier: word_length in [2, 16] ...
func.func @word_length_range(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'fxp.observe' op word_length must be in [2, 16], got 20}}
  %0 = fxp.observe "x" %x {word_length = 20 : i32} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// ... and a chosen format of that width.
func.func @word_length_format(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'fxp.observe' op format '!fxp.fixed<s8, 4>' contradicts word_length 4}}
  %0 = fxp.observe "x" %x {format = !fxp.fixed<s8, 4>, word_length = 4 : i32} : tensor<4xf32>
  return %0 : tensor<4xf32>
}
