// Folding of fxp conversions: the seed examples of the numerics contract
// (docs/Numerics.md) as seen through --canonicalize.
// RUN: quant-opt %s --canonicalize --split-input-file | FileCheck %s

// Seed: 0.0269 in best-precision s8 is stored 110 with F = 12, which reads
// back as 0.02685546875.
// CHECK-LABEL: func.func @seed_best_precision
// CHECK-DAG: %[[Q:.+]] = fxp.constant 110 : i8 as !fxp.fixed<s8, 12>
// CHECK-DAG: %[[R:.+]] = arith.constant 0.02685546875 : f64
// CHECK: return %[[Q]], %[[R]]
func.func @seed_best_precision() -> (!fxp.fixed<s8, 12>, f64) {
  %x = arith.constant 0.0269 : f64
  %q = fxp.quantize %x : f64 to !fxp.fixed<s8, 12>
  %r = fxp.dequantize %q : !fxp.fixed<s8, 12> to f64
  return %q, %r : !fxp.fixed<s8, 12>, f64
}

// -----

// Seed: with s8 and F = 3, 0.03125 underflows to 0, 2.1 loses precision to
// 2.125 and 16.25 overflows and saturates to 127/8 = 15.875.
// CHECK-LABEL: func.func @seed_underflow_precision_overflow
// CHECK-DAG: %[[Q:.+]] = fxp.constant dense<[0, 17, 127]> : tensor<3xi8> as !fxp.fixed<s8, 3>
// CHECK-DAG: %[[R:.+]] = arith.constant dense<[0.000000e+00, 2.125000e+00, 1.587500e+01]> : tensor<3xf32>
// CHECK: return %[[Q]], %[[R]]
func.func @seed_underflow_precision_overflow() -> (tensor<3x!fxp.fixed<s8, 3>>, tensor<3xf32>) {
  %x = arith.constant dense<[0.03125, 2.1, 16.25]> : tensor<3xf32>
  %q = fxp.quantize %x : tensor<3xf32> to tensor<3x!fxp.fixed<s8, 3>>
  %r = fxp.dequantize %q : tensor<3x!fxp.fixed<s8, 3>> to tensor<3xf32>
  return %q, %r : tensor<3x!fxp.fixed<s8, 3>>, tensor<3xf32>
}

// -----

// Seed: ties round away from zero by default (2.5 -> 3, -2.5 -> -3) and to
// even with nearest_even (2.5 -> 2, 3.5 -> 4, -2.5 -> -2).
// CHECK-LABEL: func.func @seed_ties
// CHECK-DAG: %[[AWAY:.+]] = fxp.constant dense<[3, 4, -3]> : tensor<3xi8> as !fxp.fixed<s8, 0>
// CHECK-DAG: %[[EVEN:.+]] = fxp.constant dense<[2, 4, -2]> : tensor<3xi8> as !fxp.fixed<s8, 0>
// CHECK: return %[[AWAY]], %[[EVEN]]
func.func @seed_ties() -> (tensor<3x!fxp.fixed<s8, 0>>, tensor<3x!fxp.fixed<s8, 0>>) {
  %x = arith.constant dense<[2.5, 3.5, -2.5]> : tensor<3xf32>
  %away = fxp.quantize %x : tensor<3xf32> to tensor<3x!fxp.fixed<s8, 0>>
  %even = fxp.quantize %x rounding nearest_even : tensor<3xf32> to tensor<3x!fxp.fixed<s8, 0>>
  return %away, %even : tensor<3x!fxp.fixed<s8, 0>>, tensor<3x!fxp.fixed<s8, 0>>
}

// -----

