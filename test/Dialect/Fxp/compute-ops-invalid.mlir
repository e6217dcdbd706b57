// Verifier errors of the integer compute ops.
// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @bias_fraction(%x: tensor<1x2x4x4x!fxp.fixed<s8, 4>>, %w: tensor<3x2x1x1x!fxp.fixed<s8, axis 0: [7, 6, 5]>>, %b: tensor<3x!fxp.fixed<s32, axis 0: [11, 10, 8]>>) {
  // expected-error @+1 {{bias fraction length of channel 2 is 8 but the accumulator has F_x + F_w = 9}}
  %y = fxp.conv2d %x, %w, %b strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] : tensor<1x2x4x4x!fxp.fixed<s8, 4>>, tensor<3x2x1x1x!fxp.fixed<s8, axis 0: [7, 6, 5]>>, tensor<3x!fxp.fixed<s32, axis 0: [11, 10, 8]>> -> tensor<1x3x4x4x!fxp.fixed<s8, 5>>
  return
}

// -----

func.func @bias_width(%x: tensor<1x2x4x4x!fxp.fixed<s8, 4>>, %w: tensor<3x2x1x1x!fxp.fixed<s8, 7>>, %b: tensor<3x!fxp.fixed<s16, 11>>) {
  // expected-error @+1 {{bias format must be s32 (the accumulator), got '!fxp.fixed<s16, 11>'}}
  %y = fxp.conv2d %x, %w, %b strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] : tensor<1x2x4x4x!fxp.fixed<s8, 4>>, tensor<3x2x1x1x!fxp.fixed<s8, 7>>, tensor<3x!fxp.fixed<s16, 11>> -> tensor<1x3x4x4x!fxp.fixed<s8, 5>>
  return
}

// -----

func.func @conv_shape(%x: tensor<1x2x4x4x!fxp.fixed<s8, 4>>, %w: tensor<3x2x3x3x!fxp.fixed<s8, 7>>) {
  // expected-error @+1 {{result height is 4, expected 2}}
  %y = fxp.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] : tensor<1x2x4x4x!fxp.fixed<s8, 4>>, tensor<3x2x3x3x!fxp.fixed<s8, 7>> -> tensor<1x3x4x4x!fxp.fixed<s8, 5>>
  return
}

// -----

func.func @groups(%x: tensor<1x4x4x4x!fxp.fixed<s8, 4>>, %w: tensor<4x1x3x3x!fxp.fixed<s8, 7>>) {
  // expected-error @+1 {{weight input channel count (groups are not supported) is 1, expected 4}}
  %y = fxp.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [1, 1, 1, 1] : tensor<1x4x4x4x!fxp.fixed<s8, 4>>, tensor<4x1x3x3x!fxp.fixed<s8, 7>> -> tensor<1x4x4x4x!fxp.fixed<s8, 5>>
  return
}

// -----

func.func @padding_count(%x: tensor<1x2x4x4x!fxp.fixed<s8, 4>>, %w: tensor<3x2x1x1x!fxp.fixed<s8, 7>>) {
  // expected-error @+1 {{needs 2 strides, 2 dilations and 4 padding values ([top, left, bottom, right])}}
  %y = fxp.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0] : tensor<1x2x4x4x!fxp.fixed<s8, 4>>, tensor<3x2x1x1x!fxp.fixed<s8, 7>> -> tensor<1x3x4x4x!fxp.fixed<s8, 5>>
  return
}

// -----

func.func @weight_axis(%x: tensor<1x2x4x4x!fxp.fixed<s8, 4>>, %w: tensor<3x2x1x1x!fxp.fixed<s8, axis 1: [7, 6]>>) {
  // expected-error @+1 {{per-axis weight format must be on axis 0 (output channels)}}
  %y = fxp.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] : tensor<1x2x4x4x!fxp.fixed<s8, 4>>, tensor<3x2x1x1x!fxp.fixed<s8, axis 1: [7, 6]>> -> tensor<1x3x4x4x!fxp.fixed<s8, 5>>
  return
}

// -----

func.func @wide_input(%x: tensor<1x2x4x4x!fxp.fixed<s32, 4>>, %w: tensor<3x2x1x1x!fxp.fixed<s8, 7>>) {
  // expected-error @+1 {{input word length 32 exceeds the kernel limit of 16 bits}}
  %y = fxp.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] : tensor<1x2x4x4x!fxp.fixed<s32, 4>>, tensor<3x2x1x1x!fxp.fixed<s8, 7>> -> tensor<1x3x4x4x!fxp.fixed<s8, 5>>
  return
}

