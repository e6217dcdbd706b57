// Round trip of every fxp type, attribute and op: textual, generic form and
// bytecode all print back the same custom form.
// RUN: quant-opt %s | quant-opt | FileCheck %s
// RUN: quant-opt %s --mlir-print-op-generic | quant-opt | FileCheck %s
// RUN: quant-opt %s --emit-bytecode | quant-opt | FileCheck %s

// Per-tensor formats: signed, unsigned, negative and large fraction lengths,
// extreme word lengths.
// CHECK-LABEL: func.func @types
// CHECK-SAME: !fxp.fixed<s8, 3>
// CHECK-SAME: !fxp.fixed<u16, -2>
// CHECK-SAME: !fxp.fixed<s1, 0>
// CHECK-SAME: !fxp.fixed<u32, 40>
// CHECK-SAME: tensor<2x3x!fxp.fixed<s8, axis 1: [7, -1, 12]>>
// CHECK-SAME: vector<4x!fxp.fixed<s4, 2>>
func.func @types(%a: !fxp.fixed<s8, 3>, %b: !fxp.fixed<u16, -2>,
                 %c: !fxp.fixed<s1, 0>, %d: !fxp.fixed<u32, 40>,
                 %e: tensor<2x3x!fxp.fixed<s8, axis 1: [7, -1, 12]>>,
                 %f: vector<4x!fxp.fixed<s4, 2>>) {
  return
}

// Quantize with default modes prints no modes; non-default ones print.
// CHECK-LABEL: func.func @quantize
// CHECK: fxp.quantize %{{.*}} : tensor<4xf32> to tensor<4x!fxp.fixed<s8, 3>>
// CHECK: fxp.quantize %{{.*}} rounding nearest_even overflow wrap : tensor<4xf32> to tensor<4x!fxp.fixed<s8, 3>>
// CHECK: fxp.quantize %{{.*}} rounding stochastic seed 42 : tensor<4xf32> to tensor<4x!fxp.fixed<s8, 3>>
// CHECK: fxp.quantize %{{.*}} rounding floor : f16 to !fxp.fixed<u8, 7>
// CHECK: fxp.quantize %{{.*}} rounding zero : tensor<?x3xbf16> to tensor<?x3x!fxp.fixed<s16, axis 1: [1, 2, 3]>>
func.func @quantize(%x: tensor<4xf32>, %s: f16, %d: tensor<?x3xbf16>) {
  %0 = fxp.quantize %x : tensor<4xf32> to tensor<4x!fxp.fixed<s8, 3>>
  %1 = fxp.quantize %x overflow wrap rounding nearest_even : tensor<4xf32> to tensor<4x!fxp.fixed<s8, 3>>
  %2 = fxp.quantize %x rounding stochastic seed 42 : tensor<4xf32> to tensor<4x!fxp.fixed<s8, 3>>
  %3 = fxp.quantize %s rounding floor : f16 to !fxp.fixed<u8, 7>
  %4 = fxp.quantize %d rounding zero : tensor<?x3xbf16> to tensor<?x3x!fxp.fixed<s16, axis 1: [1, 2, 3]>>
  return
}

// Explicitly written default modes are kept as attributes but print nothing.
// CHECK-LABEL: func.func @explicit_defaults
// CHECK: fxp.quantize %{{.*}} : tensor<4xf32> to tensor<4x!fxp.fixed<s8, 3>>
func.func @explicit_defaults(%x: tensor<4xf32>) {
  %0 = fxp.quantize %x rounding nearest_away overflow saturate : tensor<4xf32> to tensor<4x!fxp.fixed<s8, 3>>
  return
}

// Dequantize to each float width.
// CHECK-LABEL: func.func @dequantize
// CHECK: fxp.dequantize %{{.*}} : tensor<4x!fxp.fixed<s8, 3>> to tensor<4xf32>
// CHECK: fxp.dequantize %{{.*}} : !fxp.fixed<u8, 7> to f64
// CHECK: fxp.dequantize %{{.*}} : vector<4x!fxp.fixed<s4, 2>> to vector<4xf16>
func.func @dequantize(%a: tensor<4x!fxp.fixed<s8, 3>>, %b: !fxp.fixed<u8, 7>,
                      %c: vector<4x!fxp.fixed<s4, 2>>) {
  %0 = fxp.dequantize %a : tensor<4x!fxp.fixed<s8, 3>> to tensor<4xf32>
  %1 = fxp.dequantize %b : !fxp.fixed<u8, 7> to f64
  %2 = fxp.dequantize %c : vector<4x!fxp.fixed<s4, 2>> to vector<4xf16>
  return
}