// Floor and toward-zero rounding of -2.5 and 2.7; wrap keeps the low bits
// (200 -> -56 in s8) while saturate clamps (200 -> 127).
// CHECK-LABEL: func.func @modes
// CHECK-DAG: %[[FLOOR:.+]] = fxp.constant dense<[-3, 2]> : tensor<2xi8> as !fxp.fixed<s8, 0>
// CHECK-DAG: %[[ZERO:.+]] = fxp.constant dense<[-2, 2]> : tensor<2xi8> as !fxp.fixed<s8, 0>
// CHECK-DAG: %[[WRAP:.+]] = fxp.constant -56 : i8 as !fxp.fixed<s8, 0>
// CHECK-DAG: %[[SAT:.+]] = fxp.constant 127 : i8 as !fxp.fixed<s8, 0>
// CHECK: return %[[FLOOR]], %[[ZERO]], %[[WRAP]], %[[SAT]]
func.func @modes() -> (tensor<2x!fxp.fixed<s8, 0>>, tensor<2x!fxp.fixed<s8, 0>>, !fxp.fixed<s8, 0>, !fxp.fixed<s8, 0>) {
  %x = arith.constant dense<[-2.5, 2.7]> : tensor<2xf32>
  %floor = fxp.quantize %x rounding floor : tensor<2xf32> to tensor<2x!fxp.fixed<s8, 0>>
  %zero = fxp.quantize %x rounding zero : tensor<2xf32> to tensor<2x!fxp.fixed<s8, 0>>
  %big = arith.constant 200.0 : f32
  %wrap = fxp.quantize %big overflow wrap : f32 to !fxp.fixed<s8, 0>
  %sat = fxp.quantize %big : f32 to !fxp.fixed<s8, 0>
  return %floor, %zero, %wrap, %sat : tensor<2x!fxp.fixed<s8, 0>>, tensor<2x!fxp.fixed<s8, 0>>, !fxp.fixed<s8, 0>, !fxp.fixed<s8, 0>
}

// -----

// Unsigned formats saturate negatives to 0 and reach 2^W - 1 (255 prints
// as -1 in the signless i8 payload).
// CHECK-LABEL: func.func @unsigned
// CHECK: fxp.constant dense<[0, -1, 3]> : tensor<3xi8> as !fxp.fixed<u8, 1>
func.func @unsigned() -> tensor<3x!fxp.fixed<u8, 1>> {
  %x = arith.constant dense<[-1.0, 300.0, 1.5]> : tensor<3xf32>
  %q = fxp.quantize %x : tensor<3xf32> to tensor<3x!fxp.fixed<u8, 1>>
  return %q : tensor<3x!fxp.fixed<u8, 1>>
}

// -----

// Per-axis formats use each slice's fraction length: 1.0 along axis 1 with
// F = [1, 2, 3] is [2, 4, 8] in every row; dequantizing reads it back.
// CHECK-LABEL: func.func @per_axis
// CHECK-DAG: %[[Q:.+]] = fxp.constant dense<{{\[}}[2, 4, 8], [2, 4, 8]]> : tensor<2x3xi8> as !fxp.fixed<s8, axis 1: [1, 2, 3]>
// CHECK-DAG: %[[R:.+]] = arith.constant dense<1.000000e+00> : tensor<2x3xf32>
// CHECK: return %[[Q]], %[[R]]
func.func @per_axis() -> (tensor<2x3x!fxp.fixed<s8, axis 1: [1, 2, 3]>>, tensor<2x3xf32>) {
  %x = arith.constant dense<1.0> : tensor<2x3xf32>
  %q = fxp.quantize %x : tensor<2x3xf32> to tensor<2x3x!fxp.fixed<s8, axis 1: [1, 2, 3]>>
  %r = fxp.dequantize %q : tensor<2x3x!fxp.fixed<s8, axis 1: [1, 2, 3]>> to tensor<2x3xf32>
  return %q, %r : tensor<2x3x!fxp.fixed<s8, axis 1: [1, 2, 3]>>, tensor<2x3xf32>
}

// -----

// Casting constants: s16 F=8 stored 640 (2.5) and -640 to s8 F=0 rounds
// ties away (3, -3) or with floor (2, -3); widening is an exact shift.
// CHECK-LABEL: func.func @cast_constant
// CHECK-DAG: %[[AWAY:.+]] = fxp.constant dense<[3, -3]> : tensor<2xi8> as !fxp.fixed<s8, 0>
// CHECK-DAG: %[[FLOOR:.+]] = fxp.constant dense<[2, -3]> : tensor<2xi8> as !fxp.fixed<s8, 0>
// CHECK-DAG: %[[WIDE:.+]] = fxp.constant dense<[163840, -163840]> : tensor<2xi32> as !fxp.fixed<s32, 16>
// CHECK: return %[[AWAY]], %[[FLOOR]], %[[WIDE]]
func.func @cast_constant() -> (tensor<2x!fxp.fixed<s8, 0>>, tensor<2x!fxp.fixed<s8, 0>>, tensor<2x!fxp.fixed<s32, 16>>) {
  %c = fxp.constant dense<[640, -640]> : tensor<2xi16> as !fxp.fixed<s16, 8>
  %away = fxp.cast %c : tensor<2x!fxp.fixed<s16, 8>> to tensor<2x!fxp.fixed<s8, 0>>
  %floor = fxp.cast %c rounding floor : tensor<2x!fxp.fixed<s16, 8>> to tensor<2x!fxp.fixed<s8, 0>>
  %wide = fxp.cast %c : tensor<2x!fxp.fixed<s16, 8>> to tensor<2x!fxp.fixed<s32, 16>>
  return %away, %floor, %wide : tensor<2x!fxp.fixed<s8, 0>>, tensor<2x!fxp.fixed<s8, 0>>, tensor<2x!fxp.fixed<s32, 16>>
}

