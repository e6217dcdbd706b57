// The seed examples of fxp's numerics contract (docs/Numerics.md). Run
//   quant-opt --canonicalize examples/seed-examples.mlir
// to see the folded stored integers and the real values they read back as.

// 0.0269 in best-precision s8: F = 12, stored 110, real 0.02685546875.
func.func @best_precision() -> (!fxp.fixed<s8, 12>, f64) {
  %x = arith.constant 0.0269 : f64
  %q = fxp.quantize %x : f64 to !fxp.fixed<s8, 12>
  %r = fxp.dequantize %q : !fxp.fixed<s8, 12> to f64
  return %q, %r : !fxp.fixed<s8, 12>, f64
}

// s8 with F = 3 (bits 2^3 .. 2^-3 plus sign): 0.03125 underflows to 0, 2.1
// becomes 2.125, 16.25 saturates to 15.875.
func.func @underflow_precision_overflow() -> (tensor<3x!fxp.fixed<s8, 3>>, tensor<3xf64>) {
  %x = arith.constant dense<[0.03125, 2.1, 16.25]> : tensor<3xf64>
  %q = fxp.quantize %x : tensor<3xf64> to tensor<3x!fxp.fixed<s8, 3>>
  %r = fxp.dequantize %q : tensor<3x!fxp.fixed<s8, 3>> to tensor<3xf64>
  return %q, %r : tensor<3x!fxp.fixed<s8, 3>>, tensor<3xf64>
}

// Ties: 2.5 -> 3 and -2.5 -> -3 (nearest-away, the default); 2.5 -> 2 with
// nearest-even.
func.func @ties() -> (tensor<2x!fxp.fixed<s8, 0>>, tensor<2x!fxp.fixed<s8, 0>>) {
  %x = arith.constant dense<[2.5, -2.5]> : tensor<2xf64>
  %away = fxp.quantize %x : tensor<2xf64> to tensor<2x!fxp.fixed<s8, 0>>
  %even = fxp.quantize %x rounding nearest_even : tensor<2xf64> to tensor<2x!fxp.fixed<s8, 0>>
  return %away, %even : tensor<2x!fxp.fixed<s8, 0>>, tensor<2x!fxp.fixed<s8, 0>>
}