// Casts between per-tensor and per-axis formats.
// CHECK-LABEL: func.func @cast
// CHECK: fxp.cast %{{.*}} rounding floor : tensor<2x!fxp.fixed<s16, 8>> to tensor<2x!fxp.fixed<s8, 3>>
// CHECK: fxp.cast %{{.*}} : tensor<2x!fxp.fixed<s16, 8>> to tensor<2x!fxp.fixed<s8, axis 0: [3, 4]>>
// CHECK: fxp.cast %{{.*}} overflow wrap : tensor<2x!fxp.fixed<s8, axis 0: [3, 4]>> to tensor<2x!fxp.fixed<s32, axis 0: [9, 9]>>
func.func @cast(%a: tensor<2x!fxp.fixed<s16, 8>>) {
  %0 = fxp.cast %a rounding floor : tensor<2x!fxp.fixed<s16, 8>> to tensor<2x!fxp.fixed<s8, 3>>
  %1 = fxp.cast %a : tensor<2x!fxp.fixed<s16, 8>> to tensor<2x!fxp.fixed<s8, axis 0: [3, 4]>>
  %2 = fxp.cast %1 overflow wrap : tensor<2x!fxp.fixed<s8, axis 0: [3, 4]>> to tensor<2x!fxp.fixed<s32, axis 0: [9, 9]>>
  return
}

// Constants: dense, splat, per-axis, scalar, and a dense resource payload.
// CHECK-LABEL: func.func @constant
// CHECK: %[[A:.+]] = fxp.constant dense<[110, -3]> : tensor<2xi8> as !fxp.fixed<s8, 12>
// CHECK: fxp.constant dense<7> : tensor<2x2xi4> as !fxp.fixed<s4, axis 0: [1, 2]>
// CHECK: fxp.constant 5 : i4 as !fxp.fixed<u4, 0>
// CHECK: fxp.constant dense_resource<weights> : tensor<2xi8> as !fxp.fixed<s8, 3>
// CHECK: return %[[A]]
func.func @constant() -> tensor<2x!fxp.fixed<s8, 12>> {
  %0 = fxp.constant dense<[110, -3]> : tensor<2xi8> as !fxp.fixed<s8, 12>
  %1 = fxp.constant dense<7> : tensor<2x2xi4> as !fxp.fixed<s4, axis 0: [1, 2]>
  %2 = fxp.constant 5 : i4 as !fxp.fixed<u4, 0>
  %3 = fxp.constant dense_resource<weights> : tensor<2xi8> as !fxp.fixed<s8, 3>
  return %0 : tensor<2x!fxp.fixed<s8, 12>>
}

// Observe on float and fixed-point values, ranked and unranked.
// CHECK-LABEL: func.func @observe
// CHECK: fxp.observe "conv1" %{{.*}} : tensor<1x16x28x28xf32>
// CHECK: fxp.observe "conv1/q" %{{.*}} : tensor<*x!fxp.fixed<s8, 3>>
// CHECK: fxp.observe "scalar" %{{.*}} : f32
func.func @observe(%x: tensor<1x16x28x28xf32>, %q: tensor<*x!fxp.fixed<s8, 3>>, %s: f32) {
  %0 = fxp.observe "conv1" %x : tensor<1x16x28x28xf32>
  %1 = fxp.observe "conv1/q" %q : tensor<*x!fxp.fixed<s8, 3>>
  %2 = fxp.observe "scalar" %s : f32
  return
}

// Mode attributes on their own.
// CHECK-LABEL: func.func @attributes
// CHECK-SAME: overflow = #fxp.overflow<wrap>
// CHECK-SAME: rounding = #fxp.rounding<nearest_even>
func.func @attributes() attributes {rounding = #fxp.rounding<nearest_even>, overflow = #fxp.overflow<wrap>} {
  return
}

{-#
  dialect_resources: {
    builtin: {
      weights: "0x010000000102"
    }
  }
#-}
