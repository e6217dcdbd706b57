// convert-fxp-to-arith diagnostics: unsupported forms are located errors.
// RUN: quant-opt %s --split-input-file --convert-fxp-to-arith -verify-diagnostics

func.func @stochastic(%x: tensor<4xf32>) -> tensor<4x!fxp.fixed<s8, 3>> {
  // expected-error @+1 {{rounding 'stochastic' / overflow 'saturate' is not supported by convert-fxp-to-arith (only nearest_away and saturate)}}
  %q = fxp.quantize %x rounding stochastic seed 3 : tensor<4xf32> to tensor<4x!fxp.fixed<s8, 3>>
  return %q : tensor<4x!fxp.fixed<s8, 3>>
}

// -----

func.func @per_axis(%x: tensor<2x2xf32>) -> tensor<2x2x!fxp.fixed<s8, axis 0: [3, 4]>> {
  // expected-error @+1 {{with a per-axis format is not supported by convert-fxp-to-arith}}
  %q = fxp.quantize %x : tensor<2x2xf32> to tensor<2x2x!fxp.fixed<s8, axis 0: [3, 4]>>
  return %q : tensor<2x2x!fxp.fixed<s8, axis 0: [3, 4]>>
}

// -----

func.func @scalar(%x: f32) -> !fxp.fixed<s8, 3> {
  // expected-error @+1 {{on scalars or vectors is not supported by convert-fxp-to-arith (fold it with --canonicalize)}}
  %q = fxp.quantize %x : f32 to !fxp.fixed<s8, 3>
  return %q : !fxp.fixed<s8, 3>
}
