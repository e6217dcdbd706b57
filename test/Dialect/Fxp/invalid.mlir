// Every parser and verifier error of the fxp dialect, one case each.
// RUN: quant-opt %s -split-input-file -verify-diagnostics

// Word length 0 is rejected by the type verifier.
// expected-error @+1 {{fixed-point word length must be in [1, 32], got 0}}
func.func @width_zero(%a: !fxp.fixed<s0, 3>)

// -----

// Word length above 32 is rejected.
// expected-error @+1 {{fixed-point word length must be in [1, 32], got 33}}
func.func @width_33(%a: !fxp.fixed<u33, 3>)

// -----

// The signedness must be 's' or 'u'.
// expected-error @+1 {{expected signedness and word length such as 's8' or 'u16', got 'i8'}}
func.func @bad_signedness(%a: !fxp.fixed<i8, 3>)

// -----

// The width must be a number.
// expected-error @+1 {{expected signedness and word length such as 's8' or 'u16', got 'sx'}}
func.func @bad_width(%a: !fxp.fixed<sx, 3>)

// -----

// The signedness/width keyword is required.
// expected-error @+1 {{expected signedness and word length such as 's8' or 'u16'}}
func.func @missing_width(%a: !fxp.fixed<8, 3>)

// -----

// A fraction length is required.
// expected-error @+1 {{expected a fraction length (an integer) or 'axis N: [...]'}}
func.func @missing_fraction(%a: !fxp.fixed<s8, x>)

// -----

// The fraction length list of a per-axis format must be a list of integers.
// expected-error @+1 {{expected integer value}}
func.func @bad_axis_list(%a: tensor<2x!fxp.fixed<s8, axis 0: [1, y]>>)

// -----

// A per-axis format needs a non-negative axis.
// expected-error @+1 {{per-axis fixed-point format needs a non-negative axis, got -1}}
func.func @negative_axis(%a: tensor<2x!fxp.fixed<s8, axis -1: [1, 2]>>)

// -----

// A per-axis format needs at least one fraction length.
// expected-error @+1 {{fixed-point format needs at least one fraction length}}
func.func @empty_axis_list(%a: tensor<2x!fxp.fixed<s8, axis 0: []>>)

// -----

// Unknown rounding mode in op syntax.
func.func @unknown_rounding(%x: tensor<4xf32>) {
  // expected-error @+1 {{unknown rounding mode 'upward'; expected one of nearest_away, nearest_even, floor, zero, stochastic}}
  %0 = fxp.quantize %x rounding upward : tensor<4xf32> to tensor<4x!fxp.fixed<s8, 3>>
  return
}

// -----

// Unknown overflow mode in op syntax.
func.func @unknown_overflow(%x: tensor<4xf32>) {
  // expected-error @+1 {{unknown overflow mode 'clip'; expected one of saturate, wrap}}
  %0 = fxp.quantize %x overflow clip : tensor<4xf32> to tensor<4x!fxp.fixed<s8, 3>>
  return
}

// -----

// A mode given twice.
func.func @rounding_twice(%x: tensor<4xf32>) {
  // expected-error @+1 {{'rounding' is given more than once}}
  %0 = fxp.quantize %x rounding floor rounding zero : tensor<4xf32> to tensor<4x!fxp.fixed<s8, 3>>
  return
}

// -----

