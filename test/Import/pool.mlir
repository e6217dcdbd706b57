// MaxPool (-inf padding), AveragePool with count_include_pad (uniform
// divisor) and with ceil_mode (per-position divisors), GlobalAveragePool.

// RUN: %python %S/Inputs/make_models.py pool %t.onnx
// RUN: quant import %t.onnx -o %t.mlir
// RUN: quant-opt %t.mlir --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s
// RUN: quant-opt %t.mlir %lower-to-llvm | FileCheck %s --check-prefix=LLVM
// LLVM: llvm.func @main

// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.+]]: tensor<?x2x8x8xf32> {fxp.name = "x"} loc("x"))
// CHECK-SAME: -> (tensor<?x2x2x2xf32> {fxp.name = "c"}, tensor<?x2x1x1xf32> {fxp.name = "g"})

// MaxPool 3x3 / 2, pads 1: 8x8 -> 4x4.
// CHECK: %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32 loc("maxpool")
// CHECK: %[[MP_PAD:.+]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[NEGINF]]
// CHECK: } : tensor<?x2x8x8xf32> to tensor<?x2x10x10xf32> loc("maxpool")
// CHECK: %[[MP_INIT:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<?x2x4x4xf32>)
// CHECK: %[[MP_WIN:.+]] = tensor.empty() : tensor<3x3xf32>
// CHECK: %[[MP:.+]] = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[MP_PAD]], %[[MP_WIN]] : tensor<?x2x10x10xf32>, tensor<3x3xf32>) outs(%[[MP_INIT]] : tensor<?x2x4x4xf32>) -> tensor<?x2x4x4xf32> loc("maxpool")

// AveragePool 2x2, pads [1, 1, 0, 0], count_include_pad: always 4 taps.
// CHECK: %[[AP_PAD:.+]] = tensor.pad %[[MP]] low[0, 0, 1, 1] high[0, 0, 0, 0]
// CHECK: %[[AP_SUM:.+]] = linalg.pooling_nchw_sum {{.+}} ins(%[[AP_PAD]], %{{.+}} : tensor<?x2x5x5xf32>, tensor<2x2xf32>) {{.+}} -> tensor<?x2x4x4xf32> loc("avgpool")
// CHECK: %[[AP:.+]] = linalg.generic {{.+}} ins(%[[AP_SUM]] : tensor<?x2x4x4xf32>)
// CHECK: %[[FOUR:.+]] = arith.constant 4.000000e+00 : f32 loc("avgpool")
// CHECK: arith.divf %{{.+}}, %[[FOUR]] : f32 loc("avgpool")

// AveragePool 3x3 / 2 with ceil_mode on 4x4: 2x2 outputs, the last window
// hangs one past the input; its taps outside are not counted: 9, 6 / 6, 4.
// CHECK: %[[CP_PAD:.+]] = tensor.pad %[[AP]] low[0, 0, 0, 0] high[0, 0, 1, 1]
// CHECK: %[[CP_SUM:.+]] = linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[CP_PAD]], %{{.+}} : tensor<?x2x5x5xf32>, tensor<3x3xf32>)
// CHECK: %[[DIV:.+]] = arith.constant dense<{{\[}}[9.000000e+00, 6.000000e+00], [6.000000e+00, 4.000000e+00]]> : tensor<2x2xf32> loc("ceilpool")
// CHECK: %[[CP:.+]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
// CHECK-SAME: ins(%[[CP_SUM]], %[[DIV]] : tensor<?x2x2x2xf32>, tensor<2x2xf32>)
// CHECK: arith.divf

// GlobalAveragePool: sum over H, W into N x C x 1 x 1, then / 64.
// CHECK: %[[G_INIT:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<?x2x1x1xf32>)
// CHECK: %[[G_SUM:.+]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 0)>], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%[[X]] : tensor<?x2x8x8xf32>) outs(%[[G_INIT]] : tensor<?x2x1x1xf32>)
// CHECK: arith.addf
// CHECK: } -> tensor<?x2x1x1xf32> loc("gap")
// CHECK: %[[G:.+]] = linalg.generic {{.+}} ins(%[[G_SUM]] : tensor<?x2x1x1xf32>)
// CHECK: arith.constant 6.400000e+01 : f32 loc("gap")
// CHECK: return %[[CP]], %[[G]]
