// Round trip of the integer compute ops (custom syntax, generic form).
// RUN: quant-opt %s | quant-opt | FileCheck %s
// RUN: quant-opt %s --mlir-print-op-generic | quant-opt | FileCheck %s

// CHECK-LABEL: func.func @conv
// CHECK: fxp.conv2d %{{.*}}, %{{.*}}, %{{.*}} strides [2, 1] dilations [1, 2] padding [1, 0, 1, 2] relu : tensor<?x2x5x5x!fxp.fixed<s8, 4>>, tensor<3x2x3x3x!fxp.fixed<s8, axis 0: [7, 6, 5]>>, tensor<3x!fxp.fixed<s32, axis 0: [11, 10, 9]>> -> tensor<?x3x3x3x!fxp.fixed<s8, 5>>
func.func @conv(%x: tensor<?x2x5x5x!fxp.fixed<s8, 4>>, %w: tensor<3x2x3x3x!fxp.fixed<s8, axis 0: [7, 6, 5]>>, %b: tensor<3x!fxp.fixed<s32, axis 0: [11, 10, 9]>>) -> tensor<?x3x3x3x!fxp.fixed<s8, 5>> {
  %y = fxp.conv2d %x, %w, %b strides [2, 1] dilations [1, 2] padding [1, 0, 1, 2] relu : tensor<?x2x5x5x!fxp.fixed<s8, 4>>, tensor<3x2x3x3x!fxp.fixed<s8, axis 0: [7, 6, 5]>>, tensor<3x!fxp.fixed<s32, axis 0: [11, 10, 9]>> -> tensor<?x3x3x3x!fxp.fixed<s8, 5>>
  return %y : tensor<?x3x3x3x!fxp.fixed<s8, 5>>
}

// CHECK-LABEL: func.func @conv_no_bias
// CHECK: fxp.conv2d %{{.*}}, %{{.*}} strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] : tensor<1x2x4x4x!fxp.fixed<s8, 4>>, tensor<1x2x1x1x!fxp.fixed<s8, 7>> -> tensor<1x1x4x4x!fxp.fixed<s16, 9>>
func.func @conv_no_bias(%x: tensor<1x2x4x4x!fxp.fixed<s8, 4>>, %w: tensor<1x2x1x1x!fxp.fixed<s8, 7>>) -> tensor<1x1x4x4x!fxp.fixed<s16, 9>> {
  %y = fxp.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] : tensor<1x2x4x4x!fxp.fixed<s8, 4>>, tensor<1x2x1x1x!fxp.fixed<s8, 7>> -> tensor<1x1x4x4x!fxp.fixed<s16, 9>>
  return %y : tensor<1x1x4x4x!fxp.fixed<s16, 9>>
}

// CHECK-LABEL: func.func @matmul
// CHECK: fxp.matmul %{{.*}}, %{{.*}}, %{{.*}} relu : tensor<?x6x!fxp.fixed<s8, 3>>, tensor<6x4x!fxp.fixed<s8, axis 1: [7, 7, 6, 6]>>, tensor<4x!fxp.fixed<s32, axis 0: [10, 10, 9, 9]>> -> tensor<?x4x!fxp.fixed<u8, 2>>
func.func @matmul(%x: tensor<?x6x!fxp.fixed<s8, 3>>, %w: tensor<6x4x!fxp.fixed<s8, axis 1: [7, 7, 6, 6]>>, %b: tensor<4x!fxp.fixed<s32, axis 0: [10, 10, 9, 9]>>) -> tensor<?x4x!fxp.fixed<u8, 2>> {
  %y = fxp.matmul %x, %w, %b relu : tensor<?x6x!fxp.fixed<s8, 3>>, tensor<6x4x!fxp.fixed<s8, axis 1: [7, 7, 6, 6]>>, tensor<4x!fxp.fixed<s32, axis 0: [10, 10, 9, 9]>> -> tensor<?x4x!fxp.fixed<u8, 2>>
  return %y : tensor<?x4x!fxp.fixed<u8, 2>>
}

// CHECK-LABEL: func.func @add_and_pool
// CHECK: fxp.add %{{.*}}, %{{.*}} : tensor<?x3x5x5x!fxp.fixed<s8, 5>>, tensor<?x3x5x5x!fxp.fixed<s8, 3>> -> tensor<?x3x5x5x!fxp.fixed<s8, 4>>
// CHECK: fxp.global_avg_pool2d %{{.*}} : tensor<?x3x5x5x!fxp.fixed<s8, 4>> -> tensor<?x3x1x1x!fxp.fixed<s8, 6>>
func.func @add_and_pool(%a: tensor<?x3x5x5x!fxp.fixed<s8, 5>>, %b: tensor<?x3x5x5x!fxp.fixed<s8, 3>>) -> tensor<?x3x1x1x!fxp.fixed<s8, 6>> {
  %s = fxp.add %a, %b : tensor<?x3x5x5x!fxp.fixed<s8, 5>>, tensor<?x3x5x5x!fxp.fixed<s8, 3>> -> tensor<?x3x5x5x!fxp.fixed<s8, 4>>
  %p = fxp.global_avg_pool2d %s : tensor<?x3x5x5x!fxp.fixed<s8, 4>> -> tensor<?x3x1x1x!fxp.fixed<s8, 6>>
  return %p : tensor<?x3x1x1x!fxp.fixed<s8, 6>>
}