// Unknown rounding mode in attribute syntax.
// expected-error @+1 {{unknown rounding mode 'up'; expected one of nearest_away, nearest_even, floor, zero, stochastic}}
func.func @unknown_rounding_attr() attributes {r = #fxp.rounding<up>}

// -----

// Unknown overflow mode in attribute syntax.
// expected-error @+1 {{unknown overflow mode 'clamp'; expected one of saturate, wrap}}
func.func @unknown_overflow_attr() attributes {o = #fxp.overflow<clamp>}

// -----

// Quantize must produce a fixed-point type.
func.func @quantize_to_integer(%x: tensor<4xf32>) {
  // expected-error @+1 {{result #0 must be fixed-point-like}}
  %0 = fxp.quantize %x : tensor<4xf32> to tensor<4xi8>
  return
}

// -----

// Quantize takes floats.
func.func @quantize_integer(%x: tensor<4xi32>) {
  // expected-error @+1 {{operand #0 must be floating-point-like}}
  %0 = fxp.quantize %x : tensor<4xi32> to tensor<4x!fxp.fixed<s8, 3>>
  return
}

// -----

// Quantize keeps the shape.
func.func @quantize_shape(%x: tensor<4xf32>) {
  // expected-error @+1 {{operand type 'tensor<4xf32>' and result type 'tensor<5x!fxp.fixed<s8, 3>>' must have the same shape}}
  %0 = fxp.quantize %x : tensor<4xf32> to tensor<5x!fxp.fixed<s8, 3>>
  return
}

// -----

// Quantize keeps the container kind.
func.func @quantize_kind(%x: vector<4xf32>) {
  // expected-error @+1 {{must both be scalars, vectors or tensors}}
  %0 = fxp.quantize %x : vector<4xf32> to tensor<4x!fxp.fixed<s8, 3>>
  return
}

// -----

// A per-axis list must match the axis size.
func.func @per_axis_size(%x: tensor<4x3xf32>) {
  // expected-error @+1 {{result type 'tensor<4x3x!fxp.fixed<s8, axis 0: [1, 2, 3]>>' has size 4 along axis 0 but its per-axis format lists 3 fraction lengths}}
  %0 = fxp.quantize %x : tensor<4x3xf32> to tensor<4x3x!fxp.fixed<s8, axis 0: [1, 2, 3]>>
  return
}

// -----

// A per-axis axis must be within the rank.
func.func @per_axis_rank(%x: tensor<4xf32>) {
  // expected-error @+1 {{result type 'tensor<4x!fxp.fixed<s8, axis 1: [1, 2, 3, 4]>>' has rank 1 but its per-axis format uses axis 1}}
  %0 = fxp.quantize %x : tensor<4xf32> to tensor<4x!fxp.fixed<s8, axis 1: [1, 2, 3, 4]>>
  return
}

// -----

// A per-axis format needs a shaped value.
func.func @per_axis_scalar(%x: f32) {
  // expected-error @+1 {{result has the per-axis format '!fxp.fixed<s8, axis 0: [1]>' but is a scalar; per-axis formats need a vector or tensor}}
  %0 = fxp.quantize %x : f32 to !fxp.fixed<s8, axis 0: [1]>
  return
}

// -----

// A seed needs stochastic rounding.
func.func @seed_without_stochastic(%x: tensor<4xf32>) {
  // expected-error @+1 {{has a seed but rounding mode 'floor'; a seed needs stochastic rounding}}
  %0 = fxp.quantize %x rounding floor seed 3 : tensor<4xf32> to tensor<4x!fxp.fixed<s8, 3>>
  return
}

// -----

// Dequantize takes fixed-point values.
func.func @dequantize_float(%x: tensor<4xf32>) {
  // expected-error @+1 {{operand #0 must be fixed-point-like}}
  %0 = fxp.dequantize %x : tensor<4xf32> to tensor<4xf32>
  return
}

// -----

// Dequantize produces floats.
func.func @dequantize_to_int(%x: tensor<4x!fxp.fixed<s8, 3>>) {
  // expected-error @+1 {{result #0 must be floating-point-like}}
  %0 = fxp.dequantize %x : tensor<4x!fxp.fixed<s8, 3>> to tensor<4xi8>
  return
}

// -----

// Dequantize keeps the shape.
func.func @dequantize_shape(%x: tensor<4x!fxp.fixed<s8, 3>>) {
  // expected-error @+1 {{must have the same shape}}
  %0 = fxp.dequantize %x : tensor<4x!fxp.fixed<s8, 3>> to tensor<2xf32>
  return
}

// -----

// Casts between per-axis formats keep the axis.
func.func @cast_axis(%x: tensor<2x2x!fxp.fixed<s8, axis 0: [1, 2]>>) {
  // expected-error @+1 {{cannot cast between per-axis formats on different axes or slice counts}}
  %0 = fxp.cast %x : tensor<2x2x!fxp.fixed<s8, axis 0: [1, 2]>> to tensor<2x2x!fxp.fixed<s8, axis 1: [1, 2]>>
  return
}

// -----

// Cast takes fixed-point values.
func.func @cast_float(%x: tensor<2xf32>) {
  // expected-error @+1 {{operand #0 must be fixed-point-like}}
  %0 = fxp.cast %x : tensor<2xf32> to tensor<2x!fxp.fixed<s8, 1>>
  return
}

// -----

// A seed on a cast needs stochastic rounding.
func.func @cast_seed(%x: tensor<2x!fxp.fixed<s16, 8>>) {
  // expected-error @+1 {{has a seed but rounding mode 'nearest_away'}}
  %0 = fxp.cast %x seed 1 : tensor<2x!fxp.fixed<s16, 8>> to tensor<2x!fxp.fixed<s8, 1>>
  return
}

// -----

// The constant payload must use the storage width.
func.func @constant_width() {
  // expected-error @+1 {{payload element type 'i16' does not match the storage type 'i8' of '!fxp.fixed<s8, 3>'}}
  %0 = fxp.constant dense<[1, 2]> : tensor<2xi16> as !fxp.fixed<s8, 3>
  return
}

// -----

// The constant payload must be integers.
func.func @constant_float() {
  // expected-error @+1 {{payload must be an integer or elements attribute of integers, got type 'tensor<2xf32>'}}
  %0 = fxp.constant dense<[1.0, 2.0]> : tensor<2xf32> as !fxp.fixed<s8, 3>
  return
}

// -----

// The type after `as` must be fixed point.
func.func @constant_not_fixed() {
  // expected-error @+1 {{expected a fixed-point element type after 'as', got 'i8'}}
  %0 = fxp.constant dense<[1, 2]> : tensor<2xi8> as i8
  return
}

// -----

// The payload must be a typed attribute.
func.func @constant_untyped() {
  // expected-error @+1 {{expected a typed integer or elements attribute as the constant's payload}}
  %0 = fxp.constant "abc" as !fxp.fixed<s8, 3>
  return
}

// -----

// A per-axis constant must match its axis size.
func.func @constant_per_axis() {
  // expected-error @+1 {{has size 2 along axis 0 but its per-axis format lists 3 fraction lengths}}
  %0 = fxp.constant dense<1> : tensor<2xi8> as !fxp.fixed<s8, axis 0: [1, 2, 3]>
  return
}

// -----

// The result type in generic form must match the payload.
func.func @constant_generic_mismatch() {
  // expected-error @+1 {{result type 'tensor<3x!fxp.fixed<s8, 3>>' does not match the payload type 'tensor<2xi8>'}}
  %0 = "fxp.constant"() {value = dense<[1, 2]> : tensor<2xi8>} : () -> tensor<3x!fxp.fixed<s8, 3>>
  return
}

// -----

// Observe needs a name.
func.func @observe_empty(%x: tensor<2xf32>) {
  // expected-error @+1 {{needs a non-empty name: statistics are keyed by it}}
  %0 = fxp.observe "" %x : tensor<2xf32>
  return
}

// -----

// Observe takes float or fixed-point values.
func.func @observe_int(%x: tensor<2xi32>) {
  // expected-error @+1 {{operand #0 must be floating-point-like or fixed-point-like}}
  %0 = fxp.observe "x" %x : tensor<2xi32>
  return
}
