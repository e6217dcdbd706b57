// Conv: explicit asymmetric pads + strides + bias (dynamic batch), auto_pad
// SAME_LOWER with dilations and no bias, depthwise, grouped.

// RUN: %python %S/Inputs/make_models.py conv %t.conv.onnx
// RUN: quant import %t.conv.onnx -o %t.conv.mlir
// RUN: quant-opt %t.conv.mlir --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s
// RUN: quant-opt %t.conv.mlir %lower-to-llvm | FileCheck %s --check-prefix=LLVM

// pads [h_begin, w_begin, h_end, w_end] = [1, 0, 2, 1]; bias broadcast as init.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.+]]: tensor<?x3x8x8xf32> {fxp.name = "x"} loc("x"))
// CHECK-SAME: -> (tensor<?x4x5x7xf32> {fxp.name = "y"})
// CHECK: %[[PAD:.+]] = tensor.pad %[[X]] low[0, 0, 1, 0] high[0, 0, 2, 1]
// CHECK: tensor<?x3x8x8xf32> to tensor<?x3x11x9xf32> loc("conv1")
// CHECK: %[[DIM:.+]] = tensor.dim %[[X]], %{{.+}} : tensor<?x3x8x8xf32> loc("conv1")
// CHECK: %[[B:.+]] = arith.constant dense<[0.000000e+00, 1.000000e-01, 2.000000e-01, 3.000000e-01]> : tensor<4xf32> loc("b")
// CHECK: %[[E:.+]] = tensor.empty(%[[DIM]]) : tensor<?x4x5x7xf32> loc("conv1")
// CHECK: %[[INIT:.+]] = linalg.broadcast ins(%[[B]] : tensor<4xf32>) outs(%[[E]] : tensor<?x4x5x7xf32>) dimensions = [0, 2, 3] loc("conv1")
// CHECK: %[[W:.+]] = arith.constant dense<{{.+}}> : tensor<4x3x3x3xf32> loc("w")
// CHECK: %[[Y:.+]] = linalg.conv_2d_nchw_fchw
// CHECK-SAME: dilations = dense<1> : tensor<2xi64>, strides = dense<[2, 1]> : tensor<2xi64>
// CHECK-SAME: ins(%[[PAD]], %[[W]] : tensor<?x3x11x9xf32>, tensor<4x3x3x3xf32>) outs(%[[INIT]] : tensor<?x4x5x7xf32>)
// CHECK-SAME: loc("conv1")
// CHECK: return %[[Y]]
// LLVM: llvm.func @main

// SAME_LOWER, 8x8 input, stride 2, 3x3 kernel dilated by 2: total padding 3,
// the odd one at the beginning. No bias: a zero-filled init.
// RUN: %python %S/Inputs/make_models.py conv_same %t.same.onnx
// RUN: quant import %t.same.onnx -o %t.same.mlir
// RUN: quant-opt %t.same.mlir --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=SAME
// RUN: quant-opt %t.same.mlir %lower-to-llvm | FileCheck %s --check-prefix=LLVM
// SAME-LABEL: func.func @main
// SAME: tensor.pad %{{.+}} low[0, 0, 2, 2] high[0, 0, 1, 1]
// SAME: tensor<1x2x8x8xf32> to tensor<1x2x11x11xf32> loc("conv_same")
// SAME: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32 loc("conv_same")
// SAME: %[[INIT:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<1x2x4x4xf32>)
// SAME: linalg.conv_2d_nchw_fchw {dilations = dense<2> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
// SAME-SAME: outs(%[[INIT]] : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("conv_same")

// group == C_in == C_out: depthwise, weights [3, 1, 3, 3] reshaped to [3, 3, 3].
// RUN: %python %S/Inputs/make_models.py conv_depthwise %t.dw.onnx
// RUN: quant import %t.dw.onnx -o %t.dw.mlir
// RUN: quant-opt %t.dw.mlir --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=DW
// RUN: quant-opt %t.dw.mlir %lower-to-llvm | FileCheck %s --check-prefix=LLVM
// DW-LABEL: func.func @main
// DW: linalg.broadcast ins(%{{.+}} : tensor<3xf32>) outs(%{{.+}} : tensor<?x3x6x6xf32>) dimensions = [0, 2, 3]
// DW: %[[W:.+]] = arith.constant dense<{{.+}}> : tensor<3x3x3xf32> loc("dw")
// DW: linalg.depthwise_conv_2d_nchw_chw
// DW-SAME: ins(%{{.+}}, %[[W]] : tensor<?x3x8x8xf32>, tensor<3x3x3xf32>)
// DW-SAME: -> tensor<?x3x6x6xf32> loc("dw")

// group == 2, 4 -> 6 channels: NGCHW / GFCHW between expand and collapse.
// RUN: %python %S/Inputs/make_models.py conv_group %t.group.onnx
// RUN: quant import %t.group.onnx -o %t.group.mlir
// RUN: quant-opt %t.group.mlir --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=GROUP
// RUN: quant-opt %t.group.mlir %lower-to-llvm | FileCheck %s --check-prefix=LLVM
// GROUP-LABEL: func.func @main
// GROUP: %[[IN:.+]] = tensor.expand_shape %{{.+}} {{\[}}[0], [1, 2], [3], [4]] output_shape [%{{.+}}, 2, 2, 5, 5] : tensor<?x4x5x5xf32> into tensor<?x2x2x5x5xf32>
// GROUP: %[[W:.+]] = arith.constant dense<{{.+}}> : tensor<2x3x2x3x3xf32>
// GROUP: %[[B:.+]] = arith.constant dense<{{.+}}> : tensor<2x3xf32>
// GROUP: %[[INIT:.+]] = linalg.broadcast ins(%[[B]] : tensor<2x3xf32>) outs(%{{.+}} : tensor<?x2x3x3x3xf32>) dimensions = [0, 3, 4]
// GROUP: %[[C:.+]] = linalg.conv_2d_ngchw_gfchw {{.+}} ins(%[[IN]], %[[W]] : tensor<?x2x2x5x5xf32>, tensor<2x3x2x3x3xf32>) outs(%[[INIT]] : tensor<?x2x3x3x3xf32>)
// GROUP: tensor.collapse_shape %[[C]] {{\[}}[0], [1, 2], [3], [4]] : tensor<?x2x3x3x3xf32> into tensor<?x6x3x3xf32> loc("gconv")