// -----

func.func @unsigned_without_relu(%a: tensor<4x!fxp.fixed<s8, 4>>) {
  // expected-error @+1 {{unsigned result format '!fxp.fixed<u8, 4>' needs `relu` or unsigned operands}}
  %y = fxp.add %a, %a : tensor<4x!fxp.fixed<s8, 4>>, tensor<4x!fxp.fixed<s8, 4>> -> tensor<4x!fxp.fixed<u8, 4>>
  return
}

// -----

func.func @add_shapes(%a: tensor<4x!fxp.fixed<s8, 4>>, %b: tensor<5x!fxp.fixed<s8, 4>>) {
  // expected-error @+1 {{operands and result must have the same shape}}
  %y = fxp.add %a, %b : tensor<4x!fxp.fixed<s8, 4>>, tensor<5x!fxp.fixed<s8, 4>> -> tensor<4x!fxp.fixed<s8, 4>>
  return
}

// -----

func.func @add_per_axis(%a: tensor<2x!fxp.fixed<s8, axis 0: [4, 5]>>) {
  // expected-error @+1 {{lhs must have a per-tensor format}}
  %y = fxp.add %a, %a : tensor<2x!fxp.fixed<s8, axis 0: [4, 5]>>, tensor<2x!fxp.fixed<s8, axis 0: [4, 5]>> -> tensor<2x!fxp.fixed<s8, 4>>
  return
}

// -----

func.func @matmul_rows(%x: tensor<2x6x!fxp.fixed<s8, 3>>, %w: tensor<5x4x!fxp.fixed<s8, 7>>) {
  // expected-error @+1 {{weight row count is 5, expected 6}}
  %y = fxp.matmul %x, %w : tensor<2x6x!fxp.fixed<s8, 3>>, tensor<5x4x!fxp.fixed<s8, 7>> -> tensor<2x4x!fxp.fixed<s8, 2>>
  return
}

// -----

func.func @matmul_bias_count(%x: tensor<2x6x!fxp.fixed<s8, 3>>, %w: tensor<6x4x!fxp.fixed<s8, 7>>, %b: tensor<3x!fxp.fixed<s32, 10>>) {
  // expected-error @+1 {{bias must have 4 elements (output channels)}}
  %y = fxp.matmul %x, %w, %b : tensor<2x6x!fxp.fixed<s8, 3>>, tensor<6x4x!fxp.fixed<s8, 7>>, tensor<3x!fxp.fixed<s32, 10>> -> tensor<2x4x!fxp.fixed<s8, 2>>
  return
}

// -----

func.func @pool_shape(%x: tensor<1x3x5x5x!fxp.fixed<s8, 4>>) {
  // expected-error @+1 {{result height is 5, expected 1}}
  %p = fxp.global_avg_pool2d %x : tensor<1x3x5x5x!fxp.fixed<s8, 4>> -> tensor<1x3x5x1x!fxp.fixed<s8, 6>>
  return
}

// -----

func.func @observe_format(%x: tensor<4xf32>) {
  // expected-error @+1 {{format must be a fixed-point type, got 'i8'}}
  %0 = fxp.observe "x" %x {format = i8} : tensor<4xf32>
  return
}

// -----

func.func @observe_fraction(%x: tensor<4xf32>) {
  // expected-error @+1 {{overflow and underflow fractions must be in [0, 1], got 2}}
  %0 = fxp.observe "x" %x {format = !fxp.fixed<s8, 4>, overflow = 2.0} : tensor<4xf32>
  return
}

// -----

func.func @stats_counts(%x: tensor<4xf32>) {
  // expected-error @+1 {{zeros plus MSB counts exceed count 4}}
  %0 = fxp.observe "x" %x {stats = #fxp.stats<count = 4, zeros = 2, min = 0.0, max = 1.0, msb 0: [3]>} : tensor<4xf32>
  return
}

// -----

func.func @stats_extremes(%x: tensor<4xf32>) {
  // expected-error @+1 {{min 2.000000e+00 is greater than max 1.000000e+00}}
  %0 = fxp.observe "x" %x {stats = #fxp.stats<count = 4, zeros = 0, min = 2.0, max = 1.0, msb 0: [4]>} : tensor<4xf32>
  return
}