// -----

// A cast to the same type is the identity.
// CHECK-LABEL: func.func @cast_identity
// CHECK-SAME: (%[[X:.+]]: tensor<2x!fxp.fixed<s8, 3>>)
// CHECK-NEXT: return %[[X]]
func.func @cast_identity(%x: tensor<2x!fxp.fixed<s8, 3>>) -> tensor<2x!fxp.fixed<s8, 3>> {
  %0 = fxp.cast %x rounding floor : tensor<2x!fxp.fixed<s8, 3>> to tensor<2x!fxp.fixed<s8, 3>>
  return %0 : tensor<2x!fxp.fixed<s8, 3>>
}

// -----

// quantize(dequantize(x)) to x's own type is exact when the float type holds
// every value of the format (s8 in f32), but not for s32 in f32.
// CHECK-LABEL: func.func @requantize_exact
// CHECK-SAME: (%[[X:.+]]: tensor<2x!fxp.fixed<s8, 3>>, %[[Y:.+]]: tensor<2x!fxp.fixed<s32, 3>>)
// CHECK: %[[D:.+]] = fxp.dequantize %[[Y]]
// CHECK: %[[Q:.+]] = fxp.quantize %[[D]]
// CHECK: return %[[X]], %[[Q]]
func.func @requantize_exact(%x: tensor<2x!fxp.fixed<s8, 3>>, %y: tensor<2x!fxp.fixed<s32, 3>>) -> (tensor<2x!fxp.fixed<s8, 3>>, tensor<2x!fxp.fixed<s32, 3>>) {
  %0 = fxp.dequantize %x : tensor<2x!fxp.fixed<s8, 3>> to tensor<2xf32>
  %1 = fxp.quantize %0 : tensor<2xf32> to tensor<2x!fxp.fixed<s8, 3>>
  %2 = fxp.dequantize %y : tensor<2x!fxp.fixed<s32, 3>> to tensor<2xf32>
  %3 = fxp.quantize %2 : tensor<2xf32> to tensor<2x!fxp.fixed<s32, 3>>
  return %1, %3 : tensor<2x!fxp.fixed<s8, 3>>, tensor<2x!fxp.fixed<s32, 3>>
}

// -----

// Stochastic rounding is reproducible: the same seed folds to the same
// stored values, and 2.25 always lands on one of its neighbours 2 or 3.
// CHECK-LABEL: func.func @stochastic
// CHECK: %[[Q:.+]] = fxp.constant dense<[{{[23]}}, {{[23]}}, {{[23]}}, {{[23]}}]> : tensor<4xi8> as !fxp.fixed<s8, 0>
// CHECK: return %[[Q]], %[[Q]]
func.func @stochastic() -> (tensor<4x!fxp.fixed<s8, 0>>, tensor<4x!fxp.fixed<s8, 0>>) {
  %x = arith.constant dense<2.25> : tensor<4xf32>
  %a = fxp.quantize %x rounding stochastic seed 11 : tensor<4xf32> to tensor<4x!fxp.fixed<s8, 0>>
  %b = fxp.quantize %x rounding stochastic seed 11 : tensor<4xf32> to tensor<4x!fxp.fixed<s8, 0>>
  return %a, %b : tensor<4x!fxp.fixed<s8, 0>>, tensor<4x!fxp.fixed<s8, 0>>
}

// -----

// Observe is kept even when its result is unused: it records statistics.
// CHECK-LABEL: func.func @observe_kept
// CHECK: fxp.observe "x"
func.func @observe_kept(%x: tensor<2xf32>) {
  %0 = fxp.observe "x" %x : tensor<2xf32>
  return
}

// -----

// Non-constant conversions are left alone.
// CHECK-LABEL: func.func @no_fold
// CHECK: fxp.quantize
// CHECK: fxp.dequantize
func.func @no_fold(%x: tensor<2xf32>) -> tensor<2xf32> {
  %q = fxp.quantize %x : tensor<2xf32> to tensor<2x!fxp.fixed<s8, 3>>
  %r = fxp.dequantize %q : tensor<2x!fxp.fixed<s8, 3>> to tensor<2xf32>
  return %r : tensor<2xf32>
}
